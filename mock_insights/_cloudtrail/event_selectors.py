"""Event selectors: validation, their normal form, and which events they make a trail log.

The coverage computed here is what PutInsightSelectors checks its prerequisites against, for
trails (basic or advanced selectors) and, through ``advanced_coverage``, for event data stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mock_insights.errors import ServiceError

from . import data_resources, service_model

Selector = dict[str, Any]

# From the PutEventSelectors and AdvancedFieldSelector documentation in the model; these are
# prose there, not enum shapes, so they cannot be read from botocore.
BASIC_DATA_RESOURCE_TYPES = ("AWS::DynamoDB::Table", "AWS::Lambda::Function", "AWS::S3::Object")
EXCLUDABLE_MANAGEMENT_SOURCES = ("kms.amazonaws.com", "rdsdata.amazonaws.com")
MAX_BASIC_SELECTORS = 5
MAX_DATA_RESOURCES = 250

DEFAULT_BASIC_SELECTORS: tuple[Selector, ...] = (
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [],
        "ExcludeManagementEventSources": [],
    },
)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which kinds of events a set of selectors logs."""

    management_read: bool
    management_write: bool
    data: bool


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidEventSelectorsException", message)


def normalize_basic(selectors: list[Selector]) -> list[Selector]:
    """Validate basic selectors and fill in the defaults GetEventSelectors shows."""
    if not 1 <= len(selectors) <= MAX_BASIC_SELECTORS:
        raise _invalid(
            f"Specify a valid number of event selectors (1 to {MAX_BASIC_SELECTORS}) for a trail."
        )
    read_write_types = service_model.enum_values("ReadWriteType")
    normalized: list[Selector] = []
    data_resource_count = 0
    for selector in selectors:
        read_write = selector.get("ReadWriteType", "All")
        if read_write not in read_write_types:
            raise _invalid(
                f"Value {read_write} for parameter ReadWriteType is not valid. "
                f"Valid values: {', '.join(read_write_types)}."
            )
        resources = [dict(r) for r in selector.get("DataResources", [])]
        for resource in resources:
            resource_type = resource.get("Type")
            if resource_type not in BASIC_DATA_RESOURCE_TYPES:
                raise _invalid(f"Value {resource_type} for DataResources.Type is not valid.")
            resource.setdefault("Values", [])
            data_resources.check_values(resource_type, resource["Values"])
            data_resource_count += max(1, len(resource["Values"]))
        include_management = selector.get("IncludeManagementEvents", True)
        if not include_management and not resources:
            raise _invalid(
                "Invalid combination of parameters in EventSelectors. When "
                "includeManagementEvents is false, DataResources must not be empty."
            )
        excluded = list(selector.get("ExcludeManagementEventSources", []))
        for source in excluded:
            if source not in EXCLUDABLE_MANAGEMENT_SOURCES:
                raise _invalid(
                    f"Value {source} for ExcludeManagementEventSources is not valid. "
                    f"Valid values: {', '.join(EXCLUDABLE_MANAGEMENT_SOURCES)}."
                )
        normalized.append(
            {
                "ReadWriteType": read_write,
                "IncludeManagementEvents": include_management,
                "DataResources": resources,
                "ExcludeManagementEventSources": excluded,
            }
        )
    if data_resource_count > MAX_DATA_RESOURCES:
        raise _invalid(
            f"Specify a valid number of DataResources.Values (0 to {MAX_DATA_RESOURCES}) "
            "for all your selectors"
        )
    return normalized


def basic_coverage(selectors: list[Selector]) -> Coverage:
    """Coverage of basic selectors: management per ReadWriteType, data when resources are listed."""
    read = write = data = False
    for selector in selectors:
        read_write = selector["ReadWriteType"]
        if selector["IncludeManagementEvents"]:
            read = read or read_write in ("All", "ReadOnly")
            write = write or read_write in ("All", "WriteOnly")
        data = data or bool(selector["DataResources"])
    return Coverage(read, write, data)


def _read_write(read_only: Selector | None) -> tuple[bool, bool]:
    """(logs read, logs write) for a selector's ``readOnly`` field selector, which can only
    use ``Equals`` (checked by ``advanced_selectors``)."""
    if read_only is None:
        return True, True
    allowed = set(read_only["Equals"])
    return "true" in allowed, "false" in allowed


def advanced_coverage(selectors: list[Selector]) -> Coverage:
    """Coverage of advanced selectors, as used by trails and event data stores alike."""
    read = write = data = False
    for selector in selectors:
        fields = {fs["Field"]: fs for fs in selector["FieldSelectors"]}
        categories = (fields.get("eventCategory") or {}).get("Equals") or []
        if "Management" in categories:
            logs_read, logs_write = _read_write(fields.get("readOnly"))
            read, write = read or logs_read, write or logs_write
        data = data or "Data" in categories
    return Coverage(read, write, data)
