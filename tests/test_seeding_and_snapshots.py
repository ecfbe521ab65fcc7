"""Seeded state and snapshots: validated like the API, and round-trips give identical answers."""

from __future__ import annotations

import json

import boto3
import pytest
from helpers import ACCOUNT, BUCKET, OTHER_REGION, REGION, TRAIL, arn

from mock_insights import UsageError, mock_insights

CALL_RATE = {"InsightType": "ApiCallRateInsight"}
OTHER_ACCOUNT = "111122223333"
INSIGHTS_STORE_SELECTORS = [
    {"Name": "insights", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}]}
]


def test_seeded_trail_is_visible_through_the_api(insights_mock, client):
    trail_arn = insights_mock.seed_trail(
        Name=TRAIL, S3BucketName=BUCKET, InsightSelectors=[CALL_RATE], IsLogging=True
    )
    assert trail_arn == arn()
    insights_mock.calls.assert_not_called()  # seeding is not a CloudTrail call
    assert client.get_trail(Name=TRAIL)["Trail"]["HasInsightSelectors"] is True
    assert client.get_insight_selectors(TrailName=TRAIL)["InsightSelectors"] == [CALL_RATE]
    assert client.get_trail_status(Name=TRAIL)["IsLogging"] is True


def test_seed_in_any_account_and_region(insights_mock):
    insights_mock.seed_trail(
        Name=TRAIL, S3BucketName=BUCKET, AccountId=OTHER_ACCOUNT, Region=OTHER_REGION
    )
    with mock_insights(account_id=OTHER_ACCOUNT):
        trails = boto3.client("cloudtrail", region_name=OTHER_REGION).list_trails()["Trails"]
    assert [t["TrailARN"] for t in trails] == [
        f"arn:aws:cloudtrail:{OTHER_REGION}:{OTHER_ACCOUNT}:trail/{TRAIL}"
    ]
    assert boto3.client("cloudtrail", region_name=OTHER_REGION).list_trails()["Trails"] == []


def test_seeded_trail_with_event_selectors(insights_mock, client):
    insights_mock.seed_trail(
        Name=TRAIL,
        S3BucketName=BUCKET,
        EventSelectors=[{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}],
    )
    selectors = client.get_event_selectors(TrailName=TRAIL)["EventSelectors"]
    assert selectors[0]["ReadWriteType"] == "ReadOnly"
    assert client.get_trail(Name=TRAIL)["Trail"]["HasCustomEventSelectors"] is True


def test_seeding_an_impossible_trail_fails_and_changes_nothing(insights_mock, client):
    with pytest.raises(UsageError, match="InvalidInsightSelectorsException") as caught:
        insights_mock.seed_trail(
            Name=TRAIL,
            S3BucketName=BUCKET,
            InsightSelectors=[CALL_RATE, CALL_RATE],  # the same type twice: never accepted
        )
    assert caught.value.__cause__.code == "InvalidInsightSelectorsException"
    assert client.list_trails()["Trails"] == []


def test_insights_with_narrowed_selectors_round_trip_through_a_snapshot(insights_mock, client):
    """Insights on, then the selectors narrowed (allowed): the snapshot of that state restores."""
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[CALL_RATE])
    client.put_event_selectors(
        TrailName=TRAIL,
        EventSelectors=[{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}],
    )
    saved = insights_mock.snapshot()
    insights_mock.restore(saved)
    assert insights_mock.snapshot() == saved
    assert client.get_insight_selectors(TrailName=TRAIL)["InsightSelectors"] == [CALL_RATE]
    assert client.get_event_selectors(TrailName=TRAIL)["EventSelectors"][0]["ReadWriteType"] == (
        "ReadOnly"
    )


def test_seeded_insights_without_selectors_keep_the_default_selectors(insights_mock, client):
    insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET, InsightSelectors=[CALL_RATE])
    trail = client.get_trail(Name=TRAIL)["Trail"]
    assert trail["HasInsightSelectors"] is True
    assert trail["HasCustomEventSelectors"] is False
    selectors = client.get_event_selectors(TrailName=TRAIL)
    assert "AdvancedEventSelectors" not in selectors
    assert selectors["EventSelectors"][0]["ReadWriteType"] == "All"


def test_seeding_checks_types_the_way_botocore_does(insights_mock):
    with pytest.raises(UsageError, match="Invalid type for parameter IsMultiRegionTrail"):
        insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail="yes")
    with pytest.raises(UsageError, match="unknown trail key"):
        insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET, Insights=[CALL_RATE])
    with pytest.raises(UsageError, match="TrailAlreadyExistsException"):
        insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET)
        insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET)


def test_seeded_stores_with_insights(insights_mock, client):
    destination = insights_mock.seed_event_data_store(
        Name="insights-store", AdvancedEventSelectors=INSIGHTS_STORE_SELECTORS
    )
    source = insights_mock.seed_event_data_store(
        Name="source-store", InsightSelectors=[CALL_RATE], InsightsDestination=destination
    )
    response = client.get_insight_selectors(EventDataStore=source)
    assert response["InsightsDestination"] == destination
    assert response["InsightSelectors"] == [CALL_RATE]


def test_seeding_a_store_with_insights_but_no_destination_fails(insights_mock, client):
    with pytest.raises(UsageError, match="InvalidParameterCombinationException"):
        insights_mock.seed_event_data_store(Name="source-store", InsightSelectors=[CALL_RATE])
    assert client.list_event_data_stores()["EventDataStores"] == []


