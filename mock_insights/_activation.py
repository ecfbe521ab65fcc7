"""Process-wide activation: which mocks are active, and the state they share.

Activation is reference counted and process-wide, as moto's is: every thread and every
asyncio task sees the same state while any mock is active, so threads the code under test
starts are answered too. Concurrent ``with`` blocks in different threads or tasks nest: the
first start creates a fresh harness (state, call history, pending faults), the last stop lets
go of it. The region and the account of the innermost mock that names one apply.

Activation writes nothing to the environment: the botocore adapter answers credential, region
and metadata lookups in memory while ``active.current`` is set.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._adapters import active, moto_coexistence

if TYPE_CHECKING:
    from ._toolkit.harness import Harness

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"  # where calls act when no mock names a region


@dataclass(frozen=True, slots=True)
class Settings:
    """What one activation asks for."""

    region: str | None
    account_id: str | None
    history_limit: int | None = None
    retry_delays: bool | None = None


_lock = threading.Lock()
_stack: list[Settings] = []


def region() -> str:
    """The region of region-less clients and seeds: the innermost configured, else the default."""
    return next((s.region for s in reversed(_stack) if s.region), DEFAULT_REGION)


def account_id() -> str:
    """The account calls act as by default: the innermost configured, else the default."""
    return next((s.account_id for s in reversed(_stack) if s.account_id), DEFAULT_ACCOUNT_ID)


def retry_delays() -> bool:
    """Whether botocore waits before retrying a mocked call: the innermost configured, else yes."""
    return next((s.retry_delays for s in reversed(_stack) if s.retry_delays is not None), True)


def push(settings: Settings) -> Harness:
    """Activate one more mock and return the harness it shares; the first creates it."""
    with _lock:
        if active.current is None:
            from ._toolkit.harness import Harness  # loaded on first activation, not at import

            harness = Harness(settings.history_limit, moto_coexistence.CONDITIONS)
        else:
            harness = active.current.harness
        _stack.append(settings)
        moto_coexistence.claim_cloudtrail()
        _publish(harness)
        return harness


def pop(settings: Settings) -> None:
    """Deactivate one mock (the caller only passes settings it pushed)."""
    with _lock:
        for index in range(len(_stack) - 1, -1, -1):
            if _stack[index] is settings:
                del _stack[index]
                break
        if _stack:
            assert active.current is not None
            _publish(active.current.harness)
        else:
            active.current = None


def _publish(harness: Harness) -> None:
    active.current = active.Active(harness, account_id(), region(), retry_delays())
