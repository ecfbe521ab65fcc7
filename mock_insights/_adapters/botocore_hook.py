"""The thin botocore adapter: wire the core into botocore's event system.

Two handlers are registered for CloudTrail only, on every botocore session created after
import (through ``BUILTIN_HANDLERS``) and on boto3's default session if it already exists:
``choose-signer`` turns signing off while active (no credentials are needed, and signing is
cost without meaning), and ``creating-client-class`` adds ``AnswersWhileMocked`` to each
CloudTrail client class. That mixin gives every new client its own ``before-send`` handler,
which knows the client's region, credentials (an access key that is a 12-digit account ID
makes the call act as that account) and User-Agent builder, and answers from the mock.
Inactive, each of the two per-call handlers is one global read.

As a last line, ``Endpoint._send`` refuses to let a CloudTrail request reach the network
while the mock is active, whatever session made the client: it answers as the mock's account
in the region of the endpoint, and registers a generic ``before-send`` handler on that
client for its later calls.

botocore's handler and endpoint modules are imported here rather than awaited with a
post-import hook: boto3 imports both anyway, so this costs nothing and works in any import
order. The dispatch core is loaded on the first activation, to keep import cheap.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import botocore.endpoint
import botocore.handlers
from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse
from botocore.validate import ParamValidationDecorator

from mock_insights import _activation
from mock_insights._activation import is_account_id

from . import moto_coexistence
from . import user_agent as _user_agent

_BEFORE_SEND = "before-send.cloudtrail"
_BEFORE_SEND_ID = "mock_insights:before-send.cloudtrail"
_HOST_REGION = re.compile(r"https?://cloudtrail(?:-fips)?\.([a-z0-9-]+)\.")


class _Body:
    """The ``raw`` object botocore reads a response body from."""

    __slots__ = ("_content",)

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


def _choose_signer(**_: Any) -> object | None:
    return UNSIGNED if _activation.current is not None else None


class _ClientAnswer:
    """The ``before-send`` handler of one CloudTrail client."""

    __slots__ = ("_signer", "_user_agent", "_validates")

    def __init__(self, signer: Any, user_agent: Any, validates: bool) -> None:
        self._signer = signer
        self._user_agent = user_agent  # handed to ``_user_agent.reuse`` on the first answer
        self._validates = validates  # botocore checks this client's parameters before sending

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        active = _activation.current
        if active is None:
            return None
        if self._user_agent is not None:
            _user_agent.reuse(self._user_agent)
            self._user_agent = None
        signer = self._signer
        access_key = getattr(getattr(signer, "_credentials", None), "access_key", None)
        account_id = access_key if is_account_id(access_key) else active.account_id
        region = getattr(signer, "_region_name", None)
        return respond(request, active, region, account_id, validated=self._validates)


class AnswersWhileMocked:
    """CloudTrail client mixin: register the client's own ``before-send`` handler."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meta = self.meta  # type: ignore[attr-defined]
        handler = _ClientAnswer(
            getattr(self, "_request_signer", None),
            getattr(self, "_user_agent_creator", None),
            isinstance(getattr(self, "_serializer", None), ParamValidationDecorator),
        )
        events = meta.events
        events.register(_BEFORE_SEND, handler, unique_id=_BEFORE_SEND_ID)


def _add_mixin(base_classes: list[type], **_: Any) -> None:
    if AnswersWhileMocked not in base_classes:
        base_classes.insert(0, AnswersWhileMocked)


def _answer(request: Any, **_: Any) -> AWSResponse | None:
    """``before-send`` of a client the mixin missed (its session predates the import)."""
    active = _activation.current
    return None if active is None else respond(request, active, None, active.account_id)


def _text(value: str | bytes | None) -> str | None:
    """Header values are ``bytes`` once botocore has prepared a request."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def respond(
    request: Any,
    active: _activation.Active,
    region: str | None,
    account_id: str,
    *,
    validated: bool = False,
) -> AWSResponse:
    """Answer a prepared botocore request from the mock's state.

    ``validated`` says botocore checked the parameters; otherwise the core checks them.
    """
    if (
        not moto_coexistence.claimed
    ):  # moto imported after activation: claim before its stubber runs
        moto_coexistence.claim_cloudtrail()
    if region is None:
        match = _HOST_REGION.match(request.url)
        region = match.group(1) if match else _activation.FALLBACK_REGION
    target = _text(request.headers.get("X-Amz-Target"))
    body = request.body
    if isinstance(body, str):
        body = body.encode()
    from mock_insights._protocol import (
        wire as _wire,  # loaded on first use; cached by the import system
    )

    wire = _wire.WireRequest(target, body or b"", region, account_id, validated)
    response = active.harness.answer(wire)
    return AWSResponse(request.url, response.status, response.headers, _Body(response.body))


HANDLERS = (
    ("choose-signer.cloudtrail", _choose_signer),
    ("creating-client-class.cloudtrail", _add_mixin),
)


def register(emitter: Any) -> None:
    """Add the handlers to one botocore event emitter (a session's or a client's), once."""
    for event, handler in HANDLERS:
        emitter.register(event, handler, unique_id=f"mock_insights:{event}")


def _guard(send: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Wrap ``Endpoint._send`` so an active mock answers CloudTrail instead of the network."""

    def guarded_send(endpoint: Any, request: Any) -> Any:
        active = _activation.current
        if active is not None and endpoint._endpoint_prefix == "cloudtrail":
            emitter = endpoint._event_emitter  # later calls of this client take the fast path
            register(emitter)
            emitter.register(_BEFORE_SEND, _answer, unique_id=_BEFORE_SEND_ID)
            return respond(request, active, None, active.account_id)
        return send(endpoint, request)

    guarded_send.mock_insights_guard = True  # type: ignore[attr-defined]
    return guarded_send


def install() -> None:
    """Register with botocore once per process; safe to call again."""
    if HANDLERS[0] not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.extend(HANDLERS)
    endpoint_class = botocore.endpoint.Endpoint
    if not getattr(endpoint_class._send, "mock_insights_guard", False):
        endpoint_class._send = _guard(endpoint_class._send)
    boto3 = sys.modules.get("boto3")
    if boto3 is not None and boto3.DEFAULT_SESSION is not None:
        register(boto3.DEFAULT_SESSION.events)


install()
