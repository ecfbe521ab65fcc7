"""The core: a pure function from a wire request to a wire response.

Each operation module exports a ``HANDLERS`` table; this module joins them, so adding an
operation means writing its handler and state and listing it in its module's table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mock_insights._cloudtrail import (
    api_events,
    insight_ops,
    lookup_ops,
    service_model,
    store_ops,
    tag_ops,
    trail_ops,
)
from mock_insights._cloudtrail.call import Call, Handler, Params
from mock_insights._cloudtrail.state import Backend
from mock_insights.errors import ServiceError, UnsupportedOperationError

from . import validation
from . import wire as _wire

HANDLERS: dict[str, Handler] = {
    **trail_ops.HANDLERS,
    **store_ops.HANDLERS,
    **insight_ops.HANDLERS,
    **tag_ops.HANDLERS,
    **lookup_ops.HANDLERS,
}

# Given the operation and its params before the handler runs, may answer with an error instead.
Fault = Callable[[str, Params], "ServiceError | None"]


@dataclass(frozen=True, slots=True)
class Exchange:
    """One answered request: its operation, the error it ended with, and the bytes sent back."""

    operation: str
    error: ServiceError | None
    response: _wire.WireResponse


def supported_operations() -> list[str]:
    """The CloudTrail operations the mock answers that the installed botocore knows, sorted
    (``ListInsightsData`` came with botocore 1.41)."""
    known = service_model.operation_names()
    return sorted(operation for operation in HANDLERS if operation in known)


def run(operation: str, call: Call, params: Params) -> Params:
    """Run one implemented operation on already-decoded params; errors are raised."""
    handler = HANDLERS.get(operation)
    if handler is None:
        raise UnsupportedOperationError(operation, call.region, supported_operations())
    return handler(call, params)


def handle(request: _wire.WireRequest, backend: Backend, fault: Fault | None = None) -> Exchange:
    """Answer one request. Unimplemented operations raise ``UnsupportedOperationError``.

    The caller holds ``backend.lock``. A request botocore did not validate is checked against
    the model first; ``fault`` is consulted after that and before the operation runs, so an
    injected error changes no state.
    """
    operation = (request.target or "").rpartition(".")[2]
    params: Params = {}
    try:
        operation, params = _wire.decode(request)
        if not request.validated and operation in HANDLERS:
            invalid = validation.explain(operation, params)
            if invalid is not None:
                raise invalid
        injected = None if fault is None else fault(operation, params)
        if injected is not None:
            raise injected
        result = run(operation, Call(request.region, request.account_id, backend), params)
    except ServiceError as error:
        _record(backend, request, operation, params, None, error)
        return Exchange(operation, error, _wire.encode_error(error))
    except (TypeError, AttributeError, KeyError, ValueError):
        # A request the model accepts but a handler cannot read: answer as AWS would, or
        # it is our bug.
        explained = validation.explain(operation, params)
        if explained is None:
            raise
        _record(backend, request, operation, params, None, explained)
        return Exchange(operation, explained, _wire.encode_error(explained))
    _record(backend, request, operation, params, result, None)
    return Exchange(operation, None, _wire.encode_result(result))


def _record(
    backend: Backend,
    request: _wire.WireRequest,
    operation: str,
    params: Params,
    result: Params | None,
    error: ServiceError | None,
) -> None:
    """Log the call as CloudTrail logs calls to itself (management events)."""
    if operation not in HANDLERS or operation in api_events.NOT_RECORDED:
        return
    event = api_events.api_call_event(
        operation,
        params,
        request.region,
        request.account_id,
        response=result,
        error_code=None if error is None else error.code,
        error_message=None if error is None else error.message,
        access_key_id=request.access_key_id,
    )
    backend.events(request.account_id, request.region).add(event)
