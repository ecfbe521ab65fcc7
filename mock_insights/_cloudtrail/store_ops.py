"""CloudTrail Lake event data store operations: the state Insights on stores depends on."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import replace
from typing import Any

from mock_insights.errors import ServiceError

from . import (
    advanced_selectors,
    event_selectors,
    insight_selectors,
    paging,
    service_model,
    tags,
)
from .call import Call, Handler, Params, given
from .organizations import check_organization_request, owner_of_new
from .state import EventDataStore
from .store_lookup import find_store, store_arn
from .store_quota import check_store_quota

MAX_LIST_RESULTS = 1000
DEFAULT_STORE_SELECTORS = (
    {
        "Name": "Default management events",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
    },
)
# Start/StopEventDataStoreIngestion: "the eventCategory must be Management, Data,
# NetworkActivity, or ConfigurationItem"; stores of the other categories always ingest.
FIXED_INGESTION_CATEGORIES = ("Insight", "ActivityAuditLog", "Evidence")
_SETTING_PARAMS = frozenset(
    {
        "Name",
        "AdvancedEventSelectors",
        "MultiRegionEnabled",
        "OrganizationEnabled",
        "RetentionPeriod",
        "TerminationProtectionEnabled",
        "KmsKeyId",
        "BillingMode",
    }
)
_DEFAULT_RETENTION = {"EXTENDABLE_RETENTION_PRICING": 366, "FIXED_RETENTION_PRICING": 2557}
_MAX_RETENTION = {"EXTENDABLE_RETENTION_PRICING": 3653, "FIXED_RETENTION_PRICING": 2557}
_PLAIN_SETTINGS = {
    "MultiRegionEnabled": "multi_region",
    "TerminationProtectionEnabled": "termination_protection",
    "KmsKeyId": "kms_key_id",
}
_STORE_NAME = re.compile(r"[a-zA-Z0-9._-]{3,128}")


def _invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message)


def _check_name(call: Call, name: str, itself: EventDataStore | None = None) -> None:
    if not _STORE_NAME.fullmatch(name):
        raise _invalid_parameter(f"Event data store name {name} is not valid.")
    for store in call.backend.stores_in(call.account_id, call.region):
        if store.name == name and store is not itself:
            raise ServiceError(
                "EventDataStoreAlreadyExistsException",
                f"An event data store with the name {name} already exists.",
            )


def _settings(call: Call, params: Params, current: EventDataStore | None) -> dict[str, Any]:
    """Validate the store settings given, as EventDataStore field values."""
    settings: dict[str, Any] = {}
    if "AdvancedEventSelectors" in params:
        settings["advanced_event_selectors"] = advanced_selectors.validate(
            params["AdvancedEventSelectors"], "store"
        )
    billing_mode = params.get("BillingMode", current.billing_mode if current else None)
    billing_mode = billing_mode or "EXTENDABLE_RETENTION_PRICING"
    if billing_mode not in service_model.enum_values("BillingMode"):
        raise _invalid_parameter(f"BillingMode {billing_mode} is not valid.")
    settings["billing_mode"] = billing_mode
    if "RetentionPeriod" in params:
        settings["retention_period"] = params["RetentionPeriod"]
    elif current is None:
        settings["retention_period"] = _DEFAULT_RETENTION[billing_mode]
    retention = settings.get("retention_period", current.retention_period if current else 0)
    if not 7 <= retention <= _MAX_RETENTION[billing_mode]:
        raise _invalid_parameter(
            f"RetentionPeriod must be between 7 and {_MAX_RETENTION[billing_mode]} days "
            f"for {billing_mode}."
        )
    settings.update(given(params, _PLAIN_SETTINGS))
    if "OrganizationEnabled" in params:
        check_organization_request(call, params["OrganizationEnabled"])
        settings["organization_enabled"] = params["OrganizationEnabled"]
    return settings


def store_view(store: EventDataStore, *, status: str | None = None) -> Params:
    """The members Create/Get/Update/RestoreEventDataStore return."""
    out: Params = {
        "EventDataStoreArn": store.arn,
        "Name": store.name,
        "Status": status or store.status,
        "AdvancedEventSelectors": store.advanced_event_selectors,
        "MultiRegionEnabled": store.multi_region,
        "OrganizationEnabled": store.organization_enabled,
        "RetentionPeriod": store.retention_period,
        "TerminationProtectionEnabled": store.termination_protection,
        "CreatedTimestamp": store.created,
        "UpdatedTimestamp": store.updated,
        "BillingMode": store.billing_mode,
    }
    if store.kms_key_id is not None:
        out["KmsKeyId"] = store.kms_key_id
    return out


def _fixed_ingestion_category(store: EventDataStore) -> str | None:
    """The category whose stores always ingest (Insights, Audit Manager evidence, events from
    outside AWS), if it is this store's; ingestion of those cannot be stopped, nor left off
    at creation."""
    for category in FIXED_INGESTION_CATEGORIES:
        if store.collects(category):
            return category
    return None


def create_event_data_store(call: Call, params: Params) -> Params:
    _check_name(call, params["Name"])
    settings = _settings(call, params, None)
    # An organization store made by a delegated administrator belongs to the management account.
    owner = owner_of_new(call, settings.get("organization_enabled", False))
    if owner != call.account_id:
        call = replace(call, account_id=owner)
        _check_name(call, params["Name"])
    settings.setdefault("advanced_event_selectors", [dict(s) for s in DEFAULT_STORE_SELECTORS])
    check_store_quota(call, settings.get("multi_region", True))
    now = time.time()
    arn = store_arn(call.region, call.account_id, str(uuid.uuid4()))
    store = EventDataStore(
        name=params["Name"],
        region=call.region,
        account_id=call.account_id,
        arn=arn,
        tags=tags.initial(params.get("TagsList"), arn, "InvalidTagParameterException"),
        created=now,
        updated=now,
        **settings,
    )
    if not params.get("StartIngestion", True):
        category = _fixed_ingestion_category(store)
        if category is not None:
            raise _invalid_parameter(
                f"StartIngestion cannot be false for an event data store of {category} events."
            )
        store.status = "STOPPED_INGESTION"
    call.backend.add_store(store)
    return {**store_view(store, status="CREATED"), "TagsList": store.tags}


def get_event_data_store(call: Call, params: Params) -> Params:
    return store_view(find_store(call, params["EventDataStore"], include_pending=True))


def update_event_data_store(call: Call, params: Params) -> Params:
    store = find_store(call, params["EventDataStore"])
    if not _SETTING_PARAMS.intersection(params):
        raise _invalid_parameter("You must specify at least one setting of the event data store.")
    if (
        params.get("BillingMode") == "FIXED_RETENTION_PRICING"
        and store.billing_mode == "EXTENDABLE_RETENTION_PRICING"
    ):
        raise _invalid_parameter(
            "The billing mode cannot be changed from EXTENDABLE_RETENTION_PRICING to "
            "FIXED_RETENTION_PRICING."
        )
    if "Name" in params:
        _check_name(call, params["Name"], itself=store)
    settings = _settings(call, params, store)
    if store.insight_selectors and "advanced_event_selectors" in settings:
        insight_selectors.check_prerequisites(
            store.insight_selectors,
            event_selectors.advanced_coverage(settings["advanced_event_selectors"]),
            f"Event data store {store.arn}",
        )
    if "Name" in params:
        settings["name"] = params["Name"]
    for attribute, value in settings.items():
        setattr(store, attribute, value)
    store.updated = time.time()
    return store_view(store)


def delete_event_data_store(call: Call, params: Params) -> Params:
    store = find_store(call, params["EventDataStore"])
    if store.termination_protection:
        raise ServiceError(
            "EventDataStoreTerminationProtectedException",
            f"Event data store {store.arn} cannot be deleted because termination protection is "
            "enabled.",
        )
    store.status = "PENDING_DELETION"
    store.updated = time.time()
    return {}


def _wrong_status(store: EventDataStore) -> ServiceError:
    return ServiceError(
        "InvalidEventDataStoreStatusException",
        f"Event data store {store.arn} has status {store.status}, "
        "which does not allow this operation.",
    )


def restore_event_data_store(call: Call, params: Params) -> Params:
    store = find_store(call, params["EventDataStore"], include_pending=True)
    if store.status != "PENDING_DELETION":
        raise _wrong_status(store)
    store.status = "ENABLED"
    store.updated = time.time()
    return store_view(store)


def list_event_data_stores(call: Call, params: Params) -> Params:
    """The caller's stores that count in this region (at home here, or multi-region), with
    only the members AWS still returns, paged. The quotas page sends users to this list to
    count the stores of a shadow region."""
    limit = params.get("MaxResults")
    if limit is not None and not 1 <= limit <= MAX_LIST_RESULTS:
        raise ServiceError(
            "InvalidMaxResultsException",
            f"MaxResults must be between 1 and {MAX_LIST_RESULTS}: {limit}.",
        )
    stores, next_token = paging.page(
        [
            store
            for store in call.backend.stores_of(call.account_id)
            if store.region == call.region or store.multi_region
        ],
        "ListEventDataStores",
        params,
        limit=limit,
        error_code="InvalidNextTokenException",
    )
    members = service_model.current_members("EventDataStore")
    listed = []
    for store in stores:
        view = store_view(store)
        listed.append({key: view[key] for key in members if key in view})
    out: Params = {"EventDataStores": listed}
    if next_token is not None:
        out["NextToken"] = next_token
    return out


def _change_ingestion(call: Call, params: Params, *, start: bool) -> Params:
    store = find_store(call, params["EventDataStore"])
    if _fixed_ingestion_category(store) is not None:
        raise ServiceError(
            "InvalidEventDataStoreCategoryException",
            "Ingestion can only be started or stopped on event data stores of the Management, "
            "Data, NetworkActivity or ConfigurationItem event category.",
        )
    if store.status != ("STOPPED_INGESTION" if start else "ENABLED"):
        raise _wrong_status(store)
    store.status = "ENABLED" if start else "STOPPED_INGESTION"
    store.updated = time.time()
    return {}


def start_event_data_store_ingestion(call: Call, params: Params) -> Params:
    return _change_ingestion(call, params, start=True)


def stop_event_data_store_ingestion(call: Call, params: Params) -> Params:
    return _change_ingestion(call, params, start=False)


HANDLERS: dict[str, Handler] = {
    "CreateEventDataStore": create_event_data_store,
    "GetEventDataStore": get_event_data_store,
    "UpdateEventDataStore": update_event_data_store,
    "DeleteEventDataStore": delete_event_data_store,
    "RestoreEventDataStore": restore_event_data_store,
    "ListEventDataStores": list_event_data_stores,
    "StartEventDataStoreIngestion": start_event_data_store_ingestion,
    "StopEventDataStoreIngestion": stop_event_data_store_ingestion,
}
