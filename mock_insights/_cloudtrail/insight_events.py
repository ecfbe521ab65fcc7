"""Insights that happened: their Start and End records and the metric series around them.

A test declares an Insight by its outcome (see ``_toolkit/scenarios.py``); this module turns
one into what CloudTrail would show: two records of the user guide's "CloudTrail record
contents for Insights events" sharing a ``sharedEventID``, and a per-minute rate that is the
baseline outside the anomaly and the Insight's rate inside it, which ListInsightsMetricData
sums per period.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .event_log import Event, Record, fixed

EVENT_VERSION = "1.09"  # the user guide's current Insights examples
BASELINE_MINUTES = 7 * 24 * 60  # "the baseline ... spans at least 7 days"


def iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


@dataclass(slots=True)
class Insight:
    """One Insight: what, where, when, and how unusual."""

    insight_type: str
    event_source: str
    event_name: str
    category: str  # the analysed events: "Management" or "Data"
    start: float
    end: float
    baseline: float  # per-minute average before the Insight
    insight: float  # per-minute average during it (the End record's, and the metric series')
    region: str
    account_id: str
    error_code: str | None = None
    trail_arn: str | None = None
    event_data_store_arn: str | None = None
    attributions: Any = None  # None: the defaults; a list; or {"Start": [...], "End": [...]}
    start_insight: float | None = None  # the Start record's average: the first minute's rate
    baseline_duration: int = BASELINE_MINUTES
    shared_event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    start_event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    end_event_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def matches(self, event_source: str, event_name: str, insight_type: str) -> bool:
        return (self.event_source, self.event_name, self.insight_type) == (
            event_source,
            event_name,
            insight_type,
        )

    def minutes_inside(self, start: float, end: float) -> float:
        """How many minutes of ``[start, end)`` the Insight covers."""
        return max(0.0, min(end, self.end) - max(start, self.start)) / 60


def default_attributions(insight: Insight) -> list[Record]:
    """Who and what the unusual calls came from: the mock's caller, as in its management
    events, with the Insight's and the baseline's rates."""
    user_arn = f"arn:aws:iam::{insight.account_id}:user/mock-insights"
    error = insight.error_code or "null"
    return [
        {
            "attribute": attribute,
            "insight": [{"value": value, "average": insight.insight}],
            "baseline": [{"value": value, "average": insight.baseline}],
        }
        for attribute, value in (
            ("userIdentityArn", user_arn),
            ("userAgent", "mock_insights"),
            ("errorCode", error),
        )
    ]


def _attributions(insight: Insight, state: str) -> list[Record] | None:
    given = insight.attributions
    if given is None:
        return default_attributions(insight)
    if isinstance(given, dict):
        given = given.get(state)
    return list(given) if given else None


def _record(insight: Insight, state: str) -> Record:
    average = insight.insight
    if state == "Start" and insight.start_insight is not None:
        average = insight.start_insight
    statistics: Record = {
        "baseline": {"average": insight.baseline},
        "insight": {"average": average},
        "insightDuration": max(1, round((insight.end - insight.start) / 60)),
        "baselineDuration": insight.baseline_duration,
    }
    details: Record = {
        "state": state,
        "eventSource": insight.event_source,
        "eventName": insight.event_name,
        "insightType": insight.insight_type,
    }
    if insight.error_code is not None:
        details["errorCode"] = insight.error_code
    details["sourceEventCategory"] = insight.category
    context: Record = {"statistics": statistics}
    attributions = _attributions(insight, state)
    if attributions is not None:
        context["attributions"] = attributions
    details["insightContext"] = context
    if insight.category == "Data" and insight.trail_arn is not None:
        details["insightSource"] = insight.trail_arn
    record: Record = {
        "eventVersion": EVENT_VERSION,
        "eventTime": iso(insight.start if state == "Start" else insight.end),
        "awsRegion": insight.region,
        "eventID": insight.start_event_id if state == "Start" else insight.end_event_id,
        "eventType": "AwsCloudTrailInsight",
        "recipientAccountId": insight.account_id,
        "sharedEventID": insight.shared_event_id,
        "insightDetails": details,
        "eventCategory": "Insight",
    }
    if insight.event_data_store_arn is not None:
        record["insightSource"] = insight.event_data_store_arn
        record["insightState"] = state
    return record


def start_record(insight: Insight) -> Record:
    return _record(insight, "Start")


def end_record(insight: Insight) -> Record:
    return _record(insight, "End")


def events(insight: Insight) -> list[Event]:
    """The Start and End events, as the lookups list them."""
    made = []
    for when, record in (
        (insight.start, start_record(insight)),
        (insight.end, end_record(insight)),
    ):
        made.append(
            Event(
                time=when,
                event_name=insight.event_name,
                event_source=insight.event_source,
                insight_category=insight.category,
                trail_arn=insight.trail_arn,
                build=fixed(record),
                _event_id=record["eventID"],
            )
        )
    return made


def bucket_values(
    insights: list[Insight], start: float, end: float, period: int
) -> list[tuple[float, float]]:
    """``(bucket start, calls in the bucket)`` for each period-aligned bucket of
    ``[start, end)``: the baseline rate everywhere, the Insight's rate where one is under way.
    The baseline is the latest declared Insight's."""
    baseline = insights[-1].baseline
    first = start - start % period
    values = []
    bucket = first
    while bucket < end:
        bucket_end = bucket + period
        total = baseline * period / 60
        for insight in insights:
            total += (insight.insight - baseline) * insight.minutes_inside(bucket, bucket_end)
        values.append((bucket, total))
        bucket = bucket_end
    return values
