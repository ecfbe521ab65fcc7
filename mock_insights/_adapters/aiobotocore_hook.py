"""The aiobotocore adapter: the same three steps as the botocore adapter, on the async classes.

aiobotocore overrides the methods the sync adapter wraps with coroutines of its own, so a
CloudTrail call from an aiobotocore or aioboto3 client would pass the sync guards by. This
module wraps them as each aiobotocore module is imported, whenever that is: ``botocore_hook``
watches for those imports (``import_watch``) and loads this module only then, so
``import mock_insights`` loads neither aiobotocore, asyncio nor this module.

- ``AioRequestSigner._choose_signer``: CloudTrail unsigned while active; clients the
  ``creating-client-class`` mixin missed (made by a session created before import) are tagged.
- ``AioEndpoint._send``: the mock answers CloudTrail with an ``AioAWSResponse`` whose body
  aiobotocore reads with ``await``; ``cloudtrail-data`` is refused. Nothing is ever sent.
- ``AioEndpoint._needs_retry``: aiobotocore's retry decision, without the wait when the mock
  asks for ``retry_delays=False``.
- ``AioSession.get_credentials`` and ``AioSession._create_client``: fake static credentials
  unless keys were set in code, and no config file read while a CloudTrail client is built, as
  for sync sessions. The profile, region and metadata wraps of the sync adapter are inherited.

The mock's core runs in the event loop's thread: a call holds the loop for the microseconds of
the core, as a sync call holds its thread.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from botocore import UNSIGNED

from mock_insights._adapters import active, botocore_hook, botocore_isolation

Coroutine = Callable[..., Any]


class _AsyncBody:
    """The ``raw`` object aiobotocore awaits a response body from."""

    __slots__ = ("_content",)

    def __init__(self, content: bytes) -> None:
        self._content = content

    async def read(self) -> bytes:
        return self._content

    async def aread(self) -> bytes:  # the httpx flavour
        return self._content


def _send(original: Coroutine) -> Coroutine:
    from aiobotocore.awsrequest import AioAWSResponse

    async def send(endpoint: Any, request: Any) -> Any:
        current = active.current
        if current is not None:
            prefix = endpoint._endpoint_prefix
            if prefix == "cloudtrail":
                response = botocore_hook.answer(request, current)
                return AioAWSResponse(
                    request.url, response.status, response.headers, _AsyncBody(response.body)
                )
            if prefix == "cloudtrail-data":
                raise botocore_hook.refuse_cloudtrail_data(request, current)
        return await original(endpoint, request)

    return botocore_isolation.marked(send, original)


def _needs_retry(original: Coroutine) -> Coroutine:
    async def needs_retry(
        endpoint: Any,
        attempts: Any,
        operation_model: Any,
        request_dict: Any,
        response: Any = None,
        caught_exception: Any = None,
    ) -> Any:
        if not botocore_hook.skips_retry_delay(endpoint):
            return await original(
                endpoint, attempts, operation_model, request_dict, response, caught_exception
            )
        event, details = botocore_hook.needs_retry_event(
            endpoint, attempts, operation_model, request_dict, response, caught_exception
        )
        return botocore_hook.retry_wanted(await endpoint._event_emitter.emit(event, **details))

    return botocore_isolation.marked(needs_retry, original)


def _choose_signer(original: Coroutine) -> Coroutine:
    async def choose_signer(
        signer: Any, operation_name: Any, signing_type: Any, context: Any
    ) -> Any:
        if botocore_hook.unsigned(signer):
            return UNSIGNED
        return await original(signer, operation_name, signing_type, context)

    return botocore_isolation.marked(choose_signer, original)


def _get_credentials(original: Coroutine) -> Coroutine:
    from aiobotocore.credentials import AioCredentials

    async def get_credentials(session: Any) -> Any:
        if active.current is None:
            return await original(session)
        explicit = session._credentials
        if explicit is not None and getattr(explicit, "method", None) == "explicit":
            return explicit
        key = botocore_isolation.FAKE_KEY
        return AioCredentials(key, key, method="mock_insights")

    return botocore_isolation.marked(get_credentials, original)


def _create_client(original: Coroutine) -> Coroutine:
    async def create_client(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        with botocore_isolation.building(service_name):
            return await original(session, service_name, *args, **kwargs)

    return botocore_isolation.marked(create_client, original)


def wrap_endpoint(module: ModuleType) -> None:
    botocore_isolation.wrap_once(module.AioEndpoint, "_send", _send)
    botocore_isolation.wrap_once(module.AioEndpoint, "_needs_retry", _needs_retry)


def wrap_signers(module: ModuleType) -> None:
    botocore_isolation.wrap_once(module.AioRequestSigner, "_choose_signer", _choose_signer)


def wrap_session(module: ModuleType) -> None:
    botocore_isolation.wrap_once(module.AioSession, "get_credentials", _get_credentials)
    botocore_isolation.wrap_once(module.AioSession, "_create_client", _create_client)
