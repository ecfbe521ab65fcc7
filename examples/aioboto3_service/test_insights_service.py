"""Testing an aioboto3 service with the ``insights_mock`` fixture (and pytest-asyncio).

Run with: python -m pytest examples/aioboto3_service
(needs ``pip install -e ".[aioboto3-test]"``; see the README, "Async clients").
"""

from __future__ import annotations

import aioboto3
import boto3
import pytest
from insights_service import WANTED, enable_insights_on_tagged_trails

REGION = "us-east-1"


@pytest.mark.asyncio
async def test_only_tagged_trails_that_can_take_insights_are_enabled(insights_mock):
    # Arrange with a plain boto3 client: the mock's state is shared by sync and async clients.
    setup = boto3.client("cloudtrail", region_name=REGION)
    tagged = setup.create_trail(
        Name="tagged", S3BucketName="audit-bucket", TagsList=[{"Key": "insights", "Value": "on"}]
    )["TrailARN"]
    setup.create_trail(Name="untagged", S3BucketName="audit-bucket")
    setup.create_trail(
        Name="no-management-events",
        S3BucketName="audit-bucket",
        TagsList=[{"Key": "insights", "Value": "on"}],
    )
    setup.put_event_selectors(
        TrailName="no-management-events",
        EventSelectors=[
            {
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )

    enabled = await enable_insights_on_tagged_trails(aioboto3.Session(), REGION)

    assert enabled == [tagged]
    assert setup.get_insight_selectors(TrailName="tagged")["InsightSelectors"] == WANTED
    refused = insights_mock.calls.of(
        "PutInsightSelectors", error="InvalidInsightSelectorsException"
    )
    assert [call.params["TrailName"].rsplit("/", 1)[1] for call in refused] == [
        "no-management-events"
    ]


@pytest.mark.insights_mock(retry_delays=False)  # retry at once instead of backing off
@pytest.mark.asyncio
async def test_a_throttled_call_is_retried(insights_mock):
    boto3.client("cloudtrail", region_name=REGION).create_trail(
        Name="tagged", S3BucketName="audit-bucket", TagsList=[{"Key": "insights", "Value": "on"}]
    )
    insights_mock.inject_error("PutInsightSelectors", "ThrottlingException")

    enabled = await enable_insights_on_tagged_trails(aioboto3.Session(), REGION)

    assert len(enabled) == 1
    assert [c.error for c in insights_mock.calls.of("PutInsightSelectors")] == [
        "ThrottlingException",
        None,
    ]
