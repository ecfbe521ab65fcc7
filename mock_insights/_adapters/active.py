"""Whether a mock is active, and what it answers from: the one global every adapter reads.

The user-facing activation code sets ``current``; adapters only read it, so the hot path of an
inactive call is one global read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_insights._toolkit.harness import Harness


class Active:
    """The harness calls are answered from, the account and the region they act in by default,
    and whether botocore waits before retrying a mocked call.

    A plain slotted class rather than a dataclass: it is built at import of every process that
    imports mock_insights, and a dataclass costs most of a millisecond to create.
    """

    __slots__ = ("account_id", "harness", "region", "retry_delays")

    def __init__(
        self, harness: Harness, account_id: str, region: str, retry_delays: bool = True
    ) -> None:
        self.harness = harness
        self.account_id = account_id
        self.region = region
        self.retry_delays = retry_delays


current: Active | None = None
