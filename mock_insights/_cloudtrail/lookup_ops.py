"""The read side: LookupEvents, ListInsightsData and ListInsightsMetricData.

LookupEvents answers the management events of the caller's account and region (the calls the
mock answered, and activity a test added) or, with ``EventCategory="insight"``, the Insights
events on management events. ListInsightsData answers the Insights on data events of one trail,
and ListInsightsMetricData the per-period call counts behind either kind. Inputs, defaults,
limits and errors follow botocore's model and the API reference; docs/behaviour.md lists every
rule and the decisions where AWS says nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from mock_insights.errors import ServiceError

from . import insight_events, paging, service_model
from .call import Call, Handler, Params
from .event_log import Event
from .names import resolve_trail
from .organizations import access_to
from .state import Trail

DAY = 24 * 3600
LOOKUP_WINDOW = 90 * DAY
MAX_LOOKUP_RESULTS = 50
INSIGHT_LOOKUP_KEYS = ("EventId", "EventName", "EventSource")
METRIC_PERIODS = {60: 15 * DAY, 300: 63 * DAY, 3600: 90 * DAY}  # period -> retention
MAX_METRIC_RESULTS = 21600
_INVALID = "InvalidParameterException"


def _time(value: Any, name: str) -> float:
    """A timestamp parameter as epoch seconds (botocore sends numbers; raw requests may not)."""
    if isinstance(value, bool):
        raise ServiceError("SerializationException", f"{name} must be a timestamp.")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise ServiceError("SerializationException", f"{name} must be a timestamp.")


def _window(params: Params, invalid_code: str) -> tuple[float, float]:
    """``StartTime`` and ``EndTime``, defaulting to the last 90 days."""
    now = time.time()
    start = (
        _time(params["StartTime"], "StartTime") if "StartTime" in params else now - LOOKUP_WINDOW
    )
    end = _time(params["EndTime"], "EndTime") if "EndTime" in params else now
    if start > end:
        raise ServiceError(invalid_code, "The StartTime must be before the EndTime.")
    return max(start, now - LOOKUP_WINDOW), end


def _cursor(event: Event) -> tuple[float, str]:
    return event.time, event.event_id


def _matches(event: Event, key: str, value: str) -> bool:
    if key == "EventId":
        return event.event_id == value
    if key == "EventName":
        return event.event_name == value
    if key == "EventSource":
        return event.event_source == value
    if key == "ReadOnly":
        return event.read_only is not None and ("true" if event.read_only else "false") == value
    if key == "Username":
        return event.username == value
    if key == "AccessKeyId":
        return event.access_key_id == value
    field = "ResourceType" if key == "ResourceType" else "ResourceName"
    return any(resource.get(field) == value for resource in event.resources)


def _lookup_attribute(params: Params, insights: bool) -> tuple[str, str] | None:
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise ServiceError(
            "InvalidLookupAttributesException", "You can only specify one lookup attribute."
        )
    if not attributes:
        return None
    key, value = attributes[0].get("AttributeKey"), attributes[0].get("AttributeValue")
    allowed = INSIGHT_LOOKUP_KEYS if insights else service_model.enum_values("LookupAttributeKey")
    if key not in allowed:
        raise ServiceError(
            "InvalidLookupAttributesException",
            f"Lookup attribute {key} is not valid"
            + (" for Insights events" if insights else "")
            + f". Valid keys: {', '.join(allowed)}.",
        )
    return str(key), str(value)


def lookup_events(call: Call, params: Params) -> Params:
    category = params.get("EventCategory")
    if category is not None and category != "insight":
        raise ServiceError(
            "InvalidEventCategoryException", f"Event category {category} is not valid."
        )
    insights = category == "insight"
    attribute = _lookup_attribute(params, insights)
    limit = params.get("MaxResults", MAX_LOOKUP_RESULTS)
    if isinstance(limit, bool) or not 1 <= limit <= MAX_LOOKUP_RESULTS:
        raise ServiceError(
            "InvalidMaxResultsException",
            f"MaxResults must be between 1 and {MAX_LOOKUP_RESULTS}: {limit}.",
        )
    start, end = _window(params, "InvalidTimeRangeException")

    log = call.backend.events(call.account_id, call.region)

    def wanted(until: float | None) -> Iterator[Event]:
        for event in log.newest_first(start, end if until is None else min(end, until)):
            kept = event.insight_category == "Management" if insights else not event.is_insight
            if kept and (attribute is None or _matches(event, *attribute)):
                yield event

    found, token = paging.cursor_page(
        wanted, _cursor, "LookupEvents", params, limit=limit, error_code="InvalidNextTokenException"
    )
    out: Params = {"Events": [event.lookup_view() for event in found]}
    if token is not None:
        out["NextToken"] = token
    return out


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message)


def _insight_trail(call: Call, name_or_arn: str, *, arn_only: bool) -> Trail:
    """The trail whose data-event Insights are read. Only its owner (the management account or
    a delegated administrator, for an organization trail) may read them."""
    if arn_only and not name_or_arn.startswith("arn:"):
        raise _invalid(f"InsightSource must be a trail ARN: {name_or_arn}")
    try:
        ref = resolve_trail(name_or_arn, call.region, call.account_id)
    except ServiceError as error:
        if arn_only:
            raise _invalid(error.message) from None
        raise
    trail = call.backend.trail(ref.account_id, ref.arn)
    if trail is not None and ref.account_id != call.account_id:
        if not trail.is_organization_trail or access_to(call, ref.account_id) is None:
            trail = None
        elif access_to(call, ref.account_id) == "member":
            raise ServiceError(
                "OperationNotPermittedException",
                "Member accounts of an organization cannot read the Insights of its "
                "organization trails.",
            )
    if trail is None or not trail.visible_in(trail.account_id, call.region):
        raise _invalid(f"Trail {ref.arn} was not found.")
    return trail


def list_insights_data(call: Call, params: Params) -> Params:
    if params.get("DataType") != "InsightsEvents":
        raise _invalid(
            f"DataType {params.get('DataType')} is not valid. Valid value: InsightsEvents."
        )
    dimensions = params.get("Dimensions") or {}
    if len(dimensions) > 1:
        raise _invalid("Specify exactly one dimension: EventId, EventName or EventSource.")
    dimension = next(iter(dimensions.items()), None)
    if dimension is not None and dimension[0] not in INSIGHT_LOOKUP_KEYS:
        raise _invalid(f"Dimension {dimension[0]} is not valid.")
    limit = params.get("MaxResults", MAX_LOOKUP_RESULTS)
    if isinstance(limit, bool) or not 1 <= limit <= MAX_LOOKUP_RESULTS:
        raise _invalid(f"MaxResults must be between 1 and {MAX_LOOKUP_RESULTS}: {limit}.")
    trail = _insight_trail(call, params["InsightSource"], arn_only=True)
    start, end = _window(params, "InvalidParameterException")

    log = call.backend.events(trail.account_id, call.region)

    def wanted(until: float | None) -> Iterator[Event]:
        for event in log.newest_first(start, end if until is None else min(end, until)):
            if event.insight_category != "Data" or event.trail_arn != trail.arn:
                continue
            if dimension is None or _matches(event, *dimension):
                yield event

    found, token = paging.cursor_page(
        wanted, _cursor, "ListInsightsData", params, limit=limit, error_code=_INVALID
    )
    out: Params = {"Events": [event.lookup_view() for event in found]}
    if token is not None:
        out["NextToken"] = token
    return out


def _metric_options(params: Params) -> tuple[int, str, int]:
    period = params.get("Period", 3600)
    if period not in METRIC_PERIODS or isinstance(period, bool):
        raise _invalid(f"Period must be 60, 300 or 3600 seconds: {period}.")
    data_type = params.get("DataType", "NonZeroData")
    if data_type not in ("FillWithZeros", "NonZeroData"):
        raise _invalid(f"DataType {data_type} is not valid.")
    limit = params.get("MaxResults", MAX_METRIC_RESULTS)
    if isinstance(limit, bool) or not 1 <= limit <= MAX_METRIC_RESULTS:
        raise _invalid(f"MaxResults must be between 1 and {MAX_METRIC_RESULTS}: {limit}.")
    return period, data_type, limit


def _check_patterns(params: Params) -> None:
    """The members' patterns and enum, which botocore does not check client-side."""
    request = service_model.service_model().operation_model("ListInsightsMetricData")
    for name in ("EventSource", "EventName", "ErrorCode", "InsightType"):
        value = params.get(name)
        if value is None:
            continue
        shape = request.input_shape.members[name]
        pattern = shape.metadata.get("pattern")
        enum = getattr(shape, "enum", None)
        bad = (pattern is not None and not re.fullmatch(pattern.strip("^$"), str(value))) or (
            enum and value not in enum
        )
        if bad or value == "":
            rule = f"regular expression pattern: {pattern}" if pattern else f"enum {enum}"
            raise ServiceError(
                "ValidationException",
                f"1 validation error detected: Value '{value}' at '{name[0].lower() + name[1:]}' "
                f"failed to satisfy constraint: Member must satisfy {rule}",
            )


