"""Testing the unhappy paths of your own code: seeded state, S3/KMS conditions, injected
faults and the call history. Run with ``python -m pytest examples/test_toolkit.py``."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from mock_insights import InsightsMock

BOTH_TYPES = [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]


def enable_insights(trail_name: str, *, retries: bool = True) -> str:
    """Code under test: turn on both Insights types and say what happened."""
    config = None if retries else Config(retries={"total_max_attempts": 1})
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1", config=config)
    errors = cloudtrail.exceptions
    try:
        cloudtrail.put_insight_selectors(TrailName=trail_name, InsightSelectors=BOTH_TYPES)
    except errors.S3BucketDoesNotExistException:
        return "the log bucket is gone"
    except (errors.InsufficientEncryptionPolicyException, errors.KmsException):
        return "the KMS key cannot be used"
    except errors.ClientError as error:
        if error.response["Error"]["Code"] == "ThrottlingException":
            return "throttled, try later"
        raise
    return "enabled"


# The state file seeds two trails and a KMS key whose policy does not let CloudTrail in.
# botocore waits up to a second before a retry; these tests only count the attempts, so
# retry_delays=False lets botocore retry at once.
pytestmark = pytest.mark.insights_mock(state="toolkit_state.json", retry_delays=False)


def test_enables_insights_on_a_seeded_trail(insights_mock: InsightsMock):
    assert enable_insights("audit-trail") == "enabled"
    call = insights_mock.calls.assert_called_once("PutInsightSelectors", TrailName="audit-trail")
    assert call.response["InsightSelectors"] == BOTH_TYPES


def test_reports_a_key_that_cannot_be_used(insights_mock: InsightsMock):
    assert enable_insights("encrypted-trail") == "the KMS key cannot be used"
    insights_mock.set_kms_key("alias/audit-key", state="PendingDeletion")
    assert enable_insights("encrypted-trail") == "the KMS key cannot be used"
    errors = [call.error for call in insights_mock.calls]
    assert errors == ["InsufficientEncryptionPolicyException", "KmsException"]


def test_reports_a_missing_bucket(insights_mock: InsightsMock):
    insights_mock.set_s3_bucket("audit-bucket", exists=False)
    assert enable_insights("audit-trail") == "the log bucket is gone"


def test_one_throttle_is_retried_by_botocore(insights_mock: InsightsMock):
    insights_mock.inject_error("PutInsightSelectors", "ThrottlingException")
    assert enable_insights("audit-trail") == "enabled"
    attempts = insights_mock.calls.of("PutInsightSelectors")
    assert [attempt.error for attempt in attempts] == ["ThrottlingException", None]


def test_a_throttle_without_retries_is_reported(insights_mock: InsightsMock):
    insights_mock.inject_error(
        "PutInsightSelectors", "ThrottlingException", TrailName="audit-trail"
    )
    assert enable_insights("audit-trail", retries=False) == "throttled, try later"
    # The injected error changed nothing: Insights are still off.
    client = boto3.client("cloudtrail", region_name="us-east-1")
    assert client.get_trail(Name="audit-trail")["Trail"]["HasInsightSelectors"] is False


def test_snapshots_restore_a_known_state(insights_mock: InsightsMock):
    before = insights_mock.snapshot()
    enable_insights("audit-trail")
    insights_mock.restore(before)
    client = boto3.client("cloudtrail", region_name="us-east-1")
    assert client.get_trail(Name="audit-trail")["Trail"]["HasInsightSelectors"] is False
