"""``m.calls``: every answered CloudTrail call, filters, and assertions that list the calls."""

from __future__ import annotations

import boto3
import pytest
from helpers import ACCOUNT, BUCKET, OTHER_REGION, REGION, TRAIL, arn

from mock_insights import UsageError, mock_insights

CALL_RATE = {"InsightType": "ApiCallRateInsight"}


def test_each_call_is_recorded_in_order_with_its_details(insights_mock, client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    with pytest.raises(client.exceptions.TrailNotFoundException):
        client.get_trail(Name="missing")

    create, put, get = insights_mock.calls
    assert create.operation == "CreateTrail"
    assert create.params == {"Name": TRAIL, "S3BucketName": BUCKET}
    assert (create.region, create.account_id, create.error) == (REGION, ACCOUNT, None)
    assert put.operation == "PutInsightSelectors"
    assert put.response == {"TrailARN": arn(), "InsightSelectors": [CALL_RATE]}
    assert get.error == "TrailNotFoundException"
    assert get.response["Error"]["Code"] == "TrailNotFoundException"
    assert get.response["Error"]["Message"].startswith("Unknown trail: missing")


def test_the_region_and_account_of_each_call_are_recorded(insights_mock):
    boto3.client("cloudtrail", region_name=OTHER_REGION).list_trails()
    assert insights_mock.calls[0].region == OTHER_REGION
    with mock_insights(account_id="111122223333"):
        boto3.client("cloudtrail", region_name=REGION).list_trails()
    assert insights_mock.calls[1].account_id == "111122223333"


def test_recorded_params_cannot_be_changed_by_the_code_under_test(insights_mock, client, trail):
    record = insights_mock.calls[0]
    record.params["Name"] = "changed"
    assert record.params["Name"] == TRAIL


def test_filter_by_operation_in_either_spelling_and_partial_params(insights_mock, client):
    client.create_trail(Name="trail-a", S3BucketName=BUCKET)
    client.create_trail(Name="trail-b", S3BucketName=BUCKET)
    client.list_trails()
    assert len(insights_mock.calls.of("CreateTrail")) == 2
    assert len(insights_mock.calls.of("create_trail")) == 2
    by_name = insights_mock.calls.of("CreateTrail", Name="trail-b")
    assert [c.params["Name"] for c in by_name] == ["trail-b"]
    assert len(insights_mock.calls.of(S3BucketName=BUCKET)) == 2
    assert insights_mock.calls.of("CreateTrail", Name="trail-c") == []


def test_nested_params_match_partially(insights_mock, client, trail):
    client.put_insight_selectors(
        TrailName=trail, InsightSelectors=[{"InsightType": "ApiErrorRateInsight"}]
    )
    calls = insights_mock.calls
    assert calls.of(
        "PutInsightSelectors", InsightSelectors=[{"InsightType": "ApiErrorRateInsight"}]
    )
    assert not calls.of("PutInsightSelectors", InsightSelectors=[CALL_RATE])


def test_lists_match_item_by_item_and_empty_only_empty(insights_mock, client, trail):
    arn = client.get_trail(Name=trail)["Trail"]["TrailARN"]
    client.add_tags(
        ResourceId=arn, TagsList=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "sec"}]
    )
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[])
    calls = insights_mock.calls
    assert calls.of("AddTags", TagsList=[{"Key": "env"}])
    assert calls.of("AddTags", TagsList=[{"Key": "team"}, {"Key": "env", "Value": "prod"}])
    assert not calls.of("AddTags", TagsList=[{"Key": "env", "Value": "dev"}])
    assert calls.of("PutInsightSelectors", InsightSelectors=[])
    assert not calls.of("PutInsightSelectors", InsightSelectors=[CALL_RATE])
    insights_mock.inject_error("RemoveTags", "AccessDeniedException", TagsList=[{"Key": "env"}])
    with pytest.raises(client.exceptions.ClientError):
        client.remove_tags(ResourceId=arn, TagsList=[{"Key": "env"}, {"Key": "team"}])
    assert insights_mock.injections == []