def list_insights_metric_data(call: Call, params: Params) -> Params:
    _check_patterns(params)
    insight_type, error_code = params["InsightType"], params.get("ErrorCode")
    if error_code is not None and insight_type != "ApiErrorRateInsight":
        raise _invalid("ErrorCode can only be used with InsightType ApiErrorRateInsight.")
    if error_code is None and insight_type == "ApiErrorRateInsight":
        # The model: ErrorCode is "conditionally required if InsightType is ApiErrorRateInsight".
        raise _invalid("ErrorCode is required when InsightType is ApiErrorRateInsight.")
    period, data_type, limit = _metric_options(params)
    trail = None
    if params.get("TrailName") is not None:
        trail = _insight_trail(call, params["TrailName"], arn_only=False)
    start, end = _window(params, "InvalidParameterException")
    now = time.time()
    start, end = max(start, now - METRIC_PERIODS[period]), min(end, now)
    owner = call.account_id if trail is None else trail.account_id
    insights = [
        insight
        for insight in call.backend.insights
        if insight.account_id == owner
        and insight.region == call.region
        and insight.trail_arn is not None
        and insight.matches(params["EventSource"], params["EventName"], insight_type)
        and insight.error_code == error_code
        and (
            insight.category == "Data" and insight.trail_arn == trail.arn
            if trail is not None
            else insight.category == "Management"
        )
    ]
    points = (
        insight_events.bucket_values(insights, start, end, period)
        if insights
        else [(bucket, 0.0) for bucket in _buckets(start, end, period)]
    )
    if data_type == "NonZeroData":
        points = [point for point in points if point[1] > 0]
    page, token = paging.page(
        points,
        "ListInsightsMetricData",
        params,
        limit=limit,
        error_code="InvalidParameterException",
    )
    out: Params = {
        "EventSource": params["EventSource"],
        "EventName": params["EventName"],
        "InsightType": insight_type,
        "Timestamps": [bucket for bucket, _ in page],
        "Values": [value for _, value in page],
    }
    if error_code is not None:
        out["ErrorCode"] = error_code
    if trail is not None:
        out["TrailARN"] = trail.arn
    if token is not None:
        out["NextToken"] = token
    return out


def _buckets(start: float, end: float, period: int) -> list[float]:
    first = start - start % period
    return [float(bucket) for bucket in range(int(first), int(end), period)]


HANDLERS: dict[str, Handler] = {
    "LookupEvents": lookup_events,
    "ListInsightsData": list_insights_data,
    "ListInsightsMetricData": list_insights_metric_data,
}
