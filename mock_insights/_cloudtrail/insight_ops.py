"""PutInsightSelectors and GetInsightSelectors, in the validation order of docs/behaviour.md."""

from __future__ import annotations

from mock_insights.errors import ServiceError

from . import insight_selectors
from .call import Call, Handler, Params
from .delivery import check_delivery
from .names import resolve_trail
from .store_lookup import find_store, resolve_store_arn
from .trail_lookup import find_trail

_STORE_TARGETS = ("EventDataStore", "InsightsDestination")


def _combination_error(message: str) -> ServiceError:
    return ServiceError("InvalidParameterCombinationException", message)


def _check_target_combination(params: Params, store_params: tuple[str, ...]) -> None:
    """Exactly one target: ``TrailName``, or the event data store parameters."""
    given_store_params = [p for p in store_params if p in params]
    if "TrailName" in params and given_store_params:
        raise _combination_error(
            f"You cannot use TrailName together with {' or '.join(given_store_params)}."
        )
    if "TrailName" not in params and "EventDataStore" not in params:
        raise _combination_error("You must specify either TrailName or EventDataStore.")


def _put_on_store(call: Call, params: Params) -> Params:
    """Steps 1-7 of the validation order for an event data store source."""
    raw = params["InsightSelectors"]
    destination_value = params.get("InsightsDestination")
    if raw and destination_value is None:
        raise _combination_error(
            "To enable Insights on an event data store, you must provide both EventDataStore "
            "and InsightsDestination."
        )
    resolve_store_arn(call, params["EventDataStore"])
    if destination_value is not None:
        resolve_store_arn(call, destination_value)
    if insight_selectors.model_has_categories() and any(
        "Data" in (selector.get("EventCategories") or []) for selector in raw
    ):
        raise ServiceError(
            "InvalidInsightSelectorsException",
            "Insights on data events are not supported on event data stores.",
        )
    selectors = insight_selectors.parse(raw)
    source = find_store(call, params["EventDataStore"])
    destination = None if destination_value is None else find_store(call, destination_value)
    if selectors:
        insight_selectors.check_prerequisites(
            selectors, source.coverage(), f"Event data store {source.arn}"
        )
        assert destination is not None
        if not destination.is_insights_store:
            raise ServiceError(
                "InvalidInsightSelectorsException",
                f"The destination event data store {destination.arn} must log Insights events.",
            )
    source.insight_selectors = selectors
    source.insights_destination = destination.arn if selectors and destination else None
    out: Params = {"EventDataStoreArn": source.arn}
    if destination is not None:
        out["InsightsDestination"] = destination.arn
    out["InsightSelectors"] = selectors
    return out


def put_insight_selectors(call: Call, params: Params) -> Params:
    _check_target_combination(params, _STORE_TARGETS)
    if "TrailName" not in params:
        return _put_on_store(call, params)
    ref = resolve_trail(params["TrailName"], call.region, call.account_id)
    selectors = insight_selectors.parse(params["InsightSelectors"])
    trail = find_trail(call, ref, write=True)
    insight_selectors.check_prerequisites(selectors, trail.coverage(), f"Trail {trail.arn}")
    if selectors:  # turning Insights off delivers nothing, so it checks nothing
        check_delivery(
            call.backend, trail.s3_bucket_name, trail.kms_key_id, missing_key_code="KmsException"
        )
    trail.insight_selectors = selectors
    return {"TrailARN": trail.arn, "InsightSelectors": selectors}


def get_insight_selectors(call: Call, params: Params) -> Params:
    _check_target_combination(params, ("EventDataStore",))
    if "TrailName" not in params:
        store = find_store(call, params["EventDataStore"])
        if not store.insight_selectors:
            raise ServiceError(
                "InsightNotEnabledException",
                f"Event data store {store.arn} does not have Insights enabled. Edit the event data "
                "store settings to enable Insights, and then try the operation again.",
            )
        return {
            "EventDataStoreArn": store.arn,
            "InsightsDestination": store.insights_destination,
            "InsightSelectors": store.insight_selectors,
        }
    trail = find_trail(call, params["TrailName"], write=False)
    if not trail.insight_selectors:
        raise ServiceError(
            "InsightNotEnabledException",
            f"Trail {trail.arn} does not have Insights enabled. Edit the trail settings to enable "
            "Insights, and then try the operation again.",
        )
    return {"TrailARN": trail.arn, "InsightSelectors": trail.insight_selectors}


HANDLERS: dict[str, Handler] = {
    "PutInsightSelectors": put_insight_selectors,
    "GetInsightSelectors": get_insight_selectors,
}
