"""The three ways to use mock_insights in a pytest suite: decorator, class decorator, fixture."""

from __future__ import annotations

import unittest

import boto3
import pytest

from mock_insights import InsightsMock, mock_insights


def enable_insights(trail_name: str) -> list[str]:
    """Code under test: turn on both Insights types and report what is configured."""
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
    cloudtrail.put_insight_selectors(
        TrailName=trail_name,
        InsightSelectors=[
            {"InsightType": "ApiCallRateInsight"},
            {"InsightType": "ApiErrorRateInsight"},
        ],
    )
    selectors = cloudtrail.get_insight_selectors(TrailName=trail_name)["InsightSelectors"]
    return [selector["InsightType"] for selector in selectors]


def make_trail() -> None:
    boto3.client("cloudtrail", region_name="us-east-1").create_trail(
        Name="audit-trail", S3BucketName="audit-bucket"
    )


@mock_insights
def test_with_the_decorator() -> None:
    make_trail()
    assert enable_insights("audit-trail") == ["ApiCallRateInsight", "ApiErrorRateInsight"]


@mock_insights
class TestWithTheClassDecorator(unittest.TestCase):
    def setUp(self) -> None:
        make_trail()

    def test_enable(self) -> None:
        self.assertEqual(len(enable_insights("audit-trail")), 2)

    def test_unknown_trail(self) -> None:
        cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
        with self.assertRaises(cloudtrail.exceptions.TrailNotFoundException):
            enable_insights("other-trail")


def test_with_the_fixture(insights_mock: InsightsMock) -> None:
    make_trail()
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
    with pytest.raises(cloudtrail.exceptions.InsightNotEnabledException):
        cloudtrail.get_insight_selectors(TrailName="audit-trail")
    assert enable_insights("audit-trail")[0] == "ApiCallRateInsight"
