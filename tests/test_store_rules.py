"""Event data store rules: what ListEventDataStores answers and how it pages, UpdateEventDataStore
refusals, stores that always ingest, and the ten-store quota as AWS counts it."""

from __future__ import annotations

from helpers import OTHER_REGION, REGION, cloudtrail_model, raises_code

MEMBER = "111122223333"
CURRENT_MEMBERS = {
    name
    for name, member in cloudtrail_model()
    ._shape_resolver._shape_map["EventDataStore"]["members"]
    .items()
    if not member.get("deprecated")
}
EVIDENCE = [
    {"Name": "evidence", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Evidence"]}]}
]
EXTERNAL_EVENTS = [
    {"Name": "ext", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["ActivityAuditLog"]}]}
]


def _store(client, name: str, **extra) -> str:
    return client.create_event_data_store(Name=name, **extra)["EventDataStoreArn"]


# --- ListEventDataStores -----------------------------------------------------------------------


def test_list_answers_only_the_members_aws_still_returns(client):
    arn = _store(client, "listed")
    listed = client.list_event_data_stores()["EventDataStores"]
    assert listed == [{"EventDataStoreArn": arn, "Name": "listed"}]
    assert set(listed[0]) == CURRENT_MEMBERS


def test_list_pages_with_max_results_and_next_token(client):
    arns = [_store(client, f"store-{i}", MultiRegionEnabled=False) for i in range(5)]
    first = client.list_event_data_stores(MaxResults=2)
    assert [s["EventDataStoreArn"] for s in first["EventDataStores"]] == arns[:2]
    second = client.list_event_data_stores(MaxResults=2, NextToken=first["NextToken"])
    assert [s["EventDataStoreArn"] for s in second["EventDataStores"]] == arns[2:4]
    third = client.list_event_data_stores(MaxResults=2, NextToken=second["NextToken"])
    assert [s["EventDataStoreArn"] for s in third["EventDataStores"]] == arns[4:]
    assert "NextToken" not in third
    assert "NextToken" not in client.list_event_data_stores()


def test_list_refuses_a_token_it_did_not_issue_and_a_page_size_out_of_range(client):
    with raises_code("InvalidNextTokenException"):
        client.list_event_data_stores(NextToken="not-a-token")
    # botocore checks only the minimum; the service checks the maximum.
    with raises_code("InvalidMaxResultsException"):
        client.list_event_data_stores(MaxResults=1001)


# --- UpdateEventDataStore ----------------------------------------------------------------------


def test_an_update_without_any_setting_is_refused(client):
    arn = _store(client, "store")
    with raises_code("InvalidParameterException"):
        client.update_event_data_store(EventDataStore=arn)


def test_extendable_to_fixed_retention_pricing_is_refused(client):
    arn = _store(client, "store")
    with raises_code("InvalidParameterException"):
        client.update_event_data_store(EventDataStore=arn, BillingMode="FIXED_RETENTION_PRICING")
    fixed = _store(client, "fixed", BillingMode="FIXED_RETENTION_PRICING")
    updated = client.update_event_data_store(
        EventDataStore=fixed, BillingMode="EXTENDABLE_RETENTION_PRICING"
    )
    assert updated["BillingMode"] == "EXTENDABLE_RETENTION_PRICING"


def test_stores_of_external_events_always_ingest(client):
    with raises_code("InvalidParameterException"):
        client.create_event_data_store(
            Name="ext", AdvancedEventSelectors=EXTERNAL_EVENTS, StartIngestion=False
        )
    arn = _store(client, "ext", AdvancedEventSelectors=EXTERNAL_EVENTS)
    with raises_code("InvalidEventDataStoreCategoryException"):
        client.stop_event_data_store_ingestion(EventDataStore=arn)
    assert client.get_event_data_store(EventDataStore=arn)["Status"] == "ENABLED"


def test_audit_manager_evidence_stores_always_ingest(client):
    arn = _store(client, "evidence", AdvancedEventSelectors=EVIDENCE)
    with raises_code("InvalidEventDataStoreCategoryException"):
        client.stop_event_data_store_ingestion(EventDataStore=arn)


def test_multi_region_stores_are_listed_in_every_region(client, other_region_client):
    everywhere = _store(client, "everywhere")
    _store(client, "here-only", MultiRegionEnabled=False)
    listed = other_region_client.list_event_data_stores()["EventDataStores"]
    assert [s["EventDataStoreArn"] for s in listed] == [everywhere]


# --- the quota ---------------------------------------------------------------------------------


def test_ten_stores_per_region(client):
    for i in range(10):
        _store(client, f"store-{i}", MultiRegionEnabled=False)
    with raises_code("EventDataStoreMaxLimitExceededException"):
        _store(client, "eleventh", MultiRegionEnabled=False)


def test_multi_region_stores_count_in_every_region(client, other_region_client):
    for i in range(10):
        _store(client, f"store-{i}")  # multi-region by default
    with raises_code("EventDataStoreMaxLimitExceededException"):
        _store(other_region_client, "elsewhere", MultiRegionEnabled=False)


def test_a_new_multi_region_store_must_fit_in_every_region(client, other_region_client):
    for i in range(10):
        _store(other_region_client, f"store-{i}", MultiRegionEnabled=False)
    _store(client, "single-here", MultiRegionEnabled=False)
    with raises_code("EventDataStoreMaxLimitExceededException"):
        _store(client, "everywhere")


def test_single_region_stores_elsewhere_do_not_count(client, other_region_client):
    for i in range(10):
        _store(other_region_client, f"store-{i}", MultiRegionEnabled=False)
    assert _store(client, "here", MultiRegionEnabled=False).split(":")[3] == REGION


def test_organization_stores_count_in_member_accounts(insights_mock):
    insights_mock.set_organization(member_account_ids=[MEMBER])
    management = insights_mock.client()
    for i in range(10):
        _store(management, f"org-{i}", OrganizationEnabled=True)
    member = insights_mock.client(account_id=MEMBER, region_name=OTHER_REGION)
    with raises_code("EventDataStoreMaxLimitExceededException"):
        _store(member, "own", MultiRegionEnabled=False)


def test_stores_pending_deletion_still_count(client):
    arns = [_store(client, f"store-{i}", MultiRegionEnabled=False) for i in range(10)]
    client.update_event_data_store(EventDataStore=arns[0], TerminationProtectionEnabled=False)
    client.delete_event_data_store(EventDataStore=arns[0])
    with raises_code("EventDataStoreMaxLimitExceededException"):
        _store(client, "eleventh", MultiRegionEnabled=False)
