"""PutInsightSelectors and GetInsightSelectors, in the validation order of docs/behaviour.md."""

from __future__ import annotations

from . import _insight_selectors
from ._call import Call, Handler, Params
from ._names import resolve_trail
from ._trail_lookup import find_trail
from .errors import ServiceError

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


def _store_not_found(params: Params) -> ServiceError:
    # No operation that creates event data stores is implemented yet, so none can exist.
    return ServiceError(
        "EventDataStoreNotFoundException",
        f"The specified event data store {params['EventDataStore']} was not found.",
    )


def put_insight_selectors(call: Call, params: Params) -> Params:
    _check_target_combination(params, _STORE_TARGETS)
    if "TrailName" not in params:
        if params["InsightSelectors"] and "InsightsDestination" not in params:
            raise _combination_error(
                "To enable Insights on an event data store, you must provide both EventDataStore "
                "and InsightsDestination."
            )
        _insight_selectors.parse(params["InsightSelectors"])
        raise _store_not_found(params)
    ref = resolve_trail(params["TrailName"], call.region, call.account_id)
    selectors = _insight_selectors.parse(params["InsightSelectors"])
    trail = find_trail(call, ref, write=True)
    _insight_selectors.check_prerequisites(selectors, trail.coverage(), f"Trail {trail.arn}")
    trail.insight_selectors = selectors
    return {"TrailARN": trail.arn, "InsightSelectors": selectors}


def get_insight_selectors(call: Call, params: Params) -> Params:
    _check_target_combination(params, ("EventDataStore",))
    if "TrailName" not in params:
        raise _store_not_found(params)
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
