"""Making Insights happen: a test states the outcome, and the mock checks that real CloudTrail
could have produced it before it records it.

``simulate_insight`` refuses, with a ``UsageError`` that gives AWS's reason, an Insight on an
unknown trail, of a type or category the trail has not enabled, on a trail that is not logging
or does not log the events the type analyses, on data events of an event data store, or an
error-rate Insight without an error code. The checks read the trail as it is when the scenario
is declared; the scenario itself may lie anywhere in the last 90 days, also before the trail
was created in the mock (a mock trail stands for one that has logged long enough to have a
baseline). ``add_event`` records other API activity as management events.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from mock_insights._cloudtrail import delivery, insight_events, insight_selectors, service_model
from mock_insights._cloudtrail.event_log import Event, fixed
from mock_insights._cloudtrail.insight_events import Insight
from mock_insights._cloudtrail.names import resolve_trail
from mock_insights._cloudtrail.state import Backend, EventDataStore, Trail
from mock_insights._cloudtrail.store_lookup import store_account
from mock_insights.errors import ServiceError, UsageError

from .seed import Where

WINDOW = 90 * 24 * 3600
CATEGORIES = ("Management", "Data")
ID_NAMES = ("shared_event_id", "start_event_id", "end_event_id")
MIN_BASELINE_MINUTES = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class SimulatedInsight:
    """What ``simulate_insight`` made: the Start and End records, as CloudTrail delivers them."""

    shared_event_id: str
    start_event: dict[str, Any]
    end_event: dict[str, Any]
    insight: Insight


def seconds(value: object, name: str) -> float:
    """A time given as a datetime (naive means UTC) or epoch seconds."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc).timestamp()
        return value.timestamp()
    if isinstance(value, bool) or not isinstance(value, int | float):  # a typed caller cannot
        raise UsageError(f"{name} must be a datetime or epoch seconds, not {value!r}")
    return float(value)


def _check_names(event_source: str, event_name: str, error_code: str | None) -> None:
    """The event source, name and error code have the forms ListInsightsMetricData takes."""
    request = service_model.service_model().operation_model("ListInsightsMetricData")
    for member, value in (
        ("EventSource", event_source),
        ("EventName", event_name),
        ("ErrorCode", error_code),
    ):
        pattern = request.input_shape.members[member].metadata.get("pattern")
        if value is not None and (not value or not re.fullmatch(pattern.strip("^$"), value)):
            raise UsageError(f"{member} {value!r} does not match the API's pattern {pattern}")


def _trail(backend: Backend, where: Where, name_or_arn: str) -> Trail:
    try:
        ref = resolve_trail(name_or_arn, where.region, where.account_id)
    except ServiceError as error:
        raise UsageError(f"trail {name_or_arn!r}: {error.message}") from None
    trail = backend.trail(ref.account_id, ref.arn)
    if trail is None:
        raise UsageError(
            f"trail {name_or_arn!r} does not exist in account {ref.account_id}, region "
            f"{ref.region}: create or seed it first."
        )
    return trail


def _store(backend: Backend, arn: str) -> EventDataStore:
    store = backend.store(store_account(arn), arn) if arn.startswith("arn:") else None
    if store is None:
        raise UsageError(f"event data store {arn!r} does not exist: give the ARN of a store.")
    return store


def _enabled(selectors: list[dict[str, Any]], insight_type: str, category: str) -> bool:
    return any(
        selector["InsightType"] == insight_type
        and category in insight_selectors.categories_of(selector)
        for selector in selectors
    )


def _check_source(
    subject: str,
    selectors: list[dict[str, Any]],
    coverage: Any,
    insight_type: str,
    category: str,
) -> None:
    if not _enabled(selectors, insight_type, category):
        raise UsageError(
            f"CloudTrail could not produce this Insight: {subject} does not have {insight_type} "
            f"on {category.lower()} events enabled (PutInsightSelectors)."
        )
    try:
        insight_selectors.check_prerequisites(
            [{"InsightType": insight_type, "EventCategories": [category]}], coverage, subject
        )
    except ServiceError as error:
        raise UsageError(f"CloudTrail could not produce this Insight: {error.message}") from None


