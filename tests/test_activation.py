"""The ways to switch the mock on, nesting, and what activation does to the environment."""

from __future__ import annotations

import asyncio
import inspect
import os
import unittest

import boto3
import pytest
from helpers import BUCKET, TRAIL, raises_code

from mock_insights import InsightsMock, NotStartedError, mock_insights


def _create_and_count() -> int:
    client = boto3.client("cloudtrail", region_name="us-east-1")
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    return len(client.list_trails()["Trails"])


@mock_insights
def test_bare_decorator_on_a_function():
    assert _create_and_count() == 1


@mock_insights(region="eu-west-1")
def test_configured_decorator_sets_the_default_region():
    client = boto3.client("cloudtrail")
    assert client.meta.region_name == "eu-west-1"
    assert (
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"].split(":")[3]
        == "eu-west-1"
    )


@mock_insights(account_id="210987654321")
def test_configured_decorator_sets_the_account():
    client = boto3.client("cloudtrail", region_name="us-east-1")
    assert (
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"].split(":")[4]
        == "210987654321"
    )


def test_decorated_coroutine_function_stays_one_and_is_active_after_await():
    @mock_insights
    async def scenario() -> int:
        await asyncio.sleep(0)
        return _create_and_count()

    assert inspect.iscoroutinefunction(scenario)
    assert asyncio.run(scenario()) == 1


def test_async_context_manager():
    async def scenario() -> int:
        async with mock_insights():
            await asyncio.sleep(0)
            return _create_and_count()

    assert asyncio.run(scenario()) == 1


class TestMethodDecorator:
    @mock_insights
    def test_method(self):
        assert _create_and_count() == 1


@mock_insights
class TestPlainClassGetsFreshStatePerTest:
    def test_first(self):
        assert _create_and_count() == 1

    def test_second(self):
        assert _create_and_count() == 1

    def helper_is_not_wrapped(self):
        return _create_and_count()


def test_plain_class_decorator_returns_the_class_and_wraps_only_tests():
    cls = TestPlainClassGetsFreshStatePerTest
    assert isinstance(cls, type) and cls.__name__ == "TestPlainClassGetsFreshStatePerTest"
    assert not hasattr(cls.helper_is_not_wrapped, "__wrapped__")


@mock_insights
class TestCaseClass(unittest.TestCase):
    def setUp(self):
        self.client = boto3.client("cloudtrail", region_name="us-east-1")
        self.client.create_trail(Name=TRAIL, S3BucketName=BUCKET)

    def test_setup_state_is_visible(self):
        self.assertEqual(len(self.client.list_trails()["Trails"]), 1)

    def test_each_test_starts_fresh(self):
        self.assertEqual(len(self.client.list_trails()["Trails"]), 1)


def test_testcase_decorator_returns_the_class():
    assert issubclass(TestCaseClass, unittest.TestCase)


def test_context_manager_and_start_stop():
    mock = mock_insights()
    assert isinstance(mock, InsightsMock)
    with mock as active:
        assert active is mock
        assert _create_and_count() == 1
    mock.start()
    try:
        assert _create_and_count() == 1  # fresh state on every outermost start
    finally:
        mock.stop()


def test_stop_before_start_raises():
    with pytest.raises(NotStartedError):
        InsightsMock().stop()
    assert issubclass(NotStartedError, RuntimeError)


def test_nesting_keeps_the_outer_mock_active_and_shares_state():
    with mock_insights() as outer:
        _create_and_count()
        with mock_insights():
            client = boto3.client("cloudtrail", region_name="us-east-1")
            assert len(client.list_trails()["Trails"]) == 1
        assert len(client.list_trails()["Trails"]) == 1
        assert outer.backend.trails_of("123456789012")[0].name == TRAIL
    with mock_insights():
        assert len(client.list_trails()["Trails"]) == 0


def test_backend_of_a_stopped_mock_raises():
    with pytest.raises(NotStartedError):
        _ = InsightsMock().backend


def test_decorating_something_else_is_a_type_error():
    with pytest.raises(TypeError):
        mock_insights()(42)  # type: ignore[call-overload]


def test_the_environment_is_never_written(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "real-key")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    before = dict(os.environ)
    with mock_insights(region="ap-south-1"):
        assert dict(os.environ) == before
        # Lookups are answered in memory instead: the mock's region, fake keys.
        client = boto3.Session().client("cloudtrail")
        assert client.meta.region_name == "ap-south-1"
        assert client._request_signer._credentials.access_key == "mock_insights"
        with mock_insights(region="sa-east-1"):
            assert boto3.Session().client("cloudtrail").meta.region_name == "sa-east-1"
        assert boto3.Session().client("cloudtrail").meta.region_name == "ap-south-1"
    assert dict(os.environ) == before
    assert boto3.Session().client("cloudtrail").meta.region_name == "eu-west-1"


def test_a_monkeypatched_variable_inside_the_block_leaves_nothing_behind(monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with monkeypatch.context() as inner, mock_insights():
        inner.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert "AWS_DEFAULT_REGION" not in os.environ


def test_fixture_yields_an_active_mock(insights_mock):
    assert isinstance(insights_mock, InsightsMock)
    assert _create_and_count() == 1
    with raises_code("TrailAlreadyExistsException"):
        _create_and_count()


def test_a_nested_mock_without_an_account_or_region_keeps_the_outer_ones():
    @mock_insights
    def make_trail(name: str) -> str:
        client = boto3.client("cloudtrail")
        return client.create_trail(Name=name, S3BucketName=BUCKET)["TrailARN"]

    with mock_insights(account_id="111122223333", region="eu-west-1") as outer:
        arn = make_trail("helper-trail")
        assert arn == "arn:aws:cloudtrail:eu-west-1:111122223333:trail/helper-trail"
        names = [t["Name"] for t in boto3.client("cloudtrail").list_trails()["Trails"]]
        assert names == ["helper-trail"]
        assert outer.account_id == "111122223333"
        assert mock_insights().account_id == "111122223333"  # unconfigured: the enclosing one
    assert mock_insights().account_id == "123456789012"
