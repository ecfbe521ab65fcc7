"""aiobotocore CloudTrail clients answered by the same mock, state and toolkit as sync clients.

Run in an environment with aiobotocore (see the README, "Async clients"); the main suite
leaves this folder out because aiobotocore pins an older botocore.
"""

from __future__ import annotations

import asyncio

import boto3
import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from mock_insights import mock_insights

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
BUCKET = "trail-bucket"
TRAIL = "insights-trail"
CALL_RATE = [{"InsightType": "ApiCallRateInsight"}]
MEMBER = "111122223333"


def _client(session=None, **kwargs):
    kwargs.setdefault("region_name", REGION)
    return (session or get_session()).create_client("cloudtrail", **kwargs)


@pytest.mark.asyncio
async def test_a_trail_and_insights_through_an_async_client(insights_mock):
    async with _client() as cloudtrail:
        created = await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        answer = await cloudtrail.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)
        trail = (await cloudtrail.get_trail(Name=TRAIL))["Trail"]
    assert created["TrailARN"] == f"arn:aws:cloudtrail:{REGION}:123456789012:trail/{TRAIL}"
    assert answer["InsightSelectors"] == CALL_RATE
    assert trail["HasInsightSelectors"] is True
    assert [call.operation for call in insights_mock.calls] == [
        "CreateTrail",
        "PutInsightSelectors",
        "GetTrail",
    ]


@pytest.mark.asyncio
async def test_async_and_sync_clients_share_one_state(insights_mock):
    sync = boto3.client("cloudtrail", region_name=REGION)
    async with _client() as cloudtrail:
        await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        sync.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)
        seen_async = await cloudtrail.get_insight_selectors(TrailName=TRAIL)
    assert seen_async["InsightSelectors"] == CALL_RATE
    assert [t["Name"] for t in sync.list_trails()["Trails"]] == [TRAIL]


@pytest.mark.asyncio
async def test_modeled_errors_are_genuine(insights_mock):
    async with _client() as cloudtrail:
        with pytest.raises(cloudtrail.exceptions.TrailNotFoundException) as caught:
            await cloudtrail.get_trail(Name="missing-trail")
        await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        with pytest.raises(cloudtrail.exceptions.InsightNotEnabledException):
            await cloudtrail.get_insight_selectors(TrailName=TRAIL)
    error = caught.value.response
    assert error["Error"]["Code"] == "TrailNotFoundException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.asyncio
async def test_insights_on_event_data_stores(insights_mock):
    insights = [{"Field": "eventCategory", "Equals": ["Insight"]}]
    async with _client() as cloudtrail:
        destination = await cloudtrail.create_event_data_store(
            Name="insights-store", AdvancedEventSelectors=[{"FieldSelectors": insights}]
        )
        source = await cloudtrail.create_event_data_store(Name="source-store")
        await cloudtrail.put_insight_selectors(
            EventDataStore=source["EventDataStoreArn"],
            InsightsDestination=destination["EventDataStoreArn"],
            InsightSelectors=CALL_RATE,
        )
        got = await cloudtrail.get_insight_selectors(EventDataStore=source["EventDataStoreArn"])
    assert got["InsightsDestination"] == destination["EventDataStoreArn"]


@pytest.mark.asyncio
async def test_paginators(insights_mock):
    async with _client() as cloudtrail:
        await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        arn = (await cloudtrail.get_trail(Name=TRAIL))["Trail"]["TrailARN"]
        await cloudtrail.add_tags(ResourceId=arn, TagsList=[{"Key": "team", "Value": "sec"}])
        trails = [
            trail["Name"]
            async for page in cloudtrail.get_paginator("list_trails").paginate()
            for trail in page["Trails"]
        ]
        tags = [
            entry["TagsList"]
            async for page in cloudtrail.get_paginator("list_tags").paginate(ResourceIdList=[arn])
            for entry in page["ResourceTagList"]
        ]
    assert trails == [TRAIL]
    assert tags == [[{"Key": "team", "Value": "sec"}]]


