"""aioboto3 sessions and clients answered by the mock (run where aioboto3 is installed)."""

from __future__ import annotations

import aioboto3
import boto3
import pytest

from mock_insights import mock_insights

REGION = "us-east-1"
TRAIL = "insights-trail"
CALL_RATE = [{"InsightType": "ApiCallRateInsight"}]


@pytest.mark.asyncio
async def test_an_aioboto3_client_shares_the_state_with_boto3(insights_mock):
    async with aioboto3.Session().client("cloudtrail", region_name=REGION) as cloudtrail:
        await cloudtrail.create_trail(Name=TRAIL, S3BucketName="audit-bucket")
        await cloudtrail.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)
    sync = boto3.client("cloudtrail", region_name=REGION)
    assert sync.get_insight_selectors(TrailName=TRAIL)["InsightSelectors"] == CALL_RATE


@pytest.mark.asyncio
async def test_errors_injections_and_accounts():
    with mock_insights(retry_delays=False) as mock:
        session = aioboto3.Session(aws_access_key_id="111122223333", aws_secret_access_key="x")
        mock.inject_error("CreateTrail", "InternalFailure")
        async with session.client("cloudtrail", region_name=REGION) as cloudtrail:
            created = await cloudtrail.create_trail(Name=TRAIL, S3BucketName="audit-bucket")
            with pytest.raises(cloudtrail.exceptions.TrailAlreadyExistsException):
                await cloudtrail.create_trail(Name=TRAIL, S3BucketName="audit-bucket")
    assert created["TrailARN"].split(":")[4] == "111122223333"
    assert [c.error for c in mock.calls] == ["InternalFailure", None, "TrailAlreadyExistsException"]


@pytest.mark.asyncio
async def test_a_decorated_coroutine_with_aioboto3():
    @mock_insights
    async def count_trails() -> int:
        async with aioboto3.Session().client("cloudtrail", region_name=REGION) as cloudtrail:
            await cloudtrail.create_trail(Name=TRAIL, S3BucketName="audit-bucket")
            return len((await cloudtrail.list_trails())["Trails"])

    assert await count_trails() == 1
    assert await count_trails() == 1  # each call starts from fresh state
