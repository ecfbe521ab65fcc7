"""Event data stores, and Insights with a source store and an Insights destination store."""

from __future__ import annotations

import pytest
from helpers import (
    ACCOUNT,
    MODEL_HAS_EVENT_CATEGORIES,
    raises_code,
    raw_call,
    sends_event_categories,
)

from mock_insights._cloudtrail.state import Backend

MANAGEMENT = [
    {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
]
INSIGHT = [
    {"Name": "insights", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}]}
]
CALL_RATE = {"InsightType": "ApiCallRateInsight"}
ERROR_RATE = {"InsightType": "ApiErrorRateInsight"}
ARN_PREFIX = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:eventdatastore/"


@pytest.fixture
def source(client) -> str:
    return client.create_event_data_store(Name="source-store")["EventDataStoreArn"]


@pytest.fixture
def destination(client) -> str:
    return client.create_event_data_store(
        Name="insights-store", AdvancedEventSelectors=INSIGHT, MultiRegionEnabled=False
    )["EventDataStoreArn"]


def test_create_defaults(client):
    created = client.create_event_data_store(Name="source-store")
    assert created["EventDataStoreArn"].startswith(ARN_PREFIX)
    assert created["Status"] == "CREATED"
    assert created["MultiRegionEnabled"] is True and created["OrganizationEnabled"] is False
    assert created["TerminationProtectionEnabled"] is True
    assert (
        created["BillingMode"] == "EXTENDABLE_RETENTION_PRICING"
        and created["RetentionPeriod"] == 366
    )
    assert created["AdvancedEventSelectors"] == [
        {
            "Name": "Default management events",
            "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
        }
    ]
    fetched = client.get_event_data_store(EventDataStore=created["EventDataStoreArn"])
    assert fetched["Status"] == "ENABLED"
    assert not {"InsightSelectors", "InsightsDestination"} & set(fetched)


def test_fixed_pricing_default_retention(client):
    created = client.create_event_data_store(
        Name="fixed-store", BillingMode="FIXED_RETENTION_PRICING"
    )
    assert created["RetentionPeriod"] == 2557


def test_store_by_id_suffix(client, source):
    store_id = source.rsplit("/", 1)[1]
    assert client.get_event_data_store(EventDataStore=store_id)["EventDataStoreArn"] == source


def test_name_must_be_unique(client, source):
    with raises_code("EventDataStoreAlreadyExistsException"):
        client.create_event_data_store(Name="source-store")


def test_invalid_name(client):
    with raises_code("InvalidParameterException"):
        client.create_event_data_store(Name="bad name!")


def test_unknown_and_malformed_stores(client):
    with raises_code("EventDataStoreNotFoundException"):
        client.get_event_data_store(EventDataStore=ARN_PREFIX + "0000-missing")
    with raises_code("EventDataStoreARNInvalidException"):
        client.get_event_data_store(
            EventDataStore="arn:aws:cloudtrail:us-east-1:123:eventdatastore/x"
        )
    with raises_code("EventDataStoreARNInvalidException"):
        client.get_event_data_store(
            EventDataStore="arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc"
        )


def test_delete_needs_termination_protection_off_and_restore(client, source):
    with raises_code("EventDataStoreTerminationProtectedException"):
        client.delete_event_data_store(EventDataStore=source)
    assert client.get_event_data_store(EventDataStore=source)["Status"] == "ENABLED"
    client.update_event_data_store(EventDataStore=source, TerminationProtectionEnabled=False)
    client.delete_event_data_store(EventDataStore=source)
    assert client.get_event_data_store(EventDataStore=source)["Status"] == "PENDING_DELETION"
    assert client.restore_event_data_store(EventDataStore=source)["Status"] == "ENABLED"
    with raises_code("InvalidEventDataStoreStatusException"):
        client.restore_event_data_store(EventDataStore=source)


