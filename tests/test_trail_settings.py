"""Trail settings real setups pass: CloudWatch Logs, SNS topics, RecursiveLogging, and the
GetTrailStatus members real CloudTrail answers."""

from __future__ import annotations

import re

import boto3
import pytest
from helpers import (
    ACCOUNT,
    BUCKET,
    REGION,
    TRAIL,
    allow_cloudtrail,
    cloudtrail_model,
    raises_code,
)

LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:CloudTrail/audit:*"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:trail-notes"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
HAS_RECURSIVE_LOGGING = "RecursiveLogging" in cloudtrail_model().shape_for("Trail").members
STRING_MEMBERS = (
    "LatestDeliveryAttemptTime",
    "LatestNotificationAttemptTime",
    "LatestNotificationAttemptSucceeded",
    "LatestDeliveryAttemptSucceeded",
    "TimeLoggingStarted",
    "TimeLoggingStopped",
)


# --- CloudWatch Logs -------------------------------------------------------------------------


def test_a_log_group_needs_a_role(client):
    with raises_code(
        "InvalidCloudWatchLogsRoleArnException",
        "You must specify a role ARN as well as a log group.",
    ):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, CloudWatchLogsLogGroupArn=LOG_GROUP)
    assert client.list_trails()["Trails"] == []


def test_a_role_needs_a_log_group(client, trail):
    with raises_code("InvalidCloudWatchLogsLogGroupArnException"):
        client.update_trail(Name=trail, CloudWatchLogsRoleArn=ROLE)


def test_both_together_are_kept_and_can_be_cleared(client, trail):
    updated = client.update_trail(
        Name=trail, CloudWatchLogsLogGroupArn=LOG_GROUP, CloudWatchLogsRoleArn=ROLE
    )
    assert (updated["CloudWatchLogsLogGroupArn"], updated["CloudWatchLogsRoleArn"]) == (
        LOG_GROUP,
        ROLE,
    )
    with raises_code("InvalidCloudWatchLogsRoleArnException"):
        client.update_trail(Name=trail, CloudWatchLogsRoleArn="")
    cleared = client.update_trail(
        Name=trail, CloudWatchLogsLogGroupArn="", CloudWatchLogsRoleArn=""
    )
    assert "CloudWatchLogsLogGroupArn" not in cleared and "CloudWatchLogsRoleArn" not in cleared


@pytest.mark.parametrize(
    "group, role, code",
    [
        (
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:no-wildcard",
            ROLE,
            "InvalidCloudWatchLogsLogGroupArnException",
        ),
        ("CloudTrail/audit", ROLE, "InvalidCloudWatchLogsLogGroupArnException"),
        (LOG_GROUP, "CloudTrail_CloudWatchLogs_Role", "InvalidCloudWatchLogsRoleArnException"),
        (
            LOG_GROUP,
            f"arn:aws:iam::{ACCOUNT}:user/someone",
            "InvalidCloudWatchLogsRoleArnException",
        ),
    ],
)
def test_the_arns_are_checked(client, group, role, code):
    with raises_code(code):
        client.create_trail(
            Name=TRAIL,
            S3BucketName=BUCKET,
            CloudWatchLogsLogGroupArn=group,
            CloudWatchLogsRoleArn=role,
        )


# --- SNS topics --------------------------------------------------------------------------------


def test_an_undeclared_topic_exists_and_is_returned_by_name_and_arn(client):
    created = client.create_trail(Name=TRAIL, S3BucketName=BUCKET, SnsTopicName="trail-notes")
    assert (created["SnsTopicName"], created["SnsTopicARN"]) == ("trail-notes", TOPIC)


@pytest.mark.parametrize("condition", [{"exists": False}, {"policy_sufficient": False}])
def test_a_declared_topic_that_cannot_take_notifications_is_refused(
    insights_mock, client, trail, condition
):
    insights_mock.set_sns_topic(TOPIC, **condition)
    message = "SNS Topic does not exist or the topic policy is incorrect!"
    with raises_code("InsufficientSnsTopicPolicyException", message):
        client.create_trail(Name="other-trail", S3BucketName=BUCKET, SnsTopicName=TOPIC)
    with raises_code("InsufficientSnsTopicPolicyException", message):
        client.update_trail(Name=trail, SnsTopicName="trail-notes")
    assert "SnsTopicARN" not in client.get_trail(Name=trail)["Trail"]