def test_seeded_store_status(insights_mock, client):
    arn_ = insights_mock.seed_event_data_store(
        Name="old-store", TerminationProtectionEnabled=False, Status="PENDING_DELETION"
    )
    assert client.get_event_data_store(EventDataStore=arn_)["Status"] == "PENDING_DELETION"
    with pytest.raises(UsageError, match="EventDataStoreTerminationProtectedException"):
        insights_mock.seed_event_data_store(Name="kept-store", Status="PENDING_DELETION")
    with pytest.raises(UsageError, match="Status must be one of"):
        insights_mock.seed_event_data_store(Name="odd-store", Status="CREATED")


def _populate(mock, client) -> None:
    mock.seed_trail(Name="home-trail", S3BucketName=BUCKET, IsMultiRegionTrail=True)
    client.create_trail(
        Name=TRAIL,
        S3BucketName=BUCKET,
        S3KeyPrefix="logs",
        SnsTopicName="topic",
        KmsKeyId="alias/trail-key",
        EnableLogFileValidation=True,
        TagsList=[{"Key": "team", "Value": "sec"}],
    )
    client.put_event_selectors(
        TrailName=TRAIL,
        AdvancedEventSelectors=[
            {
                "Name": "mgmt",
                "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
            }
        ],
    )
    client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[CALL_RATE])
    client.start_logging(Name=TRAIL)
    client.stop_logging(Name=TRAIL)
    destination = client.create_event_data_store(
        Name="insights-store", AdvancedEventSelectors=INSIGHTS_STORE_SELECTORS
    )["EventDataStoreArn"]
    source = client.create_event_data_store(Name="source-store", RetentionPeriod=90)
    client.put_insight_selectors(
        EventDataStore=source["EventDataStoreArn"],
        InsightsDestination=destination,
        InsightSelectors=[CALL_RATE],
    )
    gone = client.create_event_data_store(Name="gone-store", TerminationProtectionEnabled=False)
    client.delete_event_data_store(EventDataStore=gone["EventDataStoreArn"])
    mock.set_s3_bucket("missing-bucket", exists=False)
    mock.set_kms_key("alias/other-key", state="PendingDeletion", policy_sufficient=False)


def _answers(client) -> list:
    """Every read answer the state determines, minus request metadata."""
    stores = client.list_event_data_stores()["EventDataStores"]
    reads = [
        client.describe_trails(),
        client.list_trails(),
        client.get_trail(Name=TRAIL),
        client.get_trail_status(Name=TRAIL),
        client.get_event_selectors(TrailName=TRAIL),
        client.get_insight_selectors(TrailName=TRAIL),
        client.get_event_selectors(TrailName="home-trail"),
        {"EventDataStores": stores},
        *(client.get_event_data_store(EventDataStore=s["EventDataStoreArn"]) for s in stores),
    ]
    for read in reads:
        read.pop("ResponseMetadata", None)
    return reads


def test_snapshot_and_restore_give_identical_answers(insights_mock, client, tmp_path):
    _populate(insights_mock, client)
    before = _answers(client)
    saved = insights_mock.snapshot()
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(saved))

    with mock_insights() as fresh:
        fresh.restore(state_file)
        assert _answers(client) == before
        assert fresh.snapshot() == saved


def test_restore_replaces_the_whole_state(insights_mock, client, trail):
    saved = insights_mock.snapshot()
    client.create_trail(Name="later-trail", S3BucketName=BUCKET)
    insights_mock.restore(saved)
    assert [t["Name"] for t in client.list_trails()["Trails"]] == [trail]


def test_snapshot_is_plain_data_detached_from_the_state(insights_mock, client, trail):
    saved = insights_mock.snapshot()
    assert json.loads(json.dumps(saved)) == saved
    saved["trails"][0]["Name"] = "renamed"
    assert client.get_trail(Name=trail)["Trail"]["Name"] == trail


def test_restoring_an_invalid_snapshot_changes_nothing(insights_mock, client, trail):
    bad = {
        "format": "mock_insights/1",
        "trails": [
            {"Name": "fine-trail", "S3BucketName": BUCKET},
            {"Name": "x", "S3BucketName": BUCKET},
        ],
    }
    with pytest.raises(UsageError, match="InvalidTrailNameException"):
        insights_mock.restore(bad)
    assert [t["Name"] for t in client.list_trails()["Trails"]] == [trail]
    with pytest.raises(UsageError, match="not a mock_insights/1 snapshot"):
        insights_mock.restore({"format": "mock_insights/9"})


def test_a_hand_written_state_file_needs_only_what_differs_from_defaults(insights_mock, client):
    insights_mock.restore(
        {
            "trails": [
                {"Name": TRAIL, "S3BucketName": BUCKET, "InsightSelectors": [CALL_RATE]},
            ],
            "s3_buckets": [{"Name": BUCKET, "PolicySufficient": False}],
        }
    )
    assert client.get_insight_selectors(TrailName=TRAIL)["InsightSelectors"] == [CALL_RATE]
    with pytest.raises(client.exceptions.InsufficientS3BucketPolicyException):
        client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[CALL_RATE])
    trail = client.get_trail(Name=TRAIL)["Trail"]
    assert (trail["TrailARN"], trail["HomeRegion"]) == (arn(), REGION)
    assert f":{ACCOUNT}:" in trail["TrailARN"]