def test_list_event_data_stores(client, source, destination):
    listed = client.list_event_data_stores()["EventDataStores"]
    assert [store["EventDataStoreArn"] for store in listed] == [source, destination]


def test_ingestion(client, source, destination):
    client.stop_event_data_store_ingestion(EventDataStore=source)
    assert client.get_event_data_store(EventDataStore=source)["Status"] == "STOPPED_INGESTION"
    with raises_code("InvalidEventDataStoreStatusException"):
        client.stop_event_data_store_ingestion(EventDataStore=source)
    client.start_event_data_store_ingestion(EventDataStore=source)
    assert client.get_event_data_store(EventDataStore=source)["Status"] == "ENABLED"
    with raises_code("InvalidEventDataStoreCategoryException"):
        client.stop_event_data_store_ingestion(EventDataStore=destination)


def test_insights_store_must_start_ingestion(client):
    with raises_code("InvalidParameterException"):
        client.create_event_data_store(
            Name="insights-store", AdvancedEventSelectors=INSIGHT, StartIngestion=False
        )


# --- PutInsightSelectors / GetInsightSelectors on stores -----------------------------------------


def test_enable_insights_on_a_store(client, source, destination):
    response = client.put_insight_selectors(
        EventDataStore=source.rsplit("/", 1)[1],
        InsightsDestination=destination,
        InsightSelectors=[CALL_RATE],
    )
    assert response["EventDataStoreArn"] == source
    assert response["InsightsDestination"] == destination
    assert response["InsightSelectors"] == [CALL_RATE]
    assert "TrailARN" not in response
    fetched = client.get_insight_selectors(EventDataStore=source)
    assert (fetched["EventDataStoreArn"], fetched["InsightsDestination"]) == (source, destination)
    assert fetched["InsightSelectors"] == [CALL_RATE]


def test_store_put_replaces_and_empty_list_disables(client, source, destination):
    client.put_insight_selectors(
        EventDataStore=source,
        InsightsDestination=destination,
        InsightSelectors=[CALL_RATE, ERROR_RATE],
    )
    client.put_insight_selectors(
        EventDataStore=source, InsightsDestination=destination, InsightSelectors=[ERROR_RATE]
    )
    assert client.get_insight_selectors(EventDataStore=source)["InsightSelectors"] == [ERROR_RATE]
    response = client.put_insight_selectors(EventDataStore=source, InsightSelectors=[])
    assert response["InsightSelectors"] == [] and "InsightsDestination" not in response
    with raises_code("InsightNotEnabledException"):
        client.get_insight_selectors(EventDataStore=source)


def test_get_on_store_without_insights(client, source, destination):
    message = (
        f"Event data store {source} does not have Insights enabled. Edit the event data store settings "
        "to enable Insights, and then try the operation again."
    )
    with raises_code("InsightNotEnabledException", message):
        client.get_insight_selectors(EventDataStore=source)
    client.put_insight_selectors(
        EventDataStore=source, InsightsDestination=destination, InsightSelectors=[CALL_RATE]
    )
    with raises_code("InsightNotEnabledException"):
        client.get_insight_selectors(EventDataStore=destination)


