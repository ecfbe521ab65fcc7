"""Testing code that consumes Insights: an alerting function, against a simulated spike.

The test states the outcome (an ApiCallRateInsight on RunInstances); the mock checks that the
trail could produce it, then LookupEvents and ListInsightsMetricData answer it as CloudTrail
would. Run with ``python -m pytest examples/test_insights_alerting.py``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from mock_insights import InsightsMock


def insight_alerts(cloudtrail, since: datetime) -> list[str]:
    """Code under test: one line per Insight that started since ``since``, with how many times
    the usual rate it reached and the busiest hour's call count."""
    alerts = []
    pages = cloudtrail.get_paginator("lookup_events").paginate(
        EventCategory="insight", StartTime=since
    )
    for page in pages:
        for event in page["Events"]:
            record = json.loads(event["CloudTrailEvent"])
            details = record["insightDetails"]
            if details["state"] != "Start":
                continue
            statistics = details["insightContext"]["statistics"]
            times_usual = statistics["insight"]["average"] / statistics["baseline"]["average"]
            metrics = cloudtrail.list_insights_metric_data(
                EventSource=details["eventSource"],
                EventName=details["eventName"],
                InsightType=details["insightType"],
                StartTime=since,
                Period=3600,
            )
            busiest = max(metrics["Values"], default=0)
            alerts.append(
                f"{details['insightType']} on {details['eventSource']} {details['eventName']}: "
                f"{times_usual:,.0f}x the usual rate, {busiest:.0f} calls in the busiest hour"
            )
    return alerts


@pytest.fixture
def trail_with_insights(insights_mock: InsightsMock) -> str:
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
    cloudtrail.create_trail(Name="audit", S3BucketName="audit-bucket")
    cloudtrail.put_insight_selectors(
        TrailName="audit", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
    )
    cloudtrail.start_logging(Name="audit")
    return "audit"


def test_a_spike_raises_one_alert(insights_mock: InsightsMock, trail_with_insights: str):
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    spike = insights_mock.simulate_insight(
        trail=trail_with_insights,
        insight_type="ApiCallRateInsight",
        event_source="ec2.amazonaws.com",
        event_name="RunInstances",
        start=now - timedelta(hours=2),
        end=now - timedelta(hours=1),
        baseline=0.0001,  # calls per minute, usually
        insight=0.6,  # calls per minute during the spike
    )
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")

    alerts = insight_alerts(cloudtrail, since=now - timedelta(hours=6))

    assert alerts == [
        "ApiCallRateInsight on ec2.amazonaws.com RunInstances: "
        "6,000x the usual rate, 36 calls in the busiest hour"
    ]
    assert spike.start_event["sharedEventID"] == spike.end_event["sharedEventID"]


def test_no_insight_no_alert(trail_with_insights: str):
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
    since = datetime.now(timezone.utc) - timedelta(hours=6)
    assert insight_alerts(cloudtrail, since=since) == []
