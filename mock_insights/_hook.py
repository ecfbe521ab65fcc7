"""The thin botocore adapter: wire the core into botocore's event system.

Four handlers are registered for CloudTrail only, on every botocore session created after
import (through ``BUILTIN_HANDLERS``) and on boto3's default session if it already exists:
``creating-client-class`` lets a client reuse its User-Agent string while mocked (see
``_user_agent``), ``choose-signer`` turns signing off (no credentials are needed, and
signing is cost without meaning), ``before-sign`` records the client's region and access key
on the request (an access key that is a 12-digit account ID makes the call act as that
account), and ``before-send`` answers it. As a last line, ``Endpoint._send`` refuses to let a
CloudTrail request reach the network while the mock is active, whatever session made the
client. Inactive, each handler is one global read.

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

from . import _activation, _moto, _user_agent
from ._activation import is_account_id

REGION_HEADER = "x-mock-insights-region"
ACCOUNT_HEADER = "x-mock-insights-account"
_HOST_REGION = re.compile(r"https?://cloudtrail(?:-fips)?\.([a-z0-9-]+)\.")
_FALLBACK_REGION = "us-east-1"


class _Body:
    """The ``raw`` object botocore reads a response body from."""

    __slots__ = ("_content",)

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


def _choose_signer(**_: Any) -> object | None:
    return UNSIGNED if _activation.current is not None else None


def _record_caller(
    request: Any, region_name: str | None = None, request_signer: Any = None, **_: Any
) -> None:
    """Stamp the client's region and access key on the request: the key picks the account."""
    if _activation.current is None:
        return
    if not _moto.claimed:  # moto imported after activation: claim before its stubber runs
        _moto.claim_cloudtrail()
    if region_name:
        request.headers[REGION_HEADER] = region_name
    credentials = getattr(request_signer, "_credentials", None)
    access_key = getattr(credentials, "access_key", None)
    if is_account_id(access_key):
        request.headers[ACCOUNT_HEADER] = access_key


def _answer(request: Any, **_: Any) -> AWSResponse | None:
    active = _activation.current
    return None if active is None else respond(request, active)


def _text(value: str | bytes | None) -> str | None:
    """Header values are ``bytes`` once botocore has prepared a request."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def respond(request: Any, active: _activation.Active) -> AWSResponse:
    """Answer a prepared botocore request from the mock's state."""
    headers = request.headers
    region = _text(headers.get(REGION_HEADER))
    if region is None:
        match = _HOST_REGION.match(request.url)
        region = match.group(1) if match else _FALLBACK_REGION
    target = _text(headers.get("X-Amz-Target"))
    body = request.body
    if isinstance(body, str):
        body = body.encode()
    from . import _wire  # loaded on first use; cached by the import system

    account_id = _text(headers.get(ACCOUNT_HEADER)) or active.account_id
    wire = _wire.WireRequest(target, body or b"", region, account_id)
    response = active.harness.answer(wire)
    return AWSResponse(request.url, response.status, response.headers, _Body(response.body))


HANDLERS = (
    ("choose-signer.cloudtrail", _choose_signer),
    ("creating-client-class.cloudtrail", _user_agent.add_mixin),
    ("before-sign.cloudtrail", _record_caller),
    ("before-send.cloudtrail", _answer),
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
            register(endpoint._event_emitter)  # later calls of this client take the fast path
            return respond(request, active)
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
