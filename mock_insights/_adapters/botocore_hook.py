"""The thin botocore adapter: wire the core into botocore's request path.

A CloudTrail request takes three steps past us while a mock is active:

1. Signing. ``RequestSigner._choose_signer`` answers "unsigned" for CloudTrail, whichever
   session made the client and in whatever import order, so the client's credentials are
   never read: no key is used and a refreshable credential never refreshes. A moto imported
   inside the block is told here to skip CloudTrail, before its ``before-send`` stubber runs.
2. ``before-send``. Each CloudTrail client has a handler that tags the request with the
   client's caller (its request signer, for region and account, and whether botocore validated
   the parameters). Clients made by a session created after import get it from the
   ``creating-client-class`` mixin, which also reuses the User-Agent string; any other client
   gets it when it is first signed. The tag never answers, so a ``before-send`` handler of the
   test's own that answers first wins, and the mock neither runs nor records that call.
3. ``Endpoint._send``, reached only when no ``before-send`` handler answered: the mock
   answers CloudTrail instead of the network and refuses ``cloudtrail-data`` with
   ``UnsupportedOperationError``. Nothing of either service is ever sent.

aiobotocore overrides these methods with coroutines; ``install`` watches for its modules and
has ``aiobotocore_hook`` wrap them when they are imported.

Inactive, each wrap and handler is one global read. botocore's handler, signer and endpoint
modules are imported here rather than awaited with a post-import hook: boto3 imports them
anyway, so this costs nothing and works in any import order.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import botocore.endpoint
import botocore.handlers
import botocore.signers
from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse
from botocore.validate import ParamValidationDecorator

from mock_insights._adapters import (
    active,
    botocore_isolation,
    import_watch,
    moto_coexistence,
    user_agent,
)
from mock_insights._cloudtrail.account_ids import is_account_id
from mock_insights.errors import UnsupportedOperationError

_BEFORE_SEND = "before-send.cloudtrail"
_CALLER_ID = "mock_insights:caller"
_CALLER = "mock_insights_caller"  # the request attribute the tag sets
_HOST_REGION = re.compile(r"https?://cloudtrail(?:-fips)?\.([a-z0-9-]+)\.")
_MOCKED_SIGNING_NAMES = botocore_isolation.MOCKED_SERVICES  # signing name = service name


class _Body:
    """The ``raw`` object botocore reads a response body from."""

    __slots__ = ("_content",)

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


class Caller:
    """One CloudTrail client as the mock sees it; its ``before-send`` handler tags requests."""

    __slots__ = ("_user_agent", "signer", "validates")

    def __init__(self, signer: Any, user_agent_builder: Any, validates: bool) -> None:
        self.signer = signer
        self.validates = validates  # botocore checks this client's parameters before sending
        self._user_agent = user_agent_builder  # handed to ``user_agent.reuse`` once, if any

    def __call__(self, request: Any, **_: Any) -> None:
        if active.current is None:
            return
        if self._user_agent is not None:
            user_agent.reuse(self._user_agent)
            self._user_agent = None
        setattr(request, _CALLER, self)

    def access_key(self) -> str | None:
        """The client's static access key; never a property that could refresh."""
        credentials = getattr(self.signer, "_credentials", None)
        frozen = getattr(credentials, "__dict__", None)
        key = None if frozen is None else frozen.get("access_key")
        if not isinstance(key, str) or key == botocore_isolation.FAKE_KEY:
            return None  # the mock's stand-in credentials: the call acts as the mock's account
        return key

    def account_id(self, default: str) -> str:
        """The account of a 12-digit static access key."""
        key = self.access_key()
        return key if is_account_id(key) else default

    @property
    def region(self) -> str | None:
        return getattr(self.signer, "_region_name", None)


def _register_caller(events: Any, caller: Caller) -> None:
    events.register(_BEFORE_SEND, caller, unique_id=_CALLER_ID)