def test_filter_by_outcome(insights_mock, client, trail):
    with pytest.raises(client.exceptions.InsightNotEnabledException):
        client.get_insight_selectors(TrailName=trail)
    assert (
        len(insights_mock.calls.of("GetInsightSelectors", error="InsightNotEnabledException")) == 1
    )
    assert insights_mock.calls.of("GetInsightSelectors", error=None) == []
    assert len(insights_mock.calls.of(error=None)) == 1


def test_assert_called_once_returns_the_call(insights_mock, client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    call = insights_mock.calls.assert_called_once("PutInsightSelectors", TrailName=trail)
    assert call.response["TrailARN"] == arn()
    insights_mock.calls.assert_called("CreateTrail", times=1)
    insights_mock.calls.assert_not_called("DeleteTrail")


def test_a_failed_assertion_lists_every_recorded_call(insights_mock, client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    with pytest.raises(AssertionError) as caught:
        insights_mock.calls.assert_called_once("PutInsightSelectors", TrailName="other-trail")
    message = str(caught.value)
    assert message.splitlines()[0] == (
        "Expected PutInsightSelectors(TrailName='other-trail') once, but it was called 0 times."
    )
    assert "Recorded CloudTrail calls (2):" in message
    assert f"1. CreateTrail(Name='{TRAIL}', S3BucketName='{BUCKET}') in {REGION}" in message
    assert "2. PutInsightSelectors(" in message and "-> ok" in message


def test_assert_called_counts_times(insights_mock, client, trail):
    client.get_trail(Name=trail)
    client.get_trail(Name=trail)
    insights_mock.calls.assert_called("GetTrail", times=2, Name=trail)
    with pytest.raises(AssertionError, match="once, but it was called twice"):
        insights_mock.calls.assert_called_once("GetTrail")


def test_assert_not_called_without_arguments_means_no_cloudtrail_call(insights_mock):
    insights_mock.calls.assert_not_called()
    boto3.client("cloudtrail", region_name=REGION).list_trails()
    with pytest.raises(
        AssertionError, match="Expected no CloudTrail call, but 1 call was recorded"
    ):
        insights_mock.calls.assert_not_called()


def test_unknown_operation_names_are_a_usage_error(insights_mock):
    with pytest.raises(UsageError, match="Did you mean PutInsightSelectors"):
        insights_mock.calls.of("PutInsightSelector")


def test_clear_forgets_setup_calls(insights_mock, client, trail):
    insights_mock.calls.clear()
    assert len(insights_mock.calls) == 0
    client.get_trail(Name=trail)
    assert [c.operation for c in insights_mock.calls] == ["GetTrail"]


def test_calls_stay_readable_after_the_mock_stops():
    with mock_insights() as mock:
        boto3.client("cloudtrail", region_name=REGION).list_trails()
    assert [c.operation for c in mock.calls] == ["ListTrails"]
    with mock:
        assert len(mock.calls) == 0  # a new activation starts a new history


def test_history_limit_keeps_only_the_newest_calls():
    with mock_insights(history_limit=2) as mock:
        client = boto3.client("cloudtrail", region_name="us-east-1")
        for name in ("trail-one", "trail-two", "trail-three"):
            client.create_trail(Name=name, S3BucketName=BUCKET)
        assert [call.params["Name"] for call in mock.calls] == ["trail-two", "trail-three"]
        assert [call.params["Name"] for call in mock.calls[-1:]] == ["trail-three"]
        assert len(client.list_trails()["Trails"]) == 3  # state is kept, history is capped


def test_history_limit_zero_records_nothing():
    with mock_insights(history_limit=0) as mock:
        client = boto3.client("cloudtrail", region_name="us-east-1")
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        assert len(mock.calls) == 0
        mock.calls.assert_not_called()


def test_history_limit_must_be_a_count():
    with pytest.raises(UsageError, match="history_limit"):
        mock_insights(history_limit=-1)


@pytest.mark.insights_mock(history_limit=1)
def test_the_marker_sets_the_history_limit(insights_mock, client, trail):
    client.get_trail(Name=trail)
    assert [call.operation for call in insights_mock.calls] == ["GetTrail"]
