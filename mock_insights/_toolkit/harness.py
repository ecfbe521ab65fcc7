"""What one activation answers from: the state, the call history and the pending faults.

The hook hands every CloudTrail request here. The state change, the fault lookup and the
history entry of one call happen under one lock, so the recorded order is the order in which
calls changed the state.
"""

from __future__ import annotations

from collections import deque

from mock_insights._cloudtrail.state import Backend, ExternalConditions
from mock_insights._protocol import dispatch
from mock_insights._protocol.wire import WireRequest, WireResponse

from .faults import Faults
from .history import RecordedCall


class Harness:
    """The shared state of nested activations, created by the outermost one."""

    def __init__(
        self, history_limit: int | None = None, external: ExternalConditions | None = None
    ) -> None:
        self.backend = Backend(external)
        # The newest ``history_limit`` calls (all if None; none, and no recording cost, if 0).
        self.calls: deque[RecordedCall] = deque(maxlen=history_limit)
        self.records = history_limit != 0
        self.faults = Faults()

    def reset(self) -> None:
        """Empty the state, the call history and the pending faults, as a fresh mock starts
        (the server's ``POST /_mock_insights/reset``)."""
        backend = self.backend
        with backend.lock:
            backend.replace_with(Backend(backend.external))
            self.calls.clear()
            self.faults.clear()

    def answer(self, request: WireRequest) -> WireResponse:
        """Answer one request and record it."""
        with self.backend.lock:
            exchange = dispatch.handle(
                request, self.backend, self.faults.take if self.faults else None
            )
            response = exchange.response
            if self.records:
                self.calls.append(
                    RecordedCall(
                        exchange.operation,
                        request.region,
                        request.account_id,
                        None if exchange.error is None else exchange.error.code,
                        request.body,
                        response.body,
                    )
                )
        return response