class AnswersWhileMocked:
    """CloudTrail client mixin: register the client's caller tag at creation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        signer = getattr(self, "_request_signer", None)
        caller = Caller(
            signer,
            getattr(self, "_user_agent_creator", None),
            isinstance(getattr(self, "_serializer", None), ParamValidationDecorator),
        )
        _register_caller(self.meta.events, caller)  # type: ignore[attr-defined]
        if signer is not None:
            signer.mock_insights_tagged = True
        _models().adopt(
            self.meta.service_model,  # type: ignore[attr-defined]
            getattr(self, "_loader", None),
        )


def _add_mixin(base_classes: list[type], **_: Any) -> None:
    if AnswersWhileMocked not in base_classes:
        base_classes.insert(0, AnswersWhileMocked)


def unsigned(signer: Any) -> bool:
    """Whether this signer's request is the mock's to answer (so it goes unsigned); tags a
    client the mixin missed and claims a moto imported while active, before it answers."""
    if active.current is None or signer._signing_name not in _MOCKED_SIGNING_NAMES:
        return False
    if not moto_coexistence.claimed:
        moto_coexistence.claim_cloudtrail()
    if not getattr(signer, "mock_insights_tagged", False):
        if signer._signing_name == "cloudtrail":
            _register_caller(signer._event_emitter, Caller(signer, None, False))
            _models()  # a client made before import: its session's loader may have the model
        signer.mock_insights_tagged = True
    return True


def _choose_signer(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``RequestSigner._choose_signer``: CloudTrail is unsigned while active."""

    def choose_signer(signer: Any, operation_name: Any, signing_type: Any, context: Any) -> Any:
        if unsigned(signer):
            return UNSIGNED
        return original(signer, operation_name, signing_type, context)

    return botocore_isolation.marked(choose_signer, original)


def _text(value: str | bytes | None) -> str | None:
    """Header values are ``bytes`` once botocore has prepared a request."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def answer(request: Any, current: active.Active) -> Any:
    """The mock's wire response to a prepared CloudTrail request, sync or async alike.

    The caller tag gives the client's region and account; an untagged request acts as the
    mock's account in the region of its URL (or the mock's region).
    """
    caller: Caller | None = getattr(request, _CALLER, None)
    region = None if caller is None else caller.region
    if region is None:
        match = _HOST_REGION.match(request.url)
        region = match.group(1) if match else current.region
    account_id = current.account_id if caller is None else caller.account_id(current.account_id)
    target = _text(request.headers.get("X-Amz-Target"))
    body = request.body
    if isinstance(body, str):
        body = body.encode()
    from mock_insights._protocol import wire  # loaded on first use; cached by the import system

    validated = caller is not None and caller.validates
    key = None if caller is None else caller.access_key()
    wire_request = wire.WireRequest(target, body or b"", region, account_id, validated, key)
    return current.harness.answer(wire_request)


def respond(request: Any, current: active.Active) -> AWSResponse:
    """Answer a prepared CloudTrail request from the mock's state, as botocore's response."""
    response = answer(request, current)
    return AWSResponse(request.url, response.status, response.headers, _Body(response.body))


def refuse_cloudtrail_data(request: Any, current: active.Active) -> UnsupportedOperationError:
    operation = urlsplit(request.url).path.strip("/") or "(unknown operation)"
    return UnsupportedOperationError(operation, current.region, [], service="CloudTrail Data")


def _guard(send: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Wrap ``Endpoint._send``: while active, CloudTrail is answered and never sent."""

    def guarded_send(endpoint: Any, request: Any) -> Any:
        current = active.current
        if current is not None:
            prefix = endpoint._endpoint_prefix
            if prefix == "cloudtrail":
                return respond(request, current)
            if prefix == "cloudtrail-data":
                raise refuse_cloudtrail_data(request, current)
        return send(endpoint, request)

    return botocore_isolation.marked(guarded_send, send)


def skips_retry_delay(endpoint: Any) -> bool:
    """Whether a retry of this endpoint's call goes without waiting: a mocked service while
    the active mocks ask for ``retry_delays=False``."""
    current = active.current
    return (
        current is not None
        and not current.retry_delays
        and endpoint._endpoint_prefix in _MOCKED_SIGNING_NAMES
    )