@pytest.mark.asyncio
async def test_injected_throttling_is_retried_by_aiobotocore(insights_mock):
    insights_mock.inject_error("GetTrail", "ThrottlingException", times=2)
    async with _client() as cloudtrail:
        await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        trail = await cloudtrail.get_trail(Name=TRAIL)
    assert trail["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.error for c in insights_mock.calls.of("GetTrail")] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]


@pytest.mark.asyncio
async def test_a_client_without_retries_gives_up(insights_mock):
    insights_mock.inject_error("ListTrails", "ServiceUnavailable")
    config = AioConfig(retries={"total_max_attempts": 1})
    async with _client(config=config) as cloudtrail:
        with pytest.raises(ClientError) as caught:
            await cloudtrail.list_trails()
    assert caught.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The waits botocore and aiobotocore ask for before retries (recorded, not slept)."""
    import aiobotocore.endpoint
    import botocore.endpoint

    waited: list[float] = []

    async def recorded(seconds: float, *args: object) -> None:
        waited.append(seconds)

    monkeypatch.setattr(botocore.endpoint.time, "sleep", waited.append)
    monkeypatch.setattr(aiobotocore.endpoint.asyncio, "sleep", recorded)
    return waited


@pytest.mark.asyncio
async def test_retry_delays_false_skips_the_waits_for_async_and_sync_clients(waits):
    with mock_insights(retry_delays=False) as mock:
        mock.inject_error("ListTrails", "ThrottlingException", times=4)
        sync = boto3.client("cloudtrail", region_name=REGION)
        async with _client() as cloudtrail:
            await cloudtrail.list_trails()
            await cloudtrail.list_trails()
            sync.list_trails()
    assert [c.error for c in mock.calls] == ["ThrottlingException"] * 4 + [None, None, None]
    assert waits == []


@pytest.mark.asyncio
async def test_by_default_aiobotocore_waits_before_a_retry(insights_mock, waits):
    insights_mock.inject_error("ListTrails", "ThrottlingException")
    async with _client() as cloudtrail:
        await cloudtrail.list_trails()
    assert len(waits) == 1


@pytest.mark.asyncio
async def test_accounts_follow_the_client_keys(insights_mock):
    insights_mock.set_organization(member_account_ids=[MEMBER])
    session = get_session()
    async with _client(session) as management:
        arn = (
            await management.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsOrganizationTrail=True)
        )["TrailARN"]
    async with _client(session, aws_access_key_id=MEMBER, aws_secret_access_key="secret") as member:
        seen = (await member.describe_trails())["trailList"]
        with pytest.raises(member.exceptions.NotOrganizationMasterAccountException):
            await member.stop_logging(Name=arn)
    assert [t["TrailARN"] for t in seen] == [arn]
    assert insights_mock.calls.of("StopLogging")[0].account_id == MEMBER


@pytest.mark.asyncio
async def test_seeds_and_snapshots_see_async_work(insights_mock):
    insights_mock.seed_trail(Name="seeded-trail", S3BucketName=BUCKET, IsLogging=True)
    async with _client() as cloudtrail:
        status = await cloudtrail.get_trail_status(Name="seeded-trail")
        await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert status["IsLogging"] is True
    names = [entry["Name"] for entry in insights_mock.snapshot()["trails"]]
    assert names == ["seeded-trail", TRAIL]


@pytest.mark.asyncio
async def test_a_decorated_coroutine_is_mocked():
    @mock_insights(region=OTHER_REGION)
    async def create() -> str:
        async with _client(region_name=None) as cloudtrail:
            return str((await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET))["TrailARN"])

    assert (await create()).startswith(f"arn:aws:cloudtrail:{OTHER_REGION}:")


@pytest.mark.asyncio
async def test_async_with_activates_the_mock():
    async with mock_insights() as mock, _client() as cloudtrail:
        await cloudtrail.list_trails()
    assert mock.calls.of("ListTrails")


@pytest.mark.insights_mock(region=OTHER_REGION)
@pytest.mark.asyncio
async def test_the_marker_configures_async_tests(insights_mock):
    async with _client(region_name=None) as cloudtrail:
        created = await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert created["TrailARN"].split(":")[3] == OTHER_REGION


@pytest.mark.asyncio
async def test_concurrent_tasks_share_the_state(insights_mock):
    async with _client() as cloudtrail:

        async def create(index: int) -> None:
            await cloudtrail.create_event_data_store(Name=f"store-{index}")

        await asyncio.gather(*(create(i) for i in range(8)))
        listed = await cloudtrail.list_event_data_stores()
    assert sorted(s["Name"] for s in listed["EventDataStores"]) == [f"store-{i}" for i in range(8)]


@pytest.mark.anyio
async def test_anyio_runs_async_clients_too(insights_mock, anyio_backend):
    async with _client() as cloudtrail:
        await cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        assert (await cloudtrail.get_trail_status(Name=TRAIL))["IsLogging"] is False


@pytest.fixture
def anyio_backend():
    return "asyncio"
