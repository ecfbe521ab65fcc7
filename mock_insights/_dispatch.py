"""The core: a pure function from a wire request to a wire response.

Each operation module exports a ``HANDLERS`` table; this module joins them, so adding an
operation means writing its handler and state and listing it in its module's table.
"""

from __future__ import annotations

from . import _insight_ops, _store_ops, _trail_ops, _wire
from ._call import Call, Handler
from ._state import Backend
from .errors import ServiceError, UnsupportedOperationError

HANDLERS: dict[str, Handler] = {
    **_trail_ops.HANDLERS,
    **_store_ops.HANDLERS,
    **_insight_ops.HANDLERS,
}


def supported_operations() -> list[str]:
    """The CloudTrail operations the mock answers, sorted."""
    return sorted(HANDLERS)


def handle(request: _wire.WireRequest, backend: Backend) -> _wire.WireResponse:
    """Answer one request. Unimplemented operations raise ``UnsupportedOperationError``."""
    try:
        operation, params = _wire.decode(request)
        handler = HANDLERS.get(operation)
        if handler is None:
            raise UnsupportedOperationError(operation, request.region, supported_operations())
        with backend.lock:
            result = handler(Call(request.region, request.account_id, backend), params)
    except ServiceError as error:
        return _wire.encode_error(error)
    return _wire.encode_result(result)
