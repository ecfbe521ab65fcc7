"""Advanced event selectors: which fields and operators each event category allows, on a
trail or on an event data store.

The rules are prose in the AdvancedFieldSelector page of the CloudTrail API reference, not
enum shapes, so they cannot be read from botocore's model; each table below says where it
comes from. Validation returns a normalized copy; coverage (what the selectors log) is
computed by ``event_selectors`` from selectors that passed these rules only.
"""

from __future__ import annotations

from typing import Any, Literal

from mock_insights.errors import ServiceError

Selector = dict[str, Any]
Owner = Literal["trail", "store"]

OPERATORS = ("Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith")
MAX_STORE_SELECTORS = 5
MAX_VALUES = 500

# "For CloudTrail management events, supported fields include eventCategory (required),
# eventSource, and readOnly. The following additional fields are available for event data
# stores: eventName, eventType, sessionCredentialFromConsole, and userIdentity.arn." Data events
# take eventCategory, resources.type (required), eventName, eventSource, eventType, readOnly,
# resources.ARN, sessionCredentialFromConsole and userIdentity.arn on trails and stores alike
# (the pages disagree on the trail/store split there; refusing what AWS accepts would break
# working setups, so the wider list holds). The other categories exist only on stores and
# support only eventCategory.
_SHARED_FIELDS = frozenset({"eventType", "sessionCredentialFromConsole", "userIdentity.arn"})
_DATA_FIELDS = frozenset(
    {"eventCategory", "resources.type", "eventName", "readOnly", "resources.ARN", "eventSource"}
).union(_SHARED_FIELDS)
_NETWORK_FIELDS = frozenset(
    {"eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId", "userIdentity.arn"}
)
FIELDS: dict[str, dict[Owner, frozenset[str]]] = {
    "Management": {
        "trail": frozenset({"eventCategory", "eventSource", "readOnly"}),
        "store": frozenset({"eventCategory", "eventSource", "readOnly", "eventName"}).union(
            _SHARED_FIELDS
        ),
    },
    "Data": dict.fromkeys(("trail", "store"), _DATA_FIELDS),
    "NetworkActivity": dict.fromkeys(("trail", "store"), _NETWORK_FIELDS),
}
CATEGORY_ONLY = ("Insight", "ConfigurationItem", "Evidence", "ActivityAuditLog")
CATEGORIES: dict[Owner, tuple[str, ...]] = {
    "trail": ("Management", "Data", "NetworkActivity"),
    "store": ("Management", "Data", "NetworkActivity", *CATEGORY_ONLY),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "Data": ("resources.type",),
    "NetworkActivity": ("eventSource",),
}
# "This is the only valid operator that you can use with the readOnly, eventCategory, and
# resources.type fields"; errorCode "can only use the Equals operator";
# sessionCredentialFromConsole "can only use the Equals and NotEquals operators".
ONLY_OPERATORS: dict[str, tuple[str, ...]] = {
    "readOnly": ("Equals",),
    "eventCategory": ("Equals",),
    "resources.type": ("Equals",),
    "errorCode": ("Equals",),
    "sessionCredentialFromConsole": ("Equals", "NotEquals"),
}
ALLOWED_VALUES: dict[str, tuple[str, ...]] = {
    "readOnly": ("true", "false"),
    "errorCode": ("VpceAccessDenied",),
    "sessionCredentialFromConsole": ("true", "false"),
}
# On trails, management eventSource may only exclude these two sources with NotEquals.
TRAIL_EXCLUDABLE_SOURCES = ("kms.amazonaws.com", "rdsdata.amazonaws.com")


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidEventSelectorsException", message)


def _operators_used(field_selector: Selector) -> dict[str, list[str]]:
    return {op: field_selector[op] for op in OPERATORS if field_selector.get(op)}


