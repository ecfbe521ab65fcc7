"""S3 bucket and KMS key conditions: CreateTrail, UpdateTrail and PutInsightSelectors."""

from __future__ import annotations

import pytest
from helpers import ACCOUNT, BUCKET, REGION, TRAIL, raises_code

from mock_insights import UsageError

CALL_RATE = {"InsightType": "ApiCallRateInsight"}
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"


@pytest.fixture
def encrypted_trail(client):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId=KEY_ID)
    return TRAIL


def test_undeclared_buckets_and_keys_exist_and_allow_cloudtrail(client, encrypted_trail):
    response = client.put_insight_selectors(TrailName=encrypted_trail, InsightSelectors=[CALL_RATE])
    assert response["InsightSelectors"] == [CALL_RATE]


def test_put_insight_selectors_on_a_trail_whose_bucket_is_missing(insights_mock, client, trail):
    insights_mock.set_s3_bucket(BUCKET, exists=False)
    with raises_code("S3BucketDoesNotExistException", f"S3 bucket {BUCKET} does not exist!"):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert client.get_trail(Name=trail)["Trail"]["HasInsightSelectors"] is False


def test_put_insight_selectors_with_an_insufficient_bucket_policy(insights_mock, client, trail):
    insights_mock.set_s3_bucket(BUCKET, policy_sufficient=False)
    with raises_code(
        "InsufficientS3BucketPolicyException",
        f"Incorrect S3 bucket policy is detected for bucket: {BUCKET}",
    ):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("Disabled", f"{KEY_ARN} is disabled."),
        ("PendingDeletion", f"{KEY_ARN} is pending deletion."),
        ("PendingImport", f"{KEY_ARN} is in state PendingImport."),
    ],
)
def test_put_insight_selectors_with_an_unusable_key(
    insights_mock, client, encrypted_trail, state, message
):
    assert insights_mock.set_kms_key(KEY_ID, state=state) == KEY_ARN
    with raises_code("KmsException", message):
        client.put_insight_selectors(TrailName=encrypted_trail, InsightSelectors=[CALL_RATE])


def test_put_insight_selectors_with_an_insufficient_key_policy(
    insights_mock, client, encrypted_trail
):
    insights_mock.set_kms_key(KEY_ARN, policy_sufficient=False)
    with raises_code(
        "InsufficientEncryptionPolicyException",
        f"Insufficient permissions to access S3 bucket {BUCKET} or KMS key {KEY_ARN}.",
    ):
        client.put_insight_selectors(TrailName=encrypted_trail, InsightSelectors=[CALL_RATE])


def test_put_insight_selectors_with_a_deleted_key_is_a_kms_exception(
    insights_mock, client, encrypted_trail
):
    insights_mock.set_kms_key(KEY_ID, exists=False)
    with raises_code("KmsException", f"KMS key {KEY_ARN} does not exist."):
        client.put_insight_selectors(TrailName=encrypted_trail, InsightSelectors=[CALL_RATE])


def test_a_trail_without_a_key_ignores_key_conditions(insights_mock, client, trail):
    insights_mock.set_kms_key(KEY_ID, state="Disabled")
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])


def test_disabling_insights_needs_no_delivery(insights_mock, client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    insights_mock.set_s3_bucket(BUCKET, exists=False)
    assert (
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[])["InsightSelectors"] == []
    )


def test_selector_checks_come_before_delivery_checks(insights_mock, client, trail):
    insights_mock.set_s3_bucket(BUCKET, exists=False)
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE, CALL_RATE])
    client.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "ReadOnly"}])
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])


def test_create_trail_checks_the_bucket_after_the_name(insights_mock, client):
    insights_mock.set_s3_bucket("missing-bucket", exists=False)
    with raises_code("InvalidTrailNameException"):
        client.create_trail(Name="-bad", S3BucketName="missing-bucket")
    with raises_code("S3BucketDoesNotExistException", "S3 bucket missing-bucket does not exist!"):
        client.create_trail(Name=TRAIL, S3BucketName="missing-bucket")
    assert client.list_trails()["Trails"] == []


def test_create_trail_checks_the_bucket_policy_and_the_key(insights_mock, client):
    insights_mock.set_s3_bucket("locked-bucket", policy_sufficient=False)
    with raises_code("InsufficientS3BucketPolicyException"):
        client.create_trail(Name=TRAIL, S3BucketName="locked-bucket")
    insights_mock.set_kms_key(KEY_ID, exists=False)
    with raises_code("KmsKeyNotFoundException", f"KMS key {KEY_ARN} does not exist."):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId=KEY_ID)
    insights_mock.set_kms_key(KEY_ID, state="PendingDeletion")
    with raises_code("KmsException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId=KEY_ARN)
    insights_mock.set_kms_key(KEY_ID, policy_sufficient=False)
    with raises_code("InsufficientEncryptionPolicyException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId=KEY_ID)
    assert client.list_trails()["Trails"] == []


def test_update_trail_checks_a_new_bucket_or_key_only(insights_mock, client, trail):
    insights_mock.set_s3_bucket(BUCKET, policy_sufficient=False)
    client.update_trail(Name=trail, IncludeGlobalServiceEvents=False)  # bucket unchanged
    with raises_code("InsufficientS3BucketPolicyException"):
        client.update_trail(Name=trail, S3BucketName=BUCKET)
    insights_mock.set_s3_bucket("gone-bucket", exists=False)
    with raises_code("S3BucketDoesNotExistException"):
        client.update_trail(Name=trail, S3BucketName="gone-bucket")
    insights_mock.set_kms_key(KEY_ID, state="Disabled")
    with raises_code("KmsException"):
        client.update_trail(Name=trail, KmsKeyId=KEY_ID)
    assert "KmsKeyId" not in client.get_trail(Name=trail)["Trail"]
    assert client.get_trail(Name=trail)["Trail"]["S3BucketName"] == BUCKET


def test_key_aliases_are_matched_by_their_arn(insights_mock, client):
    alias_arn = insights_mock.set_kms_key("alias/trail-key", state="Disabled")
    assert alias_arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/trail-key"
    with raises_code("KmsException", f"{alias_arn} is disabled."):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId="alias/trail-key")


def test_declaring_an_impossible_condition_is_a_usage_error(insights_mock):
    with pytest.raises(UsageError, match="'Broken' is not a KMS key state"):
        insights_mock.set_kms_key(KEY_ID, state="Broken")
    with pytest.raises(UsageError, match="Invalid KmsKeyId not a key"):
        insights_mock.set_kms_key("not a key")
    with pytest.raises(UsageError, match="non-empty string"):
        insights_mock.set_s3_bucket("")
