"""Side by side with moto's mock_aws: CloudTrail is answered by mock_insights alone, and S3
and KMS conditions come from moto's state unless the test declared them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import pytest
from helpers import ACCOUNT, BUCKET, REGION, TRAIL, raises_code
from moto import mock_aws
from moto.cloudtrail.models import cloudtrail_backends
from moto.core.botocore_stubber import BotocoreStubber

from mock_insights import mock_insights

CALL_RATE = [{"InsightType": "ApiCallRateInsight"}]


def _cloudtrail_bucket_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": f"arn:aws:s3:::{bucket}",
                },
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*",
                },
            ],
        }
    )


def _bucket_for_cloudtrail(name: str = BUCKET) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=_cloudtrail_bucket_policy(name))


def _use_cloudtrail_and_s3() -> None:
    _bucket_for_cloudtrail()
    cloudtrail = boto3.client("cloudtrail", region_name=REGION)
    cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    cloudtrail.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)
    assert cloudtrail.get_trail(Name=TRAIL)["Trail"]["HasInsightSelectors"] is True
    assert [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]] == [BUCKET]
    # moto's CloudTrail never saw a call: its backend stays empty.
    assert not cloudtrail_backends[ACCOUNT][REGION].trails


def test_moto_outside_mock_insights_inside():
    with mock_aws(), mock_insights():
        _use_cloudtrail_and_s3()


def test_mock_insights_outside_moto_inside():
    with mock_insights(), mock_aws():
        _use_cloudtrail_and_s3()


def test_mock_insights_answers_what_moto_does_not_model():
    with mock_aws(), mock_insights():
        _bucket_for_cloudtrail()
        cloudtrail = boto3.client("cloudtrail", region_name=REGION)
        cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        with raises_code("InsightNotEnabledException"):
            cloudtrail.get_insight_selectors(TrailName=TRAIL)


def test_moto_dispatch_is_not_paid_for_cloudtrail_calls(monkeypatch):
    seen: list[str] = []
    original = BotocoreStubber.process_request

    def counting(self, request):
        seen.append(request.url)
        return original(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", counting)
    with mock_aws(), mock_insights():
        _use_cloudtrail_and_s3()
    assert seen and all("cloudtrail" not in url for url in seen)


def test_moto_answers_cloudtrail_again_once_mock_insights_stops():
    with mock_aws():
        with mock_insights():
            boto3.client("cloudtrail", region_name=REGION).list_trails()
        _bucket_for_cloudtrail()
        boto3.client("cloudtrail", region_name=REGION).create_trail(Name=TRAIL, S3BucketName=BUCKET)
        assert list(cloudtrail_backends[ACCOUNT][REGION].trails) == [TRAIL]


@pytest.fixture
def both():
    with mock_aws(), mock_insights() as mock:
        yield mock


def test_a_bucket_missing_from_moto_is_missing(both):
    cloudtrail = boto3.client("cloudtrail", region_name=REGION)
    with raises_code(
        "S3BucketDoesNotExistException",
        f"S3 bucket {BUCKET} does not exist! (mock_insights read this from moto's S3 state)",
    ):
        cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)


def test_a_moto_bucket_without_a_cloudtrail_policy_is_insufficient(both):
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    with raises_code("InsufficientS3BucketPolicyException"):
        boto3.client("cloudtrail", region_name=REGION).create_trail(Name=TRAIL, S3BucketName=BUCKET)


def test_a_declared_condition_overrides_moto(both):
    both.set_s3_bucket(BUCKET)  # declared: exists, policy sufficient
    boto3.client("cloudtrail", region_name=REGION).create_trail(Name=TRAIL, S3BucketName=BUCKET)
    _bucket_for_cloudtrail("other-bucket")
    both.set_s3_bucket("other-bucket", exists=False)
    with raises_code("S3BucketDoesNotExistException"):
        boto3.client("cloudtrail", region_name=REGION).create_trail(
            Name="other-trail", S3BucketName="other-bucket"
        )


def _cloudtrail_key_policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "*",
                },
            ],
        }
    )


def test_kms_keys_come_from_moto(both):
    _bucket_for_cloudtrail()
    kms = boto3.client("kms", region_name=REGION)
    cloudtrail = boto3.client("cloudtrail", region_name=REGION)
    default_policy_key = kms.create_key()["KeyMetadata"]["KeyId"]
    with raises_code("InsufficientEncryptionPolicyException"):
        cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId=default_policy_key)

    key = kms.create_key(Policy=_cloudtrail_key_policy())["KeyMetadata"]
    kms.create_alias(AliasName="alias/trail-key", TargetKeyId=key["KeyId"])
    cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId="alias/trail-key")
    cloudtrail.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)

    kms.disable_key(KeyId=key["KeyId"])
    with raises_code("KmsException"):
        cloudtrail.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)
    kms.enable_key(KeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    alias = f"{key['Arn'].rsplit(':key/', 1)[0]}:alias/trail-key"
    with raises_code(
        "KmsException",
        f"{alias} is pending deletion. (mock_insights read this from moto's KMS state)",
    ):
        cloudtrail.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)


def test_a_key_missing_from_moto_is_not_found(both):
    _bucket_for_cloudtrail()
    with raises_code("KmsKeyNotFoundException"):
        boto3.client("cloudtrail", region_name=REGION).create_trail(
            Name=TRAIL, S3BucketName=BUCKET, KmsKeyId="1234abcd-12ab-34cd-56ef-1234567890ab"
        )


def test_without_moto_imported_mock_insights_never_imports_it():
    code = (
        "import sys, boto3\n"
        "from mock_insights import mock_insights\n"
        "with mock_insights() as m:\n"
        "    c = boto3.client('cloudtrail', region_name='us-east-1')\n"
        "    c.create_trail(Name='t-1', S3BucketName='bucket-1', KmsKeyId='alias/k')\n"
        "    c.put_insight_selectors(TrailName='t-1', InsightSelectors=[{'InsightType': 'ApiCallRateInsight'}])\n"
        "print(sorted(m for m in sys.modules if m.startswith('moto')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_moto_imported_while_mock_insights_is_active_does_not_take_cloudtrail():
    code = (
        "import json, boto3\n"
        "from mock_insights import mock_insights\n"
        "with mock_insights() as m:\n"
        "    from moto import mock_aws\n"
        "    with mock_aws():\n"
        "        boto3.client('s3', region_name='us-east-1').create_bucket(Bucket='audit-bucket')\n"
        "        m.set_s3_bucket('audit-bucket')  # moto's bucket has no CloudTrail policy\n"
        "        ct = boto3.client('cloudtrail', region_name='us-east-1')\n"
        "        ct.create_trail(Name='audit-trail', S3BucketName='audit-bucket')\n"
        "        ct.put_insight_selectors(TrailName='audit-trail', InsightSelectors=[{'InsightType': 'ApiCallRateInsight'}])\n"
        "        seen = ct.get_trail(Name='audit-trail')['Trail']['HasInsightSelectors']\n"
        "    print(json.dumps([len(m.calls), seen]))\n"
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [3, True]  # ours answered: moto reports False
