"""Insights scenarios beyond the read operations: delivery to the trail's bucket in moto's S3
(so a function that reads the bucket can be tested end to end), snapshots, and injected errors
of the read operations."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone

import boto3
from helpers import REGION, allow_cloudtrail
from moto import mock_aws

from mock_insights import mock_insights

BUCKET = "insights-logs"
ACCOUNT = "123456789012"
NOW = datetime.now(timezone.utc)


def _bucket_with_policy(s3) -> None:
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=allow_cloudtrail("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*")
    )


def _insights_trail(cloudtrail, prefix: str | None = None) -> None:
    extra = {"S3KeyPrefix": prefix} if prefix else {}
    cloudtrail.create_trail(Name="audit", S3BucketName=BUCKET, **extra)
    cloudtrail.put_insight_selectors(
        TrailName="audit", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
    )
    cloudtrail.start_logging(Name="audit")


def _spike(mock, **changes):
    options = {
        "trail": "audit",
        "insight_type": "ApiCallRateInsight",
        "event_source": "ec2.amazonaws.com",
        "event_name": "RunInstances",
        "start": NOW - timedelta(hours=2),
        "end": NOW - timedelta(hours=1),
        "baseline": 0.0001,
        "insight": 0.6,
    }
    return mock.simulate_insight(**{**options, **changes})


def test_insights_are_written_to_the_moto_bucket_as_cloudtrail_writes_them():
    with mock_aws(), mock_insights() as mock:
        s3 = boto3.client("s3", region_name=REGION)
        _bucket_with_policy(s3)
        _insights_trail(boto3.client("cloudtrail", region_name=REGION), prefix="org")
        spike = _spike(mock)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
        records = [
            json.loads(gzip.decompress(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))
            for key in keys
        ]
    day = (NOW - timedelta(hours=2)).strftime("%Y/%m/%d")
    folder = f"org/AWSLogs/{ACCOUNT}/CloudTrail-Insight/{REGION}/"
    assert all(key.startswith(folder) and key.endswith(".json.gz") for key in keys)
    assert any(f"/{day}/{ACCOUNT}_CloudTrail-Insight_{REGION}_" in key for key in keys)
    delivered = sorted((r["Records"][0] for r in records), key=lambda r: r["eventTime"])
    assert delivered == [spike.start_event, spike.end_event]


def test_nothing_is_written_without_moto_or_without_the_bucket():
    with mock_insights() as mock:
        _insights_trail(boto3.client("cloudtrail", region_name=REGION))
        made = _spike(mock)
    assert made.start_event["insightDetails"]["state"] == "Start"
    with mock_aws(), mock_insights() as mock:
        mock.set_s3_bucket(BUCKET)  # declared: CloudTrail accepts it, but moto has no such bucket
        _insights_trail(boto3.client("cloudtrail", region_name=REGION))
        _spike(mock)
        assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []


def test_insights_survive_a_snapshot_with_their_ids():
    with mock_insights() as mock:
        cloudtrail = boto3.client("cloudtrail", region_name=REGION)
        _insights_trail(cloudtrail)
        spike = _spike(
            mock,
            ids={"shared_event_id": "shared-1", "start_event_id": "s-1", "end_event_id": "e-1"},
        )
        saved = mock.snapshot()
        # Insights turned off later do not undo what happened, and do not block a restore.
        cloudtrail.put_insight_selectors(TrailName="audit", InsightSelectors=[])
        mock.restore(json.loads(json.dumps(saved)))
        found = cloudtrail.lookup_events(EventCategory="insight")["Events"]
    assert [e["EventId"] for e in found] == ["e-1", "s-1"]
    assert json.loads(found[1]["CloudTrailEvent"]) == spike.start_event
    assert saved["insights"][0]["SharedEventID"] == "shared-1"


def test_every_modeled_error_of_the_read_operations_can_be_injected():
    """The errors no state provokes (UnsupportedOperation, OperationNotPermitted, ...) by
    injection; the rest are provoked naturally in test_insights_read_side.py."""
    from botocore import xform_name
    from botocore.config import Config
    from helpers import cloudtrail_model, raises_code

    model = cloudtrail_model()
    calls = {
        "LookupEvents": {},
        "ListInsightsMetricData": {
            "EventSource": "ec2.amazonaws.com",
            "EventName": "RunInstances",
            "InsightType": "ApiCallRateInsight",
        },
        "ListInsightsData": {
            "InsightSource": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/audit",
            "DataType": "InsightsEvents",
        },
    }
    with mock_insights() as mock:
        client = boto3.client(
            "cloudtrail", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
        )
        for operation, params in calls.items():
            if operation not in model.operation_names:  # ListInsightsData: botocore 1.41+
                assert not hasattr(client, xform_name(operation))
                continue
            codes = [shape.name for shape in model.operation_model(operation).error_shapes]
            for code in codes:
                mock.inject_error(operation, code)
                with raises_code(code):
                    getattr(client, xform_name(operation))(**params)
            assert len(mock.calls.of(operation)) == len(codes)


def test_paging_neither_repeats_nor_skips_when_older_events_arrive_between_pages():
    now = NOW.timestamp()
    with mock_insights() as mock:
        for index in range(4):
            mock.add_event(f"E{index}", event_source="ec2.amazonaws.com", time=now - 1000 + index)
        client = boto3.client("cloudtrail", region_name=REGION)
        first = client.lookup_events(MaxResults=2)
        mock.add_event("Older", event_source="ec2.amazonaws.com", time=now - 5000)
        mock.add_event("Newer", event_source="ec2.amazonaws.com", time=now)
        second = client.lookup_events(MaxResults=2, NextToken=first["NextToken"])
        third = client.lookup_events(MaxResults=2, NextToken=second["NextToken"])
    names = [e["EventName"] for page in (first, second, third) for e in page["Events"]]
    assert names == ["E3", "E2", "E1", "E0", "Older"]


def test_metric_data_stops_at_now_and_checks_the_model_patterns():
    from helpers import raises_code

    with mock_insights():
        client = boto3.client("cloudtrail", region_name=REGION)
        answer = client.list_insights_metric_data(
            EventSource="s3.amazonaws.com",
            EventName="PutObject",
            InsightType="ApiCallRateInsight",
            DataType="FillWithZeros",
            Period=3600,
            StartTime=NOW - timedelta(hours=3),
            EndTime=NOW + timedelta(days=7),
        )
        assert max(answer["Timestamps"]) <= NOW
        for bad in ({"EventSource": "not a source"}, {"EventName": "x y"}):
            query = {
                "EventSource": "s3.amazonaws.com",
                "EventName": "PutObject",
                "InsightType": "ApiCallRateInsight",
                **bad,
            }
            with raises_code("ValidationException"):
                client.list_insights_metric_data(**query)


def test_scenarios_refuse_what_cloudtrail_could_not_produce():
    import pytest

    from mock_insights import UsageError

    with mock_insights() as mock:
        _insights_trail(boto3.client("cloudtrail", region_name=REGION))
        refusals = [
            {"event_source": "not a source!"},
            {"event_name": "x y"},
            {"baseline_duration": -5},
            {"end": NOW - timedelta(hours=2) + timedelta(seconds=30)},
            {"start_insight": 0.0},
        ]
        for change in refusals:
            with pytest.raises(UsageError):
                _spike(mock, **change)
        assert mock.backend.insights == []
