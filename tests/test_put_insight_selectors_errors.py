"""Every error botocore's model lists for PutInsightSelectors can be produced by a test:
naturally where the mock models the cause, by ``inject_error`` otherwise."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import BUCKET, OTHER_REGION, REGION, TRAIL, arn, cloudtrail_model

CALL_RATE = [{"InsightType": "ApiCallRateInsight"}]
KEY = "alias/trail-key"


def _put(client, **params):
    client.put_insight_selectors(**{"TrailName": TRAIL, "InsightSelectors": CALL_RATE, **params})


def _encrypted(mock, client, **key_condition):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId=KEY)
    mock.set_kms_key(KEY, **key_condition)
    _put(client)


def _org_trail(mock, client, **organization):
    mock.set_organization(member_account_ids=["111122223333"], **organization)
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsOrganizationTrail=True)


def _member_changes_org_trail(mock, client):
    _org_trail(mock, client)
    _put(mock.client(account_id="111122223333"), TrailName=arn())


def _role_removed(mock, client):
    _org_trail(mock, client)
    mock.set_organization(member_account_ids=["111122223333"], service_linked_role=False)
    _put(client)


def _home_region(mock, client):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    _put(boto3.client("cloudtrail", region_name=OTHER_REGION), TrailName=arn())


NATURAL = {
    "InvalidParameterCombinationException": lambda m, c: _put(c, EventDataStore="store-id"),
    "TrailNotFoundException": lambda m, c: _put(c, TrailName="missing-trail"),
    "InvalidTrailNameException": lambda m, c: _put(c, TrailName="-bad-name"),
    "CloudTrailARNInvalidException": lambda m, c: _put(c, TrailName="arn:aws:cloudtrail:bad"),
    "InvalidHomeRegionException": _home_region,
    "InvalidInsightSelectorsException": lambda m, c: _put(c, InsightSelectors=CALL_RATE * 2),
    "S3BucketDoesNotExistException": lambda m, c: (
        c.create_trail(Name=TRAIL, S3BucketName=BUCKET),
        m.set_s3_bucket(BUCKET, exists=False),
        _put(c),
    ),
    "InsufficientS3BucketPolicyException": lambda m, c: (
        c.create_trail(Name=TRAIL, S3BucketName=BUCKET),
        m.set_s3_bucket(BUCKET, policy_sufficient=False),
        _put(c),
    ),
    "KmsException": lambda m, c: _encrypted(m, c, state="Disabled"),
    "InsufficientEncryptionPolicyException": lambda m, c: _encrypted(m, c, policy_sufficient=False),
    "NotOrganizationMasterAccountException": _member_changes_org_trail,
    "NoManagementAccountSLRExistsException": _role_removed,
}


def _model_codes() -> list[str]:
    model = cloudtrail_model()
    return [shape.name for shape in model.operation_model("PutInsightSelectors").error_shapes]


INJECTED_ONLY = {
    "InvalidParameterException",
    "UnsupportedOperationException",
    "OperationNotPermittedException",
    "ThrottlingException",
}


def test_the_sixteen_documented_errors_are_all_in_the_model():
    """botocore 1.43 lists these 16; later releases may add more (1.44 adds ConflictException),
    and the parametrized test below covers whatever the installed model lists."""
    assert len(set(NATURAL) | INJECTED_ONLY) == 16
    assert set(NATURAL) | INJECTED_ONLY <= set(_model_codes())


@pytest.mark.parametrize("code", _model_codes())
def test_each_modeled_error_can_be_produced(insights_mock, code):
    client = boto3.client(
        "cloudtrail", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
    )
    scenario = NATURAL.get(code)
    if scenario is None:
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        insights_mock.inject_error("PutInsightSelectors", code)
        scenario = lambda m, c: _put(c)  # noqa: E731
    with pytest.raises(ClientError) as caught:
        scenario(insights_mock, client)
    assert caught.value.response["Error"]["Code"] == code
    assert type(caught.value).__name__ == code  # botocore's modeled exception class
    insights_mock.calls.assert_called_once("PutInsightSelectors", error=code)
