"""Insights in snapshots and state files: one plain entry per declared Insight.

An entry restores exactly the Insight it was saved from, IDs and times included, without the
checks ``simulate_insight`` makes: those judged the trail when the Insight was declared, and a
trail may have changed since (Insights turned off, say) without undoing what happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_insights._cloudtrail.insight_events import Insight
from mock_insights._cloudtrail.state import Backend
from mock_insights.errors import UsageError

# (entry key, Insight attribute, required)
_FIELDS = (
    ("InsightType", "insight_type", True),
    ("EventSource", "event_source", True),
    ("EventName", "event_name", True),
    ("Category", "category", True),
    ("StartTime", "start", True),
    ("EndTime", "end", True),
    ("Baseline", "baseline", True),
    ("Insight", "insight", True),
    ("Region", "region", True),
    ("AccountId", "account_id", True),
    ("ErrorCode", "error_code", False),
    ("TrailARN", "trail_arn", False),
    ("EventDataStoreArn", "event_data_store_arn", False),
    ("Attributions", "attributions", False),
    ("StartInsight", "start_insight", False),
    ("BaselineDuration", "baseline_duration", False),
    ("SharedEventID", "shared_event_id", False),
    ("StartEventID", "start_event_id", False),
    ("EndEventID", "end_event_id", False),
)


def entry(insight: Insight) -> dict[str, Any]:
    """The snapshot entry of one Insight (optional fields only when set)."""
    out: dict[str, Any] = {}
    for key, attribute, required in _FIELDS:
        value = getattr(insight, attribute)
        if required or value is not None:
            out[key] = value
    return out


def load(backend: Backend, entries: list[Any]) -> None:
    """Restore Insights from their entries; a malformed entry is a ``UsageError``."""
    known = {key for key, _, _ in _FIELDS}
    for position, item in enumerate(entries):
        if not isinstance(item, Mapping) or not set(item) <= known:
            raise UsageError(
                f"insights entry {position} must be a mapping with keys {', '.join(sorted(known))}"
            )
        missing = [key for key, _, required in _FIELDS if required and key not in item]
        if missing:
            raise UsageError(f"insights entry {position} lacks {', '.join(missing)}")
        if (item.get("TrailARN") is None) == (item.get("EventDataStoreArn") is None):
            raise UsageError(f"insights entry {position} needs one of TrailARN, EventDataStoreArn")
        try:
            insight = Insight(
                **{attribute: item[key] for key, attribute, _ in _FIELDS if key in item}
            )
        except TypeError as error:
            raise UsageError(f"insights entry {position}: {error}") from None
        backend.add_insight(insight)
