"""Insights selectors: their syntax, their stored form, and what they require of the source.

Decisions where AWS is silent (see docs/behaviour.md): selectors are stored and echoed exactly
as sent (an omitted ``EventCategories`` stays omitted and means ``Management``); duplicate
categories are folded; a duplicate ``InsightType`` or an empty ``EventCategories`` is rejected.
"""

from __future__ import annotations

from typing import Any

from mock_insights.errors import ServiceError

from . import service_model
from .event_selectors import Coverage

Selector = dict[str, Any]
DEFAULT_CATEGORIES = ("Management",)


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidInsightSelectorsException", message)


def model_has_categories() -> bool:
    """Whether the installed model has ``InsightSelector.EventCategories`` (botocore 1.41 and
    later). On an older one the member is unknown, so a request's ``EventCategories`` is
    ignored like any unknown member."""
    return "EventCategories" in service_model.members("InsightSelector")


def parse(raw: list[Any], *, allowed_categories: tuple[str, ...] | None = None) -> list[Selector]:
    """Validate ``InsightSelectors`` and return the form to store and echo back.

    ``EventCategories`` is read only where the installed model has it (``model_has_categories``).
    """
    insight_types = service_model.enum_values("InsightType")
    knows_categories = model_has_categories()
    seen_types: set[str] = set()
    parsed: list[Selector] = []
    for selector in raw:
        insight_type = selector.get("InsightType")
        if insight_type is None:
            raise _invalid("Each Insights selector must specify an InsightType.")
        if insight_type not in insight_types:
            raise _invalid(
                f"Invalid InsightType: {insight_type}. "
                f"Valid values are {' and '.join(insight_types)}."
            )
        if insight_type in seen_types:
            raise _invalid(f"InsightType {insight_type} is specified more than once.")
        seen_types.add(insight_type)
        stored: Selector = {"InsightType": insight_type}
        if knows_categories and "EventCategories" in selector:
            categories = allowed_categories or service_model.enum_values("SourceEventCategory")
            given = selector["EventCategories"]
            if not given:
                raise _invalid(
                    "EventCategories must not be empty. "
                    "Omit it to enable Insights on management events."
                )
            for category in given:
                if category not in categories:
                    raise _invalid(
                        f"Invalid event category for Insights: {category}. "
                        f"Valid values are {' and '.join(categories)}."
                    )
            stored["EventCategories"] = list(dict.fromkeys(given))
        parsed.append(stored)
    return parsed


def categories_of(selector: Selector) -> tuple[str, ...]:
    """The event categories a stored selector applies to, the default filled in."""
    return tuple(selector.get("EventCategories", DEFAULT_CATEGORIES))


def check_prerequisites(selectors: list[Selector], coverage: Coverage, subject: str) -> None:
    """Raise unless ``coverage`` logs the events each selector analyses.

    ``ApiCallRateInsight`` on management events needs write management events,
    ``ApiErrorRateInsight`` needs read or write ones; on data events both need data events
    (read or write, as the model states).
    """
    for selector in selectors:
        insight_type = selector["InsightType"]
        for category in categories_of(selector):
            if category == "Management":
                if insight_type == "ApiCallRateInsight" and not coverage.management_write:
                    raise _invalid(
                        f"{subject} must log write management events to enable {insight_type} "
                        "on management events."
                    )
                if not (coverage.management_read or coverage.management_write):
                    raise _invalid(
                        f"{subject} must log read or write management events to enable "
                        f"{insight_type} on management events."
                    )
            elif category == "Data" and not coverage.data:
                raise _invalid(
                    f"{subject} must log read or write data events to enable {insight_type} "
                    "on data events."
                )