def test_topic_conditions_and_recursive_logging_survive_a_snapshot(insights_mock, client):
    insights_mock.set_sns_topic("trail-notes", policy_sufficient=False)
    params = {"RecursiveLogging": False} if HAS_RECURSIVE_LOGGING else {}
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, **params)
    saved = insights_mock.snapshot()
    assert saved["sns_topics"] == [{"TopicArn": TOPIC, "Exists": True, "PolicySufficient": False}]
    insights_mock.restore({"format": saved["format"]})
    client.create_trail(Name="other-trail", S3BucketName=BUCKET, SnsTopicName="trail-notes")
    insights_mock.restore(saved)
    with raises_code("InsufficientSnsTopicPolicyException"):
        client.create_trail(Name="other-trail", S3BucketName=BUCKET, SnsTopicName="trail-notes")
    assert client.get_trail(Name=TRAIL)["Trail"].get("RecursiveLogging") is (
        False if HAS_RECURSIVE_LOGGING else None
    )


def test_a_malformed_topic_arn_is_refused(client):
    with raises_code("InvalidSnsTopicNameException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, SnsTopicName="arn:aws:sns:nope")


# --- RecursiveLogging --------------------------------------------------------------------------


def test_recursive_logging_is_stored_and_returned_where_the_model_has_it(client):
    if not HAS_RECURSIVE_LOGGING:
        # Older botocore has no such member: the mock answers without it.
        created = client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        assert "RecursiveLogging" not in created
        assert "RecursiveLogging" not in client.get_trail(Name=TRAIL)["Trail"]
        return
    created = client.create_trail(Name=TRAIL, S3BucketName=BUCKET, RecursiveLogging=False)
    assert created["RecursiveLogging"] is False
    assert client.get_trail(Name=TRAIL)["Trail"]["RecursiveLogging"] is False
    assert client.update_trail(Name=TRAIL, RecursiveLogging=True)["RecursiveLogging"] is True
    assert client.describe_trails()["trailList"][0]["RecursiveLogging"] is True
    other = client.create_trail(Name="default-trail", S3BucketName=BUCKET)
    assert other["RecursiveLogging"] is True


# --- GetTrailStatus ----------------------------------------------------------------------------


def test_a_trail_that_never_logged_answers_empty_strings(client, trail):
    status = client.get_trail_status(Name=trail)
    assert status["IsLogging"] is False
    assert {member: status[member] for member in STRING_MEMBERS} == dict.fromkeys(
        STRING_MEMBERS, ""
    )
    assert "LatestDeliveryTime" not in status and "StartLoggingTime" not in status


def test_a_logging_trail_has_delivered(client):
    client.create_trail(
        Name=TRAIL,
        S3BucketName=BUCKET,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=LOG_GROUP,
        CloudWatchLogsRoleArn=ROLE,
        SnsTopicName="trail-notes",
    )
    client.start_logging(Name=TRAIL)
    status = client.get_trail_status(Name=TRAIL)
    started = status["StartLoggingTime"]
    for member in (
        "LatestDeliveryTime",
        "LatestDigestDeliveryTime",
        "LatestCloudWatchLogsDeliveryTime",
        "LatestNotificationTime",
    ):
        assert status[member] == started, member
    for member in STRING_MEMBERS[:-1]:
        assert ISO.fullmatch(status[member]), member
    assert status["TimeLoggingStarted"] == started.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert status["TimeLoggingStopped"] == ""
    client.stop_logging(Name=TRAIL)
    stopped = client.get_trail_status(Name=TRAIL)
    assert stopped["IsLogging"] is False
    assert ISO.fullmatch(stopped["TimeLoggingStopped"])
    assert stopped["LatestDeliveryTime"] == started


def test_delivery_members_follow_the_trail_settings(client, trail):
    client.start_logging(Name=trail)
    status = client.get_trail_status(Name=trail)
    assert "LatestDeliveryTime" in status
    for member in (
        "LatestDigestDeliveryTime",
        "LatestCloudWatchLogsDeliveryTime",
        "LatestNotificationTime",
    ):
        assert member not in status
    assert status["LatestNotificationAttemptTime"] == ""


# --- with moto ---------------------------------------------------------------------------------


def test_sns_topics_come_from_moto_while_it_is_active():

    from moto import mock_aws

    from mock_insights import mock_insights

    with mock_aws(), mock_insights():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_policy(
            Bucket=BUCKET, Policy=allow_cloudtrail("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*")
        )
        cloudtrail = boto3.client("cloudtrail", region_name=REGION)
        with raises_code(
            "InsufficientSnsTopicPolicyException",
            "SNS Topic does not exist or the topic policy is incorrect! "
            "(mock_insights read this from moto's SNS state)",
        ):
            cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET, SnsTopicName="trail-notes")
        sns = boto3.client("sns", region_name=REGION)
        topic = sns.create_topic(Name="trail-notes")["TopicArn"]
        with raises_code("InsufficientSnsTopicPolicyException"):
            cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET, SnsTopicName="trail-notes")
        sns.set_topic_attributes(
            TopicArn=topic,
            AttributeName="Policy",
            AttributeValue=allow_cloudtrail("SNS:Publish", topic),
        )
        created = cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET, SnsTopicName=topic)
        assert created["SnsTopicARN"] == topic