def _category(fields: dict[str, Selector], owner: Owner) -> str:
    category_selector = fields.get("eventCategory")
    values = (category_selector or {}).get("Equals") or []
    if len(values) != 1:
        raise _invalid(
            "Each advanced event selector must have an eventCategory field with Equals and "
            "exactly one value."
        )
    category = values[0]
    if category not in CATEGORIES[owner]:
        raise _invalid(
            f"Value {category} for eventCategory is not valid. "
            f"Valid values: {', '.join(CATEGORIES[owner])}."
        )
    return str(category)


def _check_field(field: str, used: dict[str, list[str]], category: str, owner: Owner) -> None:
    allowed_operators = ONLY_OPERATORS.get(field)
    if allowed_operators is not None:
        for operator in used:
            if operator not in allowed_operators:
                raise _invalid(
                    f"Operator {operator} is not valid for field {field}. "
                    f"Valid operators: {', '.join(allowed_operators)}."
                )
    allowed_values = ALLOWED_VALUES.get(field)
    if allowed_values is not None:
        for value in (v for values in used.values() for v in values):
            if value not in allowed_values:
                raise _invalid(
                    f"Value {value} for {field} is not valid. "
                    f"Valid values: {', '.join(allowed_values)}."
                )
    if field == "eventSource" and category == "Management" and owner == "trail":
        excluded = used.get("NotEquals", [])
        if set(used) != {"NotEquals"} or not set(excluded) <= set(TRAIL_EXCLUDABLE_SOURCES):
            raise _invalid(
                "For management events on a trail, eventSource can only be NotEquals "
                f"{' or '.join(TRAIL_EXCLUDABLE_SOURCES)}."
            )
    if field == "eventSource" and category == "NetworkActivity" and set(used) != {"Equals"}:
        raise _invalid("For network activity events, eventSource must use Equals.")


def _check_selector(selector: Selector, owner: Owner) -> tuple[str, int]:
    """The selector's event category and its number of values, or the reason it is invalid."""
    fields: dict[str, Selector] = {}
    for field_selector in selector.get("FieldSelectors", []):
        field = field_selector.get("Field")
        if field in fields:
            raise _invalid(f"Field {field} is given more than once in one advanced event selector.")
        fields[str(field)] = field_selector
    category = _category(fields, owner)
    supported = FIELDS.get(category, {}).get(owner, frozenset({"eventCategory"}))
    values = 0
    for field, field_selector in fields.items():
        if field not in supported:
            where = "a trail" if owner == "trail" else "an event data store"
            raise _invalid(
                f"Field {field} is not supported for {category} events on {where}. "
                f"Supported fields: {', '.join(sorted(supported))}."
            )
        used = _operators_used(field_selector)
        if not used:
            raise _invalid(f"Field {field} must have at least one operator with a value.")
        _check_field(field, used, category, owner)
        values += sum(len(v) for v in used.values())
    for required in REQUIRED.get(category, ()):
        if required not in fields:
            raise _invalid(
                f"Advanced event selectors for {category} events must specify {required}."
            )
    return category, values


def validate(selectors: list[Selector], owner: Owner) -> list[Selector]:
    """Validate advanced selectors for a trail or an event data store; a normalized copy."""
    if owner == "store" and len(selectors) > MAX_STORE_SELECTORS:
        raise _invalid(
            f"An event data store can have at most {MAX_STORE_SELECTORS} advanced event "
            f"selectors; {len(selectors)} were given."
        )
    categories = set()
    total_values = 0
    for selector in selectors:
        category, values = _check_selector(selector, owner)
        categories.add(category)
        total_values += values
    single = categories.intersection(CATEGORY_ONLY)
    if single and len(categories) > 1:
        raise _invalid(
            f"An event data store for {', '.join(sorted(single))} events cannot select other "
            "event categories."
        )
    if total_values > MAX_VALUES:
        raise _invalid(f"Advanced event selectors can have at most {MAX_VALUES} values in all.")
    return [_copy(selector) for selector in selectors]


def _copy(selector: Selector) -> Selector:
    copied: Selector = {"FieldSelectors": [dict(fs) for fs in selector["FieldSelectors"]]}
    if "Name" in selector:
        copied = {"Name": selector["Name"], **copied}
    return copied
