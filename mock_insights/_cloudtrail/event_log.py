"""The events CloudTrail has recorded, per account and region, kept in time order.

LookupEvents, ListInsightsData and ListInsightsMetricData read these. Events are appended in
time order as calls are answered; events a test places in the past (Insights scenarios, added
activity) are inserted in order, so a lookup bisects to its time window and reads newest
first without sorting: its cost does not grow with other accounts, regions or trails.
"""

from __future__ import annotations

import bisect
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass(slots=True)
class Event:
    """One CloudTrail event: the fields lookups filter on, and its record.

    A recorded call keeps only what it was (``details``) and builds its record, ID and
    resources the first time they are read, so recording costs the answered call next to
    nothing.
    """

    time: float
    event_name: str
    event_source: str
    read_only: bool | None = None
    username: str | None = None
    access_key_id: str | None = None
    insight_category: str | None = None  # Insights events: "Management" or "Data"
    trail_arn: str | None = None  # data-event Insights: the trail that generated them
    details: Any = None  # what ``build`` needs
    build: Callable[[Event], tuple[Record, list[dict[str, str]]]] | None = None
    _event_id: str | None = None
    _record: Record | None = None
    _resources: list[dict[str, str]] | None = None

    @property
    def is_insight(self) -> bool:
        return self.insight_category is not None

    @property
    def event_id(self) -> str:
        if self._event_id is None:
            self._event_id = str(uuid.uuid4())
        return self._event_id

    def _built(self) -> None:
        if self._record is None:
            assert self.build is not None
            self._record, self._resources = self.build(self)

    @property
    def record(self) -> Record:
        self._built()
        assert self._record is not None
        return self._record

    @property
    def resources(self) -> list[dict[str, str]]:
        self._built()
        return self._resources or []

    def lookup_view(self) -> dict[str, Any]:
        """The ``Event`` shape of LookupEvents and ListInsightsData."""
        view: dict[str, Any] = {
            "EventId": self.event_id,
            "EventName": self.event_name,
            "EventTime": self.time,
            "EventSource": self.event_source,
            "Resources": [dict(resource) for resource in self.resources],
            "CloudTrailEvent": json.dumps(self.record, separators=(",", ":")),
        }
        if self.read_only is not None:
            view["ReadOnly"] = "true" if self.read_only else "false"
        if self.username is not None:
            view["Username"] = self.username
        if self.access_key_id is not None:
            view["AccessKeyId"] = self.access_key_id
        return view


def fixed(record: Record, resources: list[dict[str, str]] | None = None) -> Any:
    """A ``build`` for an event whose record is known when it is made."""
    return lambda event: (record, resources or [])


MAX_EVENTS = 100_000


class EventLog:
    """One account's events in one region, oldest first; past ``MAX_EVENTS`` the oldest tenth
    is let go, so a long soak test does not grow without bound."""

    __slots__ = ("_events", "_times")

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._times: list[float] = []

    def copied(self) -> EventLog:
        """Another log of the same events (events are never changed once recorded)."""
        clone = EventLog()
        clone._events, clone._times = list(self._events), list(self._times)
        return clone

    def add(self, event: Event) -> None:
        if len(self._events) >= MAX_EVENTS:
            drop = MAX_EVENTS // 10
            del self._events[:drop], self._times[:drop]
        if not self._times or event.time >= self._times[-1]:
            self._events.append(event)
            self._times.append(event.time)
            return
        index = bisect.bisect_right(self._times, event.time)
        self._events.insert(index, event)
        self._times.insert(index, event.time)

    def newest_first(self, start: float, end: float) -> Iterator[Event]:
        """Events with ``start <= time <= end``, newest first."""
        low = bisect.bisect_left(self._times, start)
        high = bisect.bisect_right(self._times, end)
        for index in range(high - 1, low - 1, -1):
            yield self._events[index]