def _needs_retry(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``Endpoint._needs_retry``: botocore's own decision, without the sleep when the
    mock says so (botocore sleeps inside this method, in ``time.sleep``)."""

    def needs_retry(
        endpoint: Any,
        attempts: Any,
        operation_model: Any,
        request_dict: Any,
        response: Any = None,
        caught_exception: Any = None,
    ) -> Any:
        if not skips_retry_delay(endpoint):
            return original(
                endpoint, attempts, operation_model, request_dict, response, caught_exception
            )
        event, details = needs_retry_event(
            endpoint, attempts, operation_model, request_dict, response, caught_exception
        )
        return retry_wanted(endpoint._event_emitter.emit(event, **details))

    return botocore_isolation.marked(needs_retry, original)


def needs_retry_event(
    endpoint: Any,
    attempts: Any,
    operation_model: Any,
    request_dict: Any,
    response: Any,
    caught_exception: Any,
) -> tuple[str, dict[str, Any]]:
    """The ``needs-retry`` event botocore (and aiobotocore) emit after each attempt."""
    service_id = operation_model.service_model.service_id.hyphenize()
    return f"needs-retry.{service_id}.{operation_model.name}", {
        "response": response,
        "endpoint": endpoint,
        "operation": operation_model,
        "attempts": attempts,
        "caught_exception": caught_exception,
        "request_dict": request_dict,
    }


def retry_wanted(responses: Any) -> bool:
    """botocore's reading of the ``needs-retry`` answers: the first that is not None says
    how long to wait; None (or False) means no retry."""
    from botocore.hooks import first_non_none_response

    delay = first_non_none_response(responses)
    return delay is not None and delay is not False


HANDLERS = (("creating-client-class.cloudtrail", _add_mixin),)


def register(emitter: Any) -> None:
    """Add the handlers to one botocore event emitter (a session's), once."""
    for event, handler in HANDLERS:
        emitter.register(event, handler, unique_id=f"mock_insights:{event}")


_AIOBOTOCORE_WRAPS = (
    ("aiobotocore.endpoint", "wrap_endpoint"),
    ("aiobotocore.signers", "wrap_signers"),
    ("aiobotocore.session", "wrap_session"),
)


def _async_wrap(name: str) -> Callable[[ModuleType], None]:
    def wrap(module: ModuleType) -> None:
        from mock_insights._adapters import aiobotocore_hook  # only once aiobotocore is in use

        getattr(aiobotocore_hook, name)(module)

    return wrap


def _default_session_loader() -> Any:
    """boto3's default session's model loader, which has CloudTrail's model cached once
    ``boto3.client("cloudtrail")`` made a client; None before boto3 made a session."""
    boto3 = sys.modules.get("boto3")
    session = None if boto3 is None else boto3.DEFAULT_SESSION
    return None if session is None else session._session.get_component("data_loader")


def _models() -> ModuleType:
    """The model layer's service models, told where botocore may already have CloudTrail's
    model, so the mock's first call does not load and parse it again. Imported on the first
    client rather than at import, which it would slow by about 1.5 ms."""
    from mock_insights._cloudtrail import service_model

    if _default_session_loader not in service_model.loader_sources:
        service_model.loader_sources.append(_default_session_loader)
    return service_model


def install() -> None:
    """Register with botocore once per process, and watch for aiobotocore; safe to call again."""
    if HANDLERS[0] not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.extend(HANDLERS)
    botocore_isolation.wrap_once(botocore.endpoint.Endpoint, "_send", _guard)
    botocore_isolation.wrap_once(botocore.endpoint.Endpoint, "_needs_retry", _needs_retry)
    botocore_isolation.wrap_once(botocore.signers.RequestSigner, "_choose_signer", _choose_signer)
    botocore_isolation.install()
    for module, wrap in _AIOBOTOCORE_WRAPS:
        import_watch.when_imported(module, _async_wrap(wrap))
    boto3 = sys.modules.get("boto3")
    if boto3 is not None and boto3.DEFAULT_SESSION is not None:
        register(boto3.DEFAULT_SESSION.events)


install()
