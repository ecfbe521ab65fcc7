"""mock_insights side by side with moto: the bucket, key and SNS topic live in moto, CloudTrail
in mock_insights. The policies are the ones AWS documents for CloudTrail; without them
CloudTrail (and so the mock) refuses the trail.

Run with: python -m pytest examples/test_moto_migration.py
"""

from __future__ import annotations

import json

import boto3
from moto import mock_aws

from mock_insights import mock_insights

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
BUCKET = "audit-bucket"


def cloudtrail_bucket_policy(bucket: str, account_id: str) -> str:
    """The bucket policy of the CloudTrail user guide's "Amazon S3 bucket policy for CloudTrail"."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": f"arn:aws:s3:::{bucket}",
                },
                {
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                },
            ],
        }
    )


def cloudtrail_key_policy(account_id: str) -> str:
    """A KMS key policy that keeps the account's access and lets CloudTrail encrypt logs."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Enable IAM user permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "Allow CloudTrail to encrypt logs",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "*",
                },
            ],
        }
    )


def cloudtrail_topic_policy(topic_arn: str) -> str:
    """A topic policy that lets CloudTrail publish delivery notifications (moto's default
    topic policy does not, as AWS's does not)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailSNSPolicy",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "SNS:Publish",
                    "Resource": topic_arn,
                }
            ],
        }
    )


@mock_aws
@mock_insights
def test_trail_with_a_moto_bucket_and_key():
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=cloudtrail_bucket_policy(BUCKET, ACCOUNT))
    key = boto3.client("kms", region_name=REGION).create_key(Policy=cloudtrail_key_policy(ACCOUNT))[
        "KeyMetadata"
    ]["Arn"]

    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="trail-deliveries")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=cloudtrail_topic_policy(topic)
    )

    cloudtrail = boto3.client("cloudtrail", region_name=REGION)
    trail = cloudtrail.create_trail(
        Name="audit-trail",
        S3BucketName=BUCKET,
        KmsKeyId=key,
        SnsTopicName="trail-deliveries",
        TagsList=[{"Key": "team", "Value": "security"}],
    )
    assert trail["SnsTopicARN"] == topic
    cloudtrail.put_insight_selectors(
        TrailName="audit-trail", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
    )
    tags = cloudtrail.list_tags(ResourceIdList=[trail["TrailARN"]])["ResourceTagList"]
    assert tags[0]["TagsList"] == [{"Key": "team", "Value": "security"}]


@mock_aws
@mock_insights
def test_a_bucket_without_the_policy_is_refused_and_the_message_says_where_it_came_from():
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    cloudtrail = boto3.client("cloudtrail", region_name=REGION)
    try:
        cloudtrail.create_trail(Name="audit-trail", S3BucketName=BUCKET)
    except cloudtrail.exceptions.InsufficientS3BucketPolicyException as error:
        assert "moto's S3 state" in str(error)
    else:
        raise AssertionError("CloudTrail needs a bucket policy that lets it write")
