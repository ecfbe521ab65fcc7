"""Whether a mock is active, and what it answers from: the one global every adapter reads.

The user-facing activation code sets ``current``; adapters only read it, so the hot path of an
inactive call is one global read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_insights._toolkit.harness import Harness


@dataclass(frozen=True, slots=True)
class Active:
    """The harness calls are answered from, the account and the region they act in by default."""

    harness: Harness
    account_id: str
    region: str


current: Active | None = None
