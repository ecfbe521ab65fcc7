"""``m.inject_error``: modeled errors served on the wire, retried by botocore as from AWS."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from helpers import REGION, arn, raises_code

from mock_insights import UnsupportedOperationError, UsageError

CALL_RATE = {"InsightType": "ApiCallRateInsight"}
NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture(autouse=True)
def no_retry_sleep(monkeypatch):
    """botocore sleeps up to a second between retries; the attempts are what matter here."""
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)


def test_injected_error_is_a_modeled_client_error(insights_mock, client, trail):
    insights_mock.inject_error("PutInsightSelectors", "InsufficientEncryptionPolicyException")
    with pytest.raises(client.exceptions.InsufficientEncryptionPolicyException) as caught:
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert caught.value.response["Error"]["Message"] == (
        "InsufficientEncryptionPolicyException (injected)"
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_only_the_next_times_calls_fail(insights_mock, client, trail):
    insights_mock.inject_error("GetTrail", "OperationNotPermittedException", times=2, message="no")
    for _ in range(2):
        with raises_code("OperationNotPermittedException", "no"):
            client.get_trail(Name=trail)
    assert client.get_trail(Name=trail)["Trail"]["Name"] == trail
    assert insights_mock.injections == []


def test_injection_matches_partial_params(insights_mock, client, trail):
    client.create_trail(Name="other", S3BucketName="bucket-b")
    insights_mock.inject_error("GetTrail", "TrailNotFoundException", Name="other")
    assert client.get_trail(Name=trail)["Trail"]["Name"] == trail
    with raises_code("TrailNotFoundException"):
        client.get_trail(Name="other")


def test_throttling_is_retried_by_a_client_with_retries(insights_mock, trail):
    client = boto3.client("cloudtrail", region_name=REGION)
    insights_mock.inject_error("PutInsightSelectors", "ThrottlingException")
    response = client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    attempts = insights_mock.calls.of("PutInsightSelectors")
    assert [call.error for call in attempts] == ["ThrottlingException", None]


def test_throttling_is_given_up_on_without_retries(insights_mock, trail):
    client = boto3.client("cloudtrail", region_name=REGION, config=NO_RETRIES)
    insights_mock.inject_error("PutInsightSelectors", "ThrottlingException")
    with raises_code("ThrottlingException", "Rate exceeded"):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    insights_mock.calls.assert_called_once("PutInsightSelectors", error="ThrottlingException")


def test_a_server_error_has_its_status_and_is_retried(insights_mock, trail):
    client = boto3.client("cloudtrail", region_name=REGION, config=NO_RETRIES)
    insights_mock.inject_error("GetTrail", "ServiceUnavailable")
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.get_trail(Name=trail)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    retrying = boto3.client("cloudtrail", region_name=REGION)
    insights_mock.inject_error("GetTrail", "InternalFailure", times=2)
    assert retrying.get_trail(Name=trail)["ResponseMetadata"]["RetryAttempts"] == 2


def test_injected_errors_change_no_state(insights_mock, client, trail):
    insights_mock.inject_error("PutInsightSelectors", "KmsException")
    with raises_code("KmsException"):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert client.get_trail(Name=trail)["Trail"]["HasInsightSelectors"] is False
    insights_mock.inject_error("DeleteTrail", "ThrottlingException")
    with raises_code("ThrottlingException"):
        boto3.client("cloudtrail", region_name=REGION, config=NO_RETRIES).delete_trail(Name=trail)
    assert client.get_trail(Name=trail)["Trail"]["TrailARN"] == arn()


def test_pending_injections_can_be_listed_and_cleared(insights_mock, client, trail):
    injection = insights_mock.inject_error("put_insight_selectors", "ThrottlingException", times=3)
    assert injection.operation == "PutInsightSelectors"
    assert insights_mock.injections == [injection]
    insights_mock.clear_injections()
    assert insights_mock.injections == []
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])


def test_a_code_the_operation_cannot_answer_is_refused(insights_mock):
    with pytest.raises(UsageError, match="'TrailAlreadyExistsException' is not an error") as caught:
        insights_mock.inject_error("PutInsightSelectors", "TrailAlreadyExistsException")
    assert "ThrottlingException" in str(caught.value)
    assert "InvalidInsightSelectorsException" in str(caught.value)
    with pytest.raises(UsageError, match="is not an error"):
        insights_mock.inject_error("GetTrail", "ThrotlingException")


def test_an_unknown_operation_or_bad_times_is_refused(insights_mock):
    with pytest.raises(UsageError, match="not a CloudTrail operation"):
        insights_mock.inject_error("PutInsightSelector", "ThrottlingException")
    with pytest.raises(UsageError, match="times must be a positive whole number"):
        insights_mock.inject_error("GetTrail", "ThrottlingException", times=0)
    with pytest.raises(UsageError, match="message is the error's text, a string, not 5"):
        insights_mock.inject_error("ListTrails", "AccessDeniedException", message=5)


def test_common_aws_errors_are_accepted_for_every_operation(insights_mock, client, trail):
    insights_mock.inject_error("GetTrail", "AccessDeniedException")
    with raises_code("AccessDeniedException"):
        client.get_trail(Name=trail)


def test_errors_can_be_injected_into_an_operation_the_mock_does_not_implement(insights_mock):
    client = boto3.client("cloudtrail", region_name=REGION, config=NO_RETRIES)
    insights_mock.inject_error("ListChannels", "ThrottlingException")
    with raises_code("ThrottlingException"):
        client.list_channels()
    with pytest.raises(UnsupportedOperationError, match="ListChannels"):
        client.list_channels()