def test_data_category_is_not_allowed_on_stores(client, source, destination):
    selector = {"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}
    with (
        sends_event_categories(),
        raises_code(
            "InvalidInsightSelectorsException",
            "Insights on data events are not supported on event data stores.",
        ),
    ):
        client.put_insight_selectors(
            EventDataStore=source, InsightsDestination=destination, InsightSelectors=[selector]
        )


def test_data_category_on_the_wire_follows_the_installed_model():
    """Where the model has ``EventCategories``, ``Data`` on a store is refused; on an older
    model the member is unknown and ignored, so the selector means management events."""
    backend = Backend()
    source = raw_call(backend, "CreateEventDataStore", {"Name": "source-store"})[1]
    destination = raw_call(
        backend,
        "CreateEventDataStore",
        {"Name": "insights-store", "AdvancedEventSelectors": INSIGHT},
    )[1]
    selector = {"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}
    status, body = raw_call(
        backend,
        "PutInsightSelectors",
        {
            "EventDataStore": source["EventDataStoreArn"],
            "InsightsDestination": destination["EventDataStoreArn"],
            "InsightSelectors": [selector],
        },
    )
    if MODEL_HAS_EVENT_CATEGORIES:
        assert (status, body["__type"]) == (400, "InvalidInsightSelectorsException")
    else:
        assert (status, body["InsightSelectors"]) == (200, [CALL_RATE])


def test_destination_must_be_an_insights_store(client, source):
    other = client.create_event_data_store(Name="other-store")["EventDataStoreArn"]
    with raises_code(
        "InvalidInsightSelectorsException",
        f"The destination event data store {other} must log Insights events.",
    ):
        client.put_insight_selectors(
            EventDataStore=source, InsightsDestination=other, InsightSelectors=[CALL_RATE]
        )


def test_source_must_log_write_management_events_for_call_rate(client, destination):
    read_only = [
        {
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["true"]},
            ]
        }
    ]
    source = client.create_event_data_store(Name="read-store", AdvancedEventSelectors=read_only)[
        "EventDataStoreArn"
    ]
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(
            EventDataStore=source, InsightsDestination=destination, InsightSelectors=[CALL_RATE]
        )
    assert client.put_insight_selectors(
        EventDataStore=source, InsightsDestination=destination, InsightSelectors=[ERROR_RATE]
    )


def test_unknown_source_or_destination(client, source, destination):
    with raises_code("EventDataStoreNotFoundException"):
        client.put_insight_selectors(
            EventDataStore="missing-store",
            InsightsDestination=destination,
            InsightSelectors=[CALL_RATE],
        )
    with raises_code("EventDataStoreNotFoundException"):
        client.put_insight_selectors(
            EventDataStore=source, InsightsDestination="missing-store", InsightSelectors=[CALL_RATE]
        )


def test_destination_in_another_account_is_invalid(client, source):
    other_account = "arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/abc-def"
    with raises_code("EventDataStoreARNInvalidException"):
        client.put_insight_selectors(
            EventDataStore=source, InsightsDestination=other_account, InsightSelectors=[CALL_RATE]
        )


def test_update_that_breaks_enabled_insights_is_rejected(client, source, destination):
    client.put_insight_selectors(
        EventDataStore=source, InsightsDestination=destination, InsightSelectors=[CALL_RATE]
    )
    read_only = [
        {
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["true"]},
            ]
        }
    ]
    with raises_code("InvalidInsightSelectorsException"):
        client.update_event_data_store(
            EventDataStore=source, AdvancedEventSelectors=read_only, Name="renamed-store"
        )
    fetched = client.get_event_data_store(EventDataStore=source)
    assert (
        fetched["Name"] == "source-store"
        and fetched["AdvancedEventSelectors"][0]["Name"] == "Default management events"
    )


def test_update_of_store_without_insights_is_free(client, source):
    updated = client.update_event_data_store(
        EventDataStore=source, Name="renamed-store", RetentionPeriod=90
    )
    assert updated["Name"] == "renamed-store" and updated["RetentionPeriod"] == 90


def test_rejected_store_put_changes_nothing(client, source, destination):
    client.put_insight_selectors(
        EventDataStore=source, InsightsDestination=destination, InsightSelectors=[CALL_RATE]
    )
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(
            EventDataStore=source,
            InsightsDestination=destination,
            InsightSelectors=[{"InsightType": "Bogus"}],
        )
    assert client.get_insight_selectors(EventDataStore=source)["InsightSelectors"] == [CALL_RATE]


def test_organization_store_needs_an_organization(client):
    with raises_code("OrganizationsNotInUseException"):
        client.create_event_data_store(Name="org-store", OrganizationEnabled=True)