def simulate(
    backend: Backend,
    where: Where,
    *,
    trail: str | None,
    event_data_store: str | None,
    insight_type: str,
    event_source: str,
    event_name: str,
    start: datetime | float,
    end: datetime | float,
    baseline: float,
    insight: float,
    error_code: str | None,
    category: str,
    region: str | None,
    attributions: Any,
    ids: dict[str, str] | None,
    start_insight: float | None = None,
    baseline_duration: int | None = None,
) -> SimulatedInsight:
    """Check that CloudTrail could produce the Insight, record it, and return its records."""
    if (trail is None) == (event_data_store is None):
        raise UsageError("name exactly one of trail= and event_data_store=")
    types = service_model.enum_values("InsightType")
    if insight_type not in types:
        raise UsageError(f"insight_type must be one of {', '.join(types)}, not {insight_type!r}")
    if category not in CATEGORIES:
        raise UsageError(f"category must be Management or Data, not {category!r}")
    if insight_type == "ApiErrorRateInsight" and not error_code:
        raise UsageError(
            "CloudTrail could not produce this Insight: an ApiErrorRateInsight is about one "
            "error code; give error_code="
        )
    if insight_type == "ApiCallRateInsight" and error_code is not None:
        raise UsageError("error_code= belongs to ApiErrorRateInsight, not ApiCallRateInsight")
    started, ended = seconds(start, "start"), seconds(end, "end")
    now = time.time()
    if started >= ended:
        raise UsageError(f"start must be before end (start {started}, end {ended})")
    if not now - WINDOW <= started < ended <= now:
        raise UsageError(
            "start and end must lie in the last 90 days, the window the read operations cover, "
            "and not in the future"
        )
    if ended - started < 60:
        raise UsageError(
            "CloudTrail measures Insights per minute: an Insight lasts a minute or more"
        )
    for rate in (insight, start_insight):
        if rate is not None and not 0 <= baseline < rate:
            raise UsageError(
                "CloudTrail could not produce this Insight: Insights record unusually high "
                f"rates, so the insight rate ({rate}) must be above the baseline ({baseline}), "
                "and the baseline must not be negative"
            )
    if baseline_duration is not None and baseline_duration < MIN_BASELINE_MINUTES:
        raise UsageError(
            f"baseline_duration is in minutes, at least {MIN_BASELINE_MINUTES} (the 7-day "
            f"baseline): {baseline_duration}"
        )
    _check_names(event_source, event_name, error_code)
    made = Insight(
        insight_type=insight_type,
        event_source=event_source,
        event_name=event_name,
        category=category,
        start=started,
        end=ended,
        baseline=baseline,
        insight=insight,
        region=where.region,
        account_id=where.account_id,
        error_code=error_code,
        attributions=attributions,
        start_insight=start_insight,
    )
    if baseline_duration is not None:
        made.baseline_duration = baseline_duration
    for name, value in (ids or {}).items():
        if name not in ID_NAMES or not value:
            raise UsageError(f"ids takes non-empty strings for {', '.join(ID_NAMES)}, not {name!r}")
        setattr(made, name, value)
    if trail is not None:
        found = _trail(backend, where, trail)
        subject = f"Trail {found.arn}"
        if not found.is_logging:
            raise UsageError(
                f"CloudTrail could not produce this Insight: {subject} is not logging "
                "(StartLogging)."
            )
        _check_source(subject, found.insight_selectors, found.coverage(), insight_type, category)
        made.region = region or found.home_region
        if made.region != found.home_region and not found.is_multi_region:
            raise UsageError(
                f"{subject} logs only {found.home_region}; region={made.region!r} needs a "
                "multi-region trail"
            )
        made.account_id, made.trail_arn = found.account_id, found.arn
    else:
        assert event_data_store is not None
        store = _store(backend, event_data_store)
        subject = f"Event data store {store.arn}"
        if category == "Data":
            raise UsageError(
                "CloudTrail could not produce this Insight: Insights on data events are not "
                "supported on event data stores."
            )
        if store.status != "ENABLED":
            raise UsageError(
                f"CloudTrail could not produce this Insight: {subject} is {store.status}."
            )
        _check_source(subject, store.insight_selectors, store.coverage(), insight_type, category)
        made.region, made.account_id = store.region, store.account_id
        made.event_data_store_arn = store.arn
    backend.add_insight(made)
    if trail is not None:
        delivery.deliver_insight(backend, found, made)
    return SimulatedInsight(
        made.shared_event_id,
        insight_events.start_record(made),
        insight_events.end_record(made),
        made,
    )


def add_event(
    backend: Backend,
    where: Where,
    *,
    event_name: str,
    event_source: str,
    when: datetime | float | None,
    read_only: bool | None,
    username: str | None,
    resources: list[dict[str, str]] | None,
    record: dict[str, Any] | None,
) -> str:
    """Record other API activity as a management event; returns its event ID."""
    moment = time.time() if when is None else seconds(when, "time")
    event = Event(
        time=moment,
        event_name=event_name,
        event_source=event_source,
        read_only=read_only,
        username=username,
        access_key_id=None,
    )
    full: dict[str, Any] = {
        "eventVersion": "1.11",
        "eventTime": insight_events.iso(moment),
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": where.region,
        "eventID": event.event_id,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": where.account_id,
        "eventCategory": "Management",
    }
    if read_only is not None:
        full["readOnly"] = read_only
    if username is not None:
        full["userIdentity"] = {"type": "IAMUser", "userName": username}
    full.update(record or {})
    event.build = fixed(full, list(resources or []))
    backend.events(where.account_id, where.region).add(event)
    return event.event_id
