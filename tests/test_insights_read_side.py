"""The Insights read side through boto3: LookupEvents (management events and Insights events),
ListInsightsData, ListInsightsMetricData, and the scenarios (``m.simulate_insight``,
``m.add_event``) that feed them (issue 14)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ParamValidationError
from helpers import (
    ACCOUNT,
    BUCKET,
    MODEL_HAS_EVENT_CATEGORIES,
    OTHER_REGION,
    REGION,
    TRAIL,
    arn,
    cloudtrail_model,
    model_has_member,
    raises_code,
)

from mock_insights import UsageError

OTHER_ACCOUNT = "111122223333"
MEMBER = "111122223333"
ADMIN = "444455556666"
HOUR = 3600
DAY = 24 * HOUR

CALL_RATE = {"InsightType": "ApiCallRateInsight"}
ERROR_RATE = {"InsightType": "ApiErrorRateInsight"}
BOTH_CALL_RATE = {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management", "Data"]}
BOTH_ERROR_RATE = {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management", "Data"]}
S3_DATA_EVENTS = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
    }
]
INSIGHT_STORE_SELECTORS = [
    {"Name": "insights", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}]}
]

HAS_LIST_INSIGHTS_DATA = "ListInsightsData" in cloudtrail_model().operation_names
METRIC_HAS_TRAIL_NAME = model_has_member("ListInsightsMetricDataRequest", "TrailName")


# --- helpers ------------------------------------------------------------------------------------


def attribute(key: str, value: str) -> list[dict[str, str]]:
    return [{"AttributeKey": key, "AttributeValue": value}]


def lookup(client, **params) -> list[dict]:
    return client.lookup_events(**params)["Events"]


def named(client, name: str, **params) -> list[dict]:
    return lookup(client, LookupAttributes=attribute("EventName", name), **params)


def record(event: dict) -> dict:
    return json.loads(event["CloudTrailEvent"])


def epoch(value: datetime) -> float:
    return value.timestamp()


def insights_trail(client, name: str = TRAIL, selectors=(CALL_RATE, ERROR_RATE), **create) -> str:
    """A logging trail with Insights on management events; returns its ARN."""
    created = client.create_trail(Name=name, S3BucketName=BUCKET, **create)
    client.put_insight_selectors(TrailName=name, InsightSelectors=list(selectors))
    client.start_logging(Name=name)
    return created["TrailARN"]


def data_insights_trail(client, name: str = TRAIL, **create) -> str:
    """A logging trail with S3 data events and Insights on management and data events."""
    created = client.create_trail(Name=name, S3BucketName=BUCKET, **create)
    client.put_event_selectors(TrailName=created["TrailARN"], EventSelectors=S3_DATA_EVENTS)
    client.put_insight_selectors(
        TrailName=created["TrailARN"], InsightSelectors=[BOTH_CALL_RATE, BOTH_ERROR_RATE]
    )
    client.start_logging(Name=created["TrailARN"])
    return created["TrailARN"]


def spike(mock, *, hours_ago: float = 3, minutes: float = 60, **overrides):
    """An ApiCallRateInsight on RunInstances that started ``hours_ago`` and lasted ``minutes``."""
    start = time.time() - hours_ago * HOUR
    scenario = {
        "trail": TRAIL,
        "insight_type": "ApiCallRateInsight",
        "event_source": "ec2.amazonaws.com",
        "event_name": "RunInstances",
        "start": start,
        "end": start + minutes * 60,
        "baseline": 0.0001,
        "insight": 0.6,
    }
    scenario.update(overrides)
    return mock.simulate_insight(**scenario)


def data_spike(mock, event_name: str = "PutObject", **overrides):
    return spike(
        mock, category="Data", event_source="s3.amazonaws.com", event_name=event_name, **overrides
    )


def hour_floor(seconds: float) -> int:
    return int(seconds // HOUR) * HOUR


def metric(client, **params) -> dict:
    query = {
        "EventSource": "ec2.amazonaws.com",
        "EventName": "RunInstances",
        "InsightType": "ApiCallRateInsight",
    }
    query.update(params)
    return client.list_insights_metric_data(**query)


def series(response: dict) -> list[tuple[float, float]]:
    return [
        (epoch(stamp), value)
        for stamp, value in zip(response["Timestamps"], response["Values"], strict=True)
    ]


# --- LookupEvents: the calls the mock answered ----------------------------------------------------


def test_answered_calls_are_management_events(client):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    client.describe_trails()
    events = lookup(client)
    assert [e["EventName"] for e in events] == ["DescribeTrails", "CreateTrail"]
    describe, create = events
    assert {e["EventSource"] for e in events} == {"cloudtrail.amazonaws.com"}
    assert (describe["ReadOnly"], create["ReadOnly"]) == ("true", "false")
    assert {e["Username"] for e in events} == {"mock-insights"}
    assert create["Resources"] == [
        {"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": TRAIL},
        {"ResourceType": "AWS::S3::Bucket", "ResourceName": BUCKET},
    ]
    created = record(create)
    assert created["eventName"] == "CreateTrail"
    assert created["eventSource"] == "cloudtrail.amazonaws.com"
    assert created["eventID"] == create["EventId"]
    assert created["eventType"] == "AwsApiCall"
    assert created["readOnly"] is False and record(describe)["readOnly"] is True
    assert created["awsRegion"] == REGION
    assert created["recipientAccountId"] == ACCOUNT
    assert created["userIdentity"]["accountId"] == ACCOUNT
    assert created["userIdentity"]["arn"] == f"arn:aws:iam::{ACCOUNT}:user/mock-insights"
    assert created["requestParameters"] == {"name": TRAIL, "s3BucketName": BUCKET}
    assert created["responseElements"]["trailARN"] == arn()
    assert "errorCode" not in created
    assert abs(epoch(create["EventTime"]) - time.time()) < 60


def test_request_parameters_are_lower_camel_case_all_the_way_down(client, trail):
    client.put_event_selectors(TrailName=trail, EventSelectors=S3_DATA_EVENTS)
    (event,) = named(client, "PutEventSelectors")
    assert record(event)["requestParameters"] == {
        "trailName": TRAIL,
        "eventSelectors": [
            {
                "readWriteType": "All",
                "includeManagementEvents": True,
                "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}],
            }
        ],
    }


def test_failed_calls_carry_the_error(client):
    with raises_code("TrailNotFoundException") as caught:
        client.get_trail_status(Name="missing-trail")
    (event,) = named(client, "GetTrailStatus")
    failed = record(event)
    assert failed["errorCode"] == "TrailNotFoundException"
    assert failed["errorMessage"] == caught.value.response["Error"]["Message"]
    assert failed["requestParameters"] == {"name": "missing-trail"}
    assert event["ReadOnly"] == "true"


def test_a_failed_write_has_no_response_elements(client, trail):
    with raises_code("TrailAlreadyExistsException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    failed, created = named(client, "CreateTrail")
    assert record(failed)["errorCode"] == "TrailAlreadyExistsException"
    assert record(failed)["responseElements"] is None
    assert "errorCode" not in record(created) and record(created)["responseElements"]


def test_injected_errors_are_recorded_as_failed_calls(insights_mock, client, trail):
    insights_mock.inject_error("StopLogging", "TrailNotFoundException", message="gone")
    with raises_code("TrailNotFoundException", "gone"):
        client.stop_logging(Name=trail)
    (event,) = named(client, "StopLogging")
    assert (record(event)["errorCode"], record(event)["errorMessage"]) == (
        "TrailNotFoundException",
        "gone",
    )


def test_who_called_stop_logging(insights_mock, client, trail):
    client.start_logging(Name=trail)
    client.stop_logging(Name=trail)
    other = insights_mock.client(account_id=OTHER_ACCOUNT)
    other.create_trail(Name="theirs", S3BucketName=BUCKET)
    other.stop_logging(Name="theirs")

    events = named(client, "StopLogging")
    assert len(events) == 1
    stopped = record(events[0])
    assert stopped["requestParameters"] == {"name": TRAIL}
    assert stopped["userIdentity"]["accountId"] == ACCOUNT
    assert events[0]["Resources"] == [
        {"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": TRAIL}
    ]

    (theirs,) = named(other, "StopLogging")
    identity = record(theirs)["userIdentity"]
    assert identity["accountId"] == OTHER_ACCOUNT
    assert identity["arn"] == f"arn:aws:iam::{OTHER_ACCOUNT}:user/mock-insights"
    assert record(theirs)["recipientAccountId"] == OTHER_ACCOUNT


def test_newest_first(client):
    names = ["alpha", "bravo", "charlie", "delta"]
    for name in names:
        client.create_trail(Name=name, S3BucketName=BUCKET)
    events = named(client, "CreateTrail")
    assert [record(e)["requestParameters"]["name"] for e in events] == names[::-1]
    times = [epoch(e["EventTime"]) for e in events]
    assert times == sorted(times, reverse=True)


def test_added_events_are_placed_in_time_order(insights_mock, client, trail):
    now = int(time.time())
    insights_mock.add_event("RunInstances", event_source="ec2.amazonaws.com", time=now - DAY)
    insights_mock.add_event("TerminateInstances", event_source="ec2.amazonaws.com", time=now - HOUR)
    assert [e["EventName"] for e in lookup(client)] == [
        "CreateTrail",
        "TerminateInstances",
        "RunInstances",
    ]


def test_added_activity_is_visible(insights_mock, client):
    when = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=5)
    event_id = insights_mock.add_event(
        "RunInstances",
        event_source="ec2.amazonaws.com",
        time=when,
        read_only=False,
        username="alice",
        resources=[{"ResourceType": "AWS::EC2::Instance", "ResourceName": "i-0abc"}],
        record={"requestParameters": {"instanceType": "t3.micro"}, "sourceIPAddress": "10.0.0.1"},
    )
    (event,) = lookup(client)
    assert event["EventId"] == event_id
    assert (event["EventName"], event["EventSource"]) == ("RunInstances", "ec2.amazonaws.com")
    assert (event["ReadOnly"], event["Username"]) == ("false", "alice")
    assert event["EventTime"] == when
    assert event["Resources"] == [{"ResourceType": "AWS::EC2::Instance", "ResourceName": "i-0abc"}]
    added = record(event)
    assert added["eventID"] == event_id
    assert added["eventTime"] == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert added["requestParameters"] == {"instanceType": "t3.micro"}
    assert added["sourceIPAddress"] == "10.0.0.1"
    assert added["awsRegion"] == REGION and added["recipientAccountId"] == ACCOUNT


def test_the_read_operations_are_not_recorded(client, trail):
    client.lookup_events()
    client.lookup_events(EventCategory="insight")
    client.list_insights_metric_data(
        EventSource="ec2.amazonaws.com", EventName="RunInstances", InsightType="ApiCallRateInsight"
    )
    if HAS_LIST_INSIGHTS_DATA:
        client.list_insights_data(InsightSource=arn(), DataType="InsightsEvents")
    assert [e["EventName"] for e in lookup(client)] == ["CreateTrail"]


def test_other_regions_and_accounts_are_not_visible(
    insights_mock, client, other_region_client, trail
):
    other_region_client.create_trail(Name="eu-trail", S3BucketName=BUCKET)
    insights_mock.client(account_id=OTHER_ACCOUNT).create_trail(Name="theirs", S3BucketName=BUCKET)
    assert [record(e)["requestParameters"]["name"] for e in lookup(client)] == [TRAIL]
    assert [record(e)["requestParameters"]["name"] for e in lookup(other_region_client)] == [
        "eu-trail"
    ]
    assert record(lookup(other_region_client)[0])["awsRegion"] == OTHER_REGION
    theirs = lookup(insights_mock.client(account_id=OTHER_ACCOUNT))
    assert [record(e)["requestParameters"]["name"] for e in theirs] == ["theirs"]


# --- LookupEvents: lookup attributes ------------------------------------------------------------


@pytest.fixture
def activity(insights_mock, client):
    """Some CloudTrail calls and some added EC2 activity; returns the added event's ID."""
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    client.get_trail_status(Name=TRAIL)
    client.start_logging(Name=TRAIL)
    return insights_mock.add_event(
        "RunInstances",
        event_source="ec2.amazonaws.com",
        read_only=False,
        username="alice",
        resources=[{"ResourceType": "AWS::EC2::Instance", "ResourceName": "i-0abc"}],
    )


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("EventName", "StartLogging", ["StartLogging"]),
        ("ReadOnly", "true", ["GetTrailStatus"]),
        ("ReadOnly", "false", ["RunInstances", "StartLogging", "CreateTrail"]),
        ("Username", "alice", ["RunInstances"]),
        ("Username", "mock-insights", ["StartLogging", "GetTrailStatus", "CreateTrail"]),
        ("ResourceType", "AWS::S3::Bucket", ["CreateTrail"]),
        ("ResourceType", "AWS::EC2::Instance", ["RunInstances"]),
        ("ResourceName", TRAIL, ["StartLogging", "GetTrailStatus", "CreateTrail"]),
        ("ResourceName", "i-0abc", ["RunInstances"]),
        ("EventSource", "ec2.amazonaws.com", ["RunInstances"]),
        (
            "EventSource",
            "cloudtrail.amazonaws.com",
            ["StartLogging", "GetTrailStatus", "CreateTrail"],
        ),
        ("AccessKeyId", ACCOUNT, ["StartLogging", "GetTrailStatus", "CreateTrail"]),
        ("EventName", "NoSuchCall", []),
    ],
)
def test_each_lookup_attribute(insights_mock, activity, key, value, expected):
    client = insights_mock.client()  # its access key is the account ID
    events = lookup(client, LookupAttributes=attribute(key, value))
    assert [e["EventName"] for e in events] == expected


def test_lookup_by_event_id(client, activity):
    assert [
        e["EventId"] for e in lookup(client, LookupAttributes=attribute("EventId", activity))
    ] == [activity]
    (start,) = named(client, "StartLogging")
    found = lookup(client, LookupAttributes=attribute("EventId", start["EventId"]))
    assert found == [start]


def test_access_key_id_is_the_key_the_call_was_made_with(insights_mock):
    """AWS records the access key that signed the request (userIdentity.accessKeyId)."""
    client = boto3.client(
        "cloudtrail",
        region_name=REGION,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret",
    )
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    (event,) = lookup(client)
    assert event["AccessKeyId"] == "AKIAIOSFODNN7EXAMPLE"
    assert record(event)["userIdentity"]["accessKeyId"] == "AKIAIOSFODNN7EXAMPLE"
    found = lookup(client, LookupAttributes=attribute("AccessKeyId", "AKIAIOSFODNN7EXAMPLE"))
    assert [e["EventId"] for e in found] == [event["EventId"]]


def test_more_than_one_lookup_attribute(client, activity):
    with raises_code("InvalidLookupAttributesException"):
        client.lookup_events(
            LookupAttributes=[
                *attribute("EventName", "CreateTrail"),
                *attribute("ReadOnly", "false"),
            ]
        )


def test_unknown_event_category(client):
    with raises_code("InvalidEventCategoryException"):
        client.lookup_events(EventCategory="management")


# --- LookupEvents: time window, limits, paging ------------------------------------------------------


def test_time_window_is_inclusive(insights_mock, client):
    now = int(time.time())
    for hours in (48, 24, 12, 1):
        insights_mock.add_event(
            f"Call{hours}", event_source="ec2.amazonaws.com", time=now - hours * HOUR
        )
    start = datetime.fromtimestamp(now - 24 * HOUR, timezone.utc)
    end = datetime.fromtimestamp(now - 12 * HOUR, timezone.utc)
    found = lookup(client, StartTime=start, EndTime=end)
    assert [e["EventName"] for e in found] == ["Call12", "Call24"]
    assert [e["EventName"] for e in lookup(client, EndTime=end)] == ["Call12", "Call24", "Call48"]
    assert [e["EventName"] for e in lookup(client, StartTime=end)] == ["Call1", "Call12"]


def test_events_older_than_90_days_are_not_answered(insights_mock, client):
    now = int(time.time())
    insights_mock.add_event("Old", event_source="ec2.amazonaws.com", time=now - 91 * DAY)
    insights_mock.add_event("Recent", event_source="ec2.amazonaws.com", time=now - 89 * DAY)
    assert [e["EventName"] for e in lookup(client)] == ["Recent"]
    long_ago = datetime.fromtimestamp(now - 100 * DAY, timezone.utc)
    assert [e["EventName"] for e in lookup(client, StartTime=long_ago)] == ["Recent"]


def test_start_after_end(client):
    now = datetime.now(timezone.utc)
    with raises_code("InvalidTimeRangeException"):
        client.lookup_events(StartTime=now, EndTime=now - timedelta(hours=1))


def test_max_results_limits(client, activity):
    with pytest.raises(ParamValidationError):
        client.lookup_events(MaxResults=0)
    with raises_code("InvalidMaxResultsException"):
        client.lookup_events(MaxResults=51)
    assert len(lookup(client, MaxResults=2)) == 2
    assert len(lookup(client, MaxResults=50)) == 4


def test_max_results_defaults_to_50(insights_mock, client):
    now = int(time.time())
    for index in range(55):
        insights_mock.add_event(
            f"Call{index}", event_source="ec2.amazonaws.com", time=now - 1000 + index
        )
    response = client.lookup_events()
    assert len(response["Events"]) == 50 and "NextToken" in response
    assert response["Events"][0]["EventName"] == "Call54"


def test_next_token_paging(client):
    for index in range(7):
        client.describe_trails(trailNameList=[f"trail-{index}"])
    everything = [e["EventId"] for e in lookup(client)]
    assert len(everything) == 7
    pages, token = [], None
    while True:
        params = {"MaxResults": 3} | ({"NextToken": token} if token else {})
        response = client.lookup_events(**params)
        pages.append([e["EventId"] for e in response["Events"]])
        token = response.get("NextToken")
        if token is None:
            break
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [event for page in pages for event in page] == everything


def test_paging_does_not_repeat_events_recorded_meanwhile(client):
    """A loop that pages through events and makes calls in between sees each event once."""
    for index in range(4):
        client.create_trail(Name=f"trail-{index}", S3BucketName=BUCKET)
    first = client.lookup_events(MaxResults=2)
    client.start_logging(Name="trail-0")  # a newer event, recorded between the pages
    second = client.lookup_events(MaxResults=2, NextToken=first["NextToken"])
    first_ids = [e["EventId"] for e in first["Events"]]
    second_ids = [e["EventId"] for e in second["Events"]]
    assert not set(first_ids) & set(second_ids)
    assert [record(e)["requestParameters"]["name"] for e in second["Events"]] == [
        "trail-1",
        "trail-0",
    ]


def test_paginator(client):
    for index in range(5):
        client.create_trail(Name=f"trail-{index}", S3BucketName=BUCKET)
    paginator = client.get_paginator("lookup_events")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["Events"]) for page in pages] == [2, 2, 1]
    names = [record(e)["requestParameters"]["name"] for page in pages for e in page["Events"]]
    assert names == [f"trail-{index}" for index in range(4, -1, -1)]
    filtered = paginator.paginate(
        LookupAttributes=attribute("ResourceName", "trail-3"), PaginationConfig={"PageSize": 1}
    ).build_full_result()
    assert [e["EventName"] for e in filtered["Events"]] == ["CreateTrail"]
    capped = paginator.paginate(PaginationConfig={"MaxItems": 3, "PageSize": 2}).build_full_result()
    assert len(capped["Events"]) == 3 and "NextToken" in capped


def test_a_token_reused_with_other_parameters(client):
    for index in range(3):
        client.create_trail(Name=f"trail-{index}", S3BucketName=BUCKET)
    token = client.lookup_events(
        MaxResults=1, LookupAttributes=attribute("EventName", "CreateTrail")
    )["NextToken"]
    with raises_code("InvalidNextTokenException"):
        client.lookup_events(NextToken=token, LookupAttributes=attribute("ReadOnly", "false"))
    with raises_code("InvalidNextTokenException"):
        client.lookup_events(NextToken=token, EventCategory="insight")
    with raises_code("InvalidNextTokenException"):
        client.lookup_events(NextToken="not-a-token")
    second = client.lookup_events(
        MaxResults=1, NextToken=token, LookupAttributes=attribute("EventName", "CreateTrail")
    )
    assert record(second["Events"][0])["requestParameters"]["name"] == "trail-1"


# --- LookupEvents: Insights events --------------------------------------------------------------


def test_insights_events_answer_start_and_end(insights_mock, client):
    insights_trail(client)
    made = spike(insights_mock, hours_ago=3, minutes=45)
    events = lookup(client, EventCategory="insight")
    assert [e["EventId"] for e in events] == [
        made.end_event["eventID"],
        made.start_event["eventID"],
    ]
    end, start = (record(e) for e in events)
    assert (start, end) == (made.start_event, made.end_event)
    assert start["sharedEventID"] == end["sharedEventID"] == made.shared_event_id
    assert start["eventID"] != end["eventID"]
    for event in events:
        assert (event["EventName"], event["EventSource"]) == ("RunInstances", "ec2.amazonaws.com")
    assert epoch(events[1]["EventTime"]) == pytest.approx(made.insight.start, abs=1)
    assert epoch(events[0]["EventTime"]) == pytest.approx(made.insight.end, abs=1)
    for item, state in ((start, "Start"), (end, "End")):
        assert item["eventType"] == "AwsCloudTrailInsight"
        assert item["eventCategory"] == "Insight"
        assert item["awsRegion"] == REGION and item["recipientAccountId"] == ACCOUNT
        details = item["insightDetails"]
        assert details["state"] == state
        assert (details["eventSource"], details["eventName"]) == (
            "ec2.amazonaws.com",
            "RunInstances",
        )
        assert details["insightType"] == "ApiCallRateInsight"
        assert details["sourceEventCategory"] == "Management"
        assert "errorCode" not in details
        statistics = details["insightContext"]["statistics"]
        assert statistics["baseline"] == {"average": 0.0001}
        assert statistics["insight"] == {"average": 0.6}
        attributions = details["insightContext"]["attributions"]
        assert {a["attribute"] for a in attributions} >= {
            "userIdentityArn",
            "userAgent",
            "errorCode",
        }
        for entry in attributions:
            assert entry["insight"][0]["average"] == 0.6
            assert entry["baseline"][0]["average"] == 0.0001
        assert "insightSource" not in item
    # The user guide's current examples carry both durations in the Start record too.
    assert start["insightDetails"]["insightContext"]["statistics"]["insightDuration"] == 45
    end_statistics = end["insightDetails"]["insightContext"]["statistics"]
    assert end_statistics["insightDuration"] == 45
    assert end_statistics["baselineDuration"] >= 10080
    assert start["eventTime"] == time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(made.insight.start)
    )


def test_error_rate_insights_carry_the_error_code(insights_mock, client):
    insights_trail(client)
    made = spike(
        insights_mock,
        insight_type="ApiErrorRateInsight",
        event_source="iam.amazonaws.com",
        event_name="GetRole",
        error_code="AccessDenied",
    )
    for event in lookup(client, EventCategory="insight"):
        details = record(event)["insightDetails"]
        assert details["insightType"] == "ApiErrorRateInsight"
        assert details["errorCode"] == "AccessDenied"
        errors = [
            a for a in details["insightContext"]["attributions"] if a["attribute"] == "errorCode"
        ]
        assert errors and errors[0]["insight"][0]["value"] == "AccessDenied"
    assert made.start_event["insightDetails"]["errorCode"] == "AccessDenied"


def test_given_attributions_replace_the_default(insights_mock, client):
    insights_trail(client)
    attributions = [
        {
            "attribute": "userIdentityArn",
            "insight": [{"value": "arn:aws:iam::123456789012:role/runaway", "average": 0.5}],
            "baseline": [{"value": "arn:aws:iam::123456789012:role/ops", "average": 0.0001}],
        }
    ]
    spike(insights_mock, attributions=attributions)
    for event in lookup(client, EventCategory="insight"):
        assert record(event)["insightDetails"]["insightContext"]["attributions"] == attributions


def test_insights_and_management_events_are_apart(insights_mock, client):
    insights_trail(client)
    spike(insights_mock)
    management = lookup(client)
    assert "RunInstances" not in {e["EventName"] for e in management}
    assert all(record(e)["eventType"] == "AwsApiCall" for e in management)
    insights = lookup(client, EventCategory="insight")
    assert len(insights) == 2
    assert all(record(e)["eventType"] == "AwsCloudTrailInsight" for e in insights)


def test_insight_lookup_is_empty_without_scenarios(client):
    insights_trail(client)
    assert lookup(client, EventCategory="insight") == []


def test_data_event_insights_are_not_in_lookup_events(insights_mock, client):
    if not MODEL_HAS_EVENT_CATEGORIES:  # no Insights on data events before botocore 1.41
        with pytest.raises(ParamValidationError):
            data_insights_trail(client)
        return
    data_insights_trail(client)
    data_spike(insights_mock)
    assert lookup(client, EventCategory="insight") == []
    assert "PutObject" not in {e["EventName"] for e in lookup(client)}


def test_insights_newest_first_and_paged(insights_mock, client):
    insights_trail(client)
    first = spike(insights_mock, hours_ago=10, event_name="RunInstances")
    second = spike(insights_mock, hours_ago=5, event_name="TerminateInstances")
    events = lookup(client, EventCategory="insight")
    assert [e["EventId"] for e in events] == [
        second.end_event["eventID"],
        second.start_event["eventID"],
        first.end_event["eventID"],
        first.start_event["eventID"],
    ]
    pages = client.get_paginator("lookup_events").paginate(
        EventCategory="insight", PaginationConfig={"PageSize": 3}
    )
    ids = [e["EventId"] for e in events]
    assert [[e["EventId"] for e in page["Events"]] for page in pages] == [ids[:3], ids[3:]]


@pytest.mark.parametrize("key", ["EventId", "EventName", "EventSource"])
def test_insight_lookup_attributes(insights_mock, client, key):
    insights_trail(client)
    wanted = spike(insights_mock, event_source="ec2.amazonaws.com", event_name="RunInstances")
    spike(insights_mock, hours_ago=6, event_source="s3.amazonaws.com", event_name="CreateBucket")
    value = {
        "EventId": wanted.start_event["eventID"],
        "EventName": "RunInstances",
        "EventSource": "ec2.amazonaws.com",
    }[key]
    found = lookup(client, EventCategory="insight", LookupAttributes=attribute(key, value))
    expected = (
        [wanted.start_event["eventID"]]
        if key == "EventId"
        else [wanted.end_event["eventID"], wanted.start_event["eventID"]]
    )
    assert [e["EventId"] for e in found] == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ReadOnly", "false"),
        ("Username", "mock-insights"),
        ("ResourceType", "AWS::EC2::Instance"),
        ("ResourceName", "i-0abc"),
        ("AccessKeyId", ACCOUNT),
    ],
)
def test_other_lookup_attributes_are_refused_for_insights(insights_mock, client, key, value):
    insights_trail(client)
    spike(insights_mock)
    with raises_code("InvalidLookupAttributesException"):
        client.lookup_events(EventCategory="insight", LookupAttributes=attribute(key, value))


def test_insights_time_window(insights_mock, client):
    insights_trail(client)
    made = spike(insights_mock, hours_ago=10, minutes=60)
    middle = datetime.fromtimestamp(made.insight.start + 1800, timezone.utc)
    before = lookup(client, EventCategory="insight", EndTime=middle)
    after = lookup(client, EventCategory="insight", StartTime=middle)
    assert [e["EventId"] for e in before] == [made.start_event["eventID"]]
    assert [e["EventId"] for e in after] == [made.end_event["eventID"]]


def test_insights_of_another_region_or_account_are_not_visible(
    insights_mock, client, other_region_client
):
    insights_trail(client, IsMultiRegionTrail=True)
    made = spike(insights_mock, region=OTHER_REGION)
    assert lookup(client, EventCategory="insight") == []
    seen = lookup(other_region_client, EventCategory="insight")
    assert [record(e)["awsRegion"] for e in seen] == [OTHER_REGION, OTHER_REGION]
    assert seen[0]["EventId"] == made.end_event["eventID"]
    assert lookup(insights_mock.client(account_id=OTHER_ACCOUNT), EventCategory="insight") == []


def test_region_needs_a_multi_region_trail(insights_mock, client):
    insights_trail(client)
    with pytest.raises(UsageError, match="multi-region"):
        spike(insights_mock, region=OTHER_REGION)


# --- ListInsightsData -------------------------------------------------------------------------


def test_list_insights_data_answers_data_event_insights(insights_mock, client):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    trail_arn = data_insights_trail(client)
    made = data_spike(insights_mock)
    spike(insights_mock, hours_ago=6)  # management events: not listed here
    response = client.list_insights_data(InsightSource=trail_arn, DataType="InsightsEvents")
    events = response["Events"]
    assert "NextToken" not in response
    assert [e["EventId"] for e in events] == [
        made.end_event["eventID"],
        made.start_event["eventID"],
    ]
    assert [record(e) for e in events] == [made.end_event, made.start_event]
    for event in events:
        assert (event["EventName"], event["EventSource"]) == ("PutObject", "s3.amazonaws.com")
        details = record(event)["insightDetails"]
        assert details["sourceEventCategory"] == "Data"
        assert record(event)["sharedEventID"] == made.shared_event_id


def test_list_insights_data_is_per_trail(insights_mock, client):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    first = data_insights_trail(client, name="first")
    second = data_insights_trail(client, name="second")
    made = data_spike(insights_mock, trail="second")
    assert client.list_insights_data(InsightSource=first, DataType="InsightsEvents")["Events"] == []
    listed = client.list_insights_data(InsightSource=second, DataType="InsightsEvents")["Events"]
    assert {e["EventId"] for e in listed} == {
        made.start_event["eventID"],
        made.end_event["eventID"],
    }


@pytest.mark.parametrize("key", ["EventName", "EventSource", "EventId"])
def test_list_insights_data_dimensions(insights_mock, client, key):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    trail_arn = data_insights_trail(client)
    wanted = data_spike(insights_mock, "PutObject", hours_ago=3)
    data_spike(insights_mock, "DeleteObject", hours_ago=6)
    value = {
        "EventName": "PutObject",
        "EventSource": "s3.amazonaws.com",
        "EventId": wanted.end_event["eventID"],
    }[key]
    events = client.list_insights_data(
        InsightSource=trail_arn, DataType="InsightsEvents", Dimensions={key: value}
    )["Events"]
    names = [e["EventName"] for e in events]
    if key == "EventName":
        assert [e["EventId"] for e in events] == [
            wanted.end_event["eventID"],
            wanted.start_event["eventID"],
        ]
    elif key == "EventSource":
        assert names == ["PutObject", "PutObject", "DeleteObject", "DeleteObject"]
    else:
        assert [e["EventId"] for e in events] == [wanted.end_event["eventID"]]


def test_list_insights_data_refusals(insights_mock, client):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    trail_arn = data_insights_trail(client)
    data_spike(insights_mock)
    with raises_code("InvalidParameterException"):
        client.list_insights_data(
            InsightSource=trail_arn,
            DataType="InsightsEvents",
            Dimensions={"EventName": "PutObject", "EventSource": "s3.amazonaws.com"},
        )
    with raises_code("InvalidParameterException"):
        client.list_insights_data(InsightSource=TRAIL, DataType="InsightsEvents")
    with raises_code("InvalidParameterException"):
        client.list_insights_data(InsightSource=arn("missing-trail"), DataType="InsightsEvents")
    with raises_code("InvalidParameterException"):
        client.list_insights_data(
            InsightSource=trail_arn,
            DataType="InsightsEvents",
            StartTime=datetime.now(timezone.utc),
            EndTime=datetime.now(timezone.utc) - timedelta(hours=1),
        )
    with pytest.raises(ParamValidationError):
        client.list_insights_data(InsightSource=trail_arn, DataType="InsightsEvents", MaxResults=0)


def test_list_insights_data_source_must_be_a_trail_of_the_region(
    insights_mock, client, other_region_client
):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    trail_arn = data_insights_trail(client)
    data_spike(insights_mock)
    with raises_code("InvalidParameterException"):
        other_region_client.list_insights_data(InsightSource=trail_arn, DataType="InsightsEvents")
    with raises_code("InvalidParameterException"):
        client.list_insights_data(InsightSource=trail_arn, DataType="ManagementEvents")
    with raises_code("InvalidParameterException"):
        client.list_insights_data(
            InsightSource=trail_arn, DataType="InsightsEvents", Dimensions={"Username": "alice"}
        )
    with raises_code("InvalidParameterException"):
        client.list_insights_data(InsightSource=trail_arn, DataType="InsightsEvents", MaxResults=51)
    assert (
        len(client.list_insights_data(InsightSource=trail_arn, DataType="InsightsEvents")["Events"])
        == 2
    )


def test_list_insights_data_paging(insights_mock, client):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    trail_arn = data_insights_trail(client)
    older = data_spike(insights_mock, "DeleteObject", hours_ago=8)
    newer = data_spike(insights_mock, "PutObject", hours_ago=4)
    expected = [
        newer.end_event["eventID"],
        newer.start_event["eventID"],
        older.end_event["eventID"],
        older.start_event["eventID"],
    ]
    paginator = client.get_paginator("list_insights_data")
    pages = list(
        paginator.paginate(
            InsightSource=trail_arn, DataType="InsightsEvents", PaginationConfig={"PageSize": 3}
        )
    )
    assert [len(page["Events"]) for page in pages] == [3, 1]
    assert [e["EventId"] for page in pages for e in page["Events"]] == expected
    token = client.list_insights_data(
        InsightSource=trail_arn, DataType="InsightsEvents", MaxResults=1
    )["NextToken"]
    with raises_code("InvalidParameterException"):
        client.list_insights_data(
            InsightSource=trail_arn,
            DataType="InsightsEvents",
            Dimensions={"EventName": "PutObject"},
            NextToken=token,
        )


def test_list_insights_data_time_window(insights_mock, client):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    trail_arn = data_insights_trail(client)
    made = data_spike(insights_mock, hours_ago=10, minutes=60)
    middle = datetime.fromtimestamp(made.insight.start + 1800, timezone.utc)
    events = client.list_insights_data(
        InsightSource=trail_arn, DataType="InsightsEvents", StartTime=middle
    )["Events"]
    assert [e["EventId"] for e in events] == [made.end_event["eventID"]]


def test_organization_members_may_not_list_insights_data(insights_mock, client):
    if not HAS_LIST_INSIGHTS_DATA:
        assert not hasattr(client, "list_insights_data")
        return
    insights_mock.set_organization(member_account_ids=[MEMBER], delegated_administrator_ids=[ADMIN])
    org_arn = data_insights_trail(client, IsOrganizationTrail=True, IsMultiRegionTrail=True)
    made = data_spike(insights_mock)
    member = insights_mock.client(account_id=MEMBER)
    with raises_code("OperationNotPermittedException"):
        member.list_insights_data(InsightSource=org_arn, DataType="InsightsEvents")
    owner_view = client.list_insights_data(InsightSource=org_arn, DataType="InsightsEvents")
    assert {e["EventId"] for e in owner_view["Events"]} == {
        made.start_event["eventID"],
        made.end_event["eventID"],
    }


def test_organization_members_may_not_list_insights_metric_data_of_org_trails(
    insights_mock, client
):
    if not MODEL_HAS_EVENT_CATEGORIES:  # no Insights on data events before botocore 1.41
        with pytest.raises(ParamValidationError):
            data_insights_trail(client)
        return
    insights_mock.set_organization(member_account_ids=[MEMBER])
    org_arn = data_insights_trail(client, IsOrganizationTrail=True, IsMultiRegionTrail=True)
    data_spike(insights_mock)
    member = insights_mock.client(account_id=MEMBER)
    if not METRIC_HAS_TRAIL_NAME:
        with pytest.raises(ParamValidationError, match="TrailName"):
            metric(member, TrailName=org_arn)
        return
    with raises_code("OperationNotPermittedException"):
        metric(
            member,
            TrailName=org_arn,
            EventSource="s3.amazonaws.com",
            EventName="PutObject",
        )


# --- ListInsightsMetricData ---------------------------------------------------------------------


@pytest.fixture
def hourly(insights_mock, client):
    """An Insight from 5 h to 3 h before the last full hour: 0.5 calls a minute, 10 inside."""
    insights_trail(client)
    top = hour_floor(time.time())
    spike(
        insights_mock,
        start=top - 5 * HOUR,
        end=top - 3 * HOUR,
        baseline=0.5,
        insight=10.0,
    )
    return top


def test_metric_is_the_baseline_outside_and_the_insight_rate_inside(client, hourly):
    top = hourly
    response = metric(
        client,
        StartTime=datetime.fromtimestamp(top - 8 * HOUR, timezone.utc),
        EndTime=datetime.fromtimestamp(top, timezone.utc),
        Period=3600,
    )
    assert (response["EventSource"], response["EventName"], response["InsightType"]) == (
        "ec2.amazonaws.com",
        "RunInstances",
        "ApiCallRateInsight",
    )
    assert "TrailARN" not in response and "ErrorCode" not in response
    assert series(response) == [
        (top - 8 * HOUR, 30.0),
        (top - 7 * HOUR, 30.0),
        (top - 6 * HOUR, 30.0),
        (top - 5 * HOUR, 600.0),
        (top - 4 * HOUR, 600.0),
        (top - 3 * HOUR, 30.0),
        (top - 2 * HOUR, 30.0),
        (top - 1 * HOUR, 30.0),
    ]


def test_end_time_is_exclusive_and_start_time_inclusive(client, hourly):
    top = hourly
    response = metric(
        client,
        StartTime=datetime.fromtimestamp(top - 5 * HOUR, timezone.utc),
        EndTime=datetime.fromtimestamp(top - 3 * HOUR, timezone.utc),
    )
    assert [stamp for stamp, _ in series(response)] == [top - 5 * HOUR, top - 4 * HOUR]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (300, [(-600, 2.5), (-300, 2.5), (0, 50.0), (300, 50.0)]),
        (60, [(-120, 0.5), (-60, 0.5), (0, 10.0), (60, 10.0)]),
    ],
)
def test_metric_periods(client, hourly, period, expected):
    start = hourly - 5 * HOUR  # the Insight's start, inside 15 days: 60 s points exist
    response = metric(
        client,
        StartTime=datetime.fromtimestamp(start + expected[0][0], timezone.utc),
        EndTime=datetime.fromtimestamp(start + expected[-1][0] + period, timezone.utc),
        Period=period,
    )
    assert series(response) == [(start + offset, value) for offset, value in expected]


def test_partial_buckets_mix_the_rates(insights_mock, client):
    insights_trail(client)
    top = hour_floor(time.time())
    spike(insights_mock, start=top - 5 * HOUR + 1800, end=top - 4 * HOUR, baseline=0.5, insight=10)
    response = metric(
        client,
        StartTime=datetime.fromtimestamp(top - 5 * HOUR, timezone.utc),
        EndTime=datetime.fromtimestamp(top - 4 * HOUR, timezone.utc),
    )
    assert series(response) == [(top - 5 * HOUR, 0.5 * 30 + 10 * 30)]


def test_default_period_is_an_hour_and_default_window_90_days(client, hourly):
    response = metric(client, DataType="FillWithZeros")
    stamps = [stamp for stamp, _ in series(response)]
    assert all(later - earlier == HOUR for earlier, later in zip(stamps, stamps[1:], strict=False))
    assert time.time() - 90 * DAY - HOUR <= stamps[0] <= time.time() - 90 * DAY + HOUR
    assert stamps[-1] <= time.time()
    assert len(stamps) in (90 * 24, 90 * 24 + 1)


def test_fill_with_zeros_and_non_zero_data(insights_mock, client):
    insights_trail(client)
    top = hour_floor(time.time())
    spike(insights_mock, start=top - 4 * HOUR, end=top - 3 * HOUR, baseline=0, insight=2)
    window = {
        "StartTime": datetime.fromtimestamp(top - 6 * HOUR, timezone.utc),
        "EndTime": datetime.fromtimestamp(top, timezone.utc),
    }
    filled = metric(client, DataType="FillWithZeros", **window)
    assert series(filled) == [
        (top - 6 * HOUR, 0.0),
        (top - 5 * HOUR, 0.0),
        (top - 4 * HOUR, 120.0),
        (top - 3 * HOUR, 0.0),
        (top - 2 * HOUR, 0.0),
        (top - 1 * HOUR, 0.0),
    ]
    assert series(metric(client, DataType="NonZeroData", **window)) == [(top - 4 * HOUR, 120.0)]
    assert series(metric(client, **window)) == [(top - 4 * HOUR, 120.0)]  # the default


def test_no_scenario_means_no_data(client):
    insights_trail(client)
    response = metric(client)
    assert response["Timestamps"] == [] and response["Values"] == []
    top = hour_floor(time.time())
    filled = metric(
        client,
        DataType="FillWithZeros",
        StartTime=datetime.fromtimestamp(top - 3 * HOUR, timezone.utc),
        EndTime=datetime.fromtimestamp(top, timezone.utc),
    )
    assert filled["Values"] == [0.0, 0.0, 0.0]


def test_other_events_have_no_data(client, hourly):
    assert metric(client, EventName="TerminateInstances")["Values"] == []
    assert metric(client, EventSource="iam.amazonaws.com")["Values"] == []
    assert (
        metric(client, InsightType="ApiErrorRateInsight", ErrorCode="AccessDenied")["Values"] == []
    )


def test_metric_of_another_region_or_account_is_not_visible(insights_mock, hourly):
    assert metric(insights_mock.client(region_name=OTHER_REGION))["Values"] == []
    assert metric(insights_mock.client(account_id=OTHER_ACCOUNT))["Values"] == []
    assert metric(insights_mock.client())["Values"] != []


def test_metric_invalid_parameters(client, hourly):
    with raises_code("InvalidParameterException"):
        metric(client, Period=120)
    with raises_code("InvalidParameterException"):
        metric(client, ErrorCode="AccessDenied")  # ApiCallRateInsight takes no error code
    now = datetime.now(timezone.utc)
    with raises_code("InvalidParameterException"):
        metric(client, StartTime=now, EndTime=now - timedelta(hours=1))
    with pytest.raises(ParamValidationError):
        metric(client, Period=30)
    with raises_code("InvalidParameterException"):
        metric(client, MaxResults=21601)  # botocore checks only minimums


def test_error_rate_needs_an_error_code(client, hourly):
    """The model: ErrorCode is "conditionally required if InsightType is ApiErrorRateInsight"."""
    with raises_code("InvalidParameterException"):
        metric(client, InsightType="ApiErrorRateInsight")


def test_error_rate_metric_is_per_error_code(insights_mock, client):
    insights_trail(client)
    top = hour_floor(time.time())
    spike(
        insights_mock,
        insight_type="ApiErrorRateInsight",
        error_code="AccessDenied",
        start=top - 2 * HOUR,
        end=top - HOUR,
        baseline=0,
        insight=1,
    )
    response = metric(client, InsightType="ApiErrorRateInsight", ErrorCode="AccessDenied")
    assert response["ErrorCode"] == "AccessDenied"
    assert series(response) == [(top - 2 * HOUR, 60.0)]
    other = metric(client, InsightType="ApiErrorRateInsight", ErrorCode="ThrottlingException")
    assert other["Values"] == []
    assert metric(client)["Values"] == []  # not an ApiCallRateInsight


def test_retention_of_each_period(insights_mock, client):
    insights_trail(client)
    now = time.time()
    spike(insights_mock, start=now - 20 * DAY, end=now - 20 * DAY + HOUR, baseline=0, insight=3)
    spike(
        insights_mock,
        event_name="StopInstances",
        start=now - 70 * DAY,
        end=now - 70 * DAY + HOUR,
        baseline=0,
        insight=3,
    )
    # 20 days ago: gone at 60 s (kept 15 days), there at 300 s (63 days) and 3600 s.
    assert metric(client, Period=60)["Values"] == []
    assert sum(metric(client, Period=300)["Values"]) == pytest.approx(180)
    assert sum(metric(client, Period=3600)["Values"]) == pytest.approx(180)
    # 70 days ago: only 3600 s points (90 days).
    assert metric(client, EventName="StopInstances", Period=300)["Values"] == []
    assert sum(metric(client, EventName="StopInstances", Period=3600)["Values"]) == pytest.approx(
        180
    )
    long_ago = datetime.fromtimestamp(now - 30 * DAY, timezone.utc)
    filled = metric(client, Period=60, DataType="FillWithZeros", StartTime=long_ago, MaxResults=5)
    assert epoch(filled["Timestamps"][0]) >= now - 15 * DAY - 60


def test_metric_paging(client, hourly):
    top = hourly
    window = {
        "StartTime": datetime.fromtimestamp(top - 10 * HOUR, timezone.utc),
        "EndTime": datetime.fromtimestamp(top, timezone.utc),
        "DataType": "FillWithZeros",
    }
    everything = series(metric(client, **window))
    assert len(everything) == 10
    pages, token = [], None
    while True:
        response = metric(client, MaxResults=4, **window, **({"NextToken": token} if token else {}))
        pages.append(series(response))
        token = response.get("NextToken")
        if token is None:
            break
    assert [len(page) for page in pages] == [4, 4, 2]
    assert [point for page in pages for point in page] == everything
    first = metric(client, MaxResults=4, **window)
    with raises_code("InvalidParameterException"):
        metric(client, MaxResults=4, NextToken=first["NextToken"], **{**window, "Period": 300})


def test_metric_for_data_event_insights_needs_the_trail_name(insights_mock, client):
    if not MODEL_HAS_EVENT_CATEGORIES:  # no Insights on data events before botocore 1.41
        with pytest.raises(ParamValidationError):
            data_insights_trail(client)
        return
    trail_arn = data_insights_trail(client)
    top = hour_floor(time.time())
    data_spike(insights_mock, start=top - 2 * HOUR, end=top - HOUR, baseline=0, insight=1)
    query = {"EventSource": "s3.amazonaws.com", "EventName": "PutObject"}
    assert metric(client, **query)["Values"] == []  # management-event Insights only
    if not METRIC_HAS_TRAIL_NAME:
        with pytest.raises(ParamValidationError, match="TrailName"):
            metric(client, TrailName=TRAIL, **query)
        return
    for name in (TRAIL, trail_arn):
        response = metric(client, TrailName=name, **query)
        assert response["TrailARN"] == trail_arn
        assert series(response) == [(top - 2 * HOUR, 60.0)]


def test_trail_name_does_not_answer_management_event_insights(insights_mock, client):
    if not MODEL_HAS_EVENT_CATEGORIES:  # no Insights on data events before botocore 1.41
        with pytest.raises(ParamValidationError):
            data_insights_trail(client)
        return
    data_insights_trail(client)
    spike(
        insights_mock, start=time.time() - 2 * HOUR, end=time.time() - HOUR, baseline=0, insight=1
    )
    assert metric(client)["Values"] != []
    if not METRIC_HAS_TRAIL_NAME:
        with pytest.raises(ParamValidationError, match="TrailName"):
            metric(client, TrailName=TRAIL)
        return
    assert metric(client, TrailName=TRAIL)["Values"] == []


# --- simulate_insight: refusals and choices -------------------------------------------------------


def test_unknown_trail_is_refused(insights_mock, client):
    with pytest.raises(UsageError, match="does not exist"):
        spike(insights_mock, trail="missing-trail")


def test_insight_type_not_enabled_is_refused(insights_mock, client):
    insights_trail(client, selectors=[CALL_RATE])
    with pytest.raises(UsageError, match="ApiErrorRateInsight on management events enabled"):
        spike(insights_mock, insight_type="ApiErrorRateInsight", error_code="AccessDenied")
    assert lookup(client, EventCategory="insight") == []


def test_trail_without_insights_is_refused(insights_mock, client, trail):
    client.start_logging(Name=trail)
    with pytest.raises(UsageError, match="ApiCallRateInsight on management events enabled"):
        spike(insights_mock)


def test_data_category_not_enabled_is_refused(insights_mock, client):
    insights_trail(client)
    with pytest.raises(UsageError, match="ApiCallRateInsight on data events enabled"):
        data_spike(insights_mock)


def test_trail_not_logging_is_refused(insights_mock, client):
    insights_trail(client)
    client.stop_logging(Name=TRAIL)
    with pytest.raises(UsageError, match="not logging"):
        spike(insights_mock)
    client.start_logging(Name=TRAIL)
    assert spike(insights_mock).start_event["insightDetails"]["state"] == "Start"


def test_needed_events_not_logged_is_refused(insights_mock, client):
    insights_trail(client)
    client.put_event_selectors(TrailName=TRAIL, EventSelectors=[{"ReadWriteType": "ReadOnly"}])
    with pytest.raises(UsageError, match="must log write management events"):
        spike(insights_mock)
    # ApiErrorRateInsight needs read or write management events: read-only ones do.
    made = spike(insights_mock, insight_type="ApiErrorRateInsight", error_code="AccessDenied")
    assert made.end_event["insightDetails"]["insightType"] == "ApiErrorRateInsight"


def test_error_rate_without_error_code_is_refused(insights_mock, client):
    insights_trail(client)
    with pytest.raises(UsageError, match="error_code"):
        spike(insights_mock, insight_type="ApiErrorRateInsight")


def test_times_outside_the_last_90_days_are_refused(insights_mock, client):
    insights_trail(client)
    now = time.time()
    with pytest.raises(UsageError, match="90 days"):
        spike(insights_mock, start=now - 91 * DAY, end=now - 90 * DAY + HOUR)
    with pytest.raises(UsageError, match="90 days"):
        spike(insights_mock, start=now - HOUR, end=now + HOUR)
    with pytest.raises(UsageError):
        spike(insights_mock, start=now - HOUR, end=now - 2 * HOUR)


@pytest.mark.parametrize(("baseline", "insight"), [(0.5, 0.5), (0.6, 0.5), (-1, 0.5)])
def test_insight_must_exceed_baseline(insights_mock, client, baseline, insight):
    insights_trail(client)
    with pytest.raises(UsageError, match="must be above the baseline"):
        spike(insights_mock, baseline=baseline, insight=insight)


def test_refused_scenarios_leave_nothing_behind(insights_mock, client):
    insights_trail(client)
    with pytest.raises(UsageError):
        spike(insights_mock, baseline=1, insight=0.5)
    assert lookup(client, EventCategory="insight") == []
    assert metric(client)["Values"] == []


def test_a_scenario_may_lie_before_the_trail_was_created(insights_mock, client):
    insights_trail(client)
    when = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) - timedelta(days=80)
    made = spike(insights_mock, start=when, end=when + timedelta(hours=1))
    events = lookup(client, EventCategory="insight")
    assert [e["EventId"] for e in events] == [
        made.end_event["eventID"],
        made.start_event["eventID"],
    ]
    assert events[1]["EventTime"] == when.replace(tzinfo=timezone.utc)  # naive means UTC


def test_deterministic_ids(insights_mock, client):
    insights_trail(client)
    ids = {"shared_event_id": "shared-1", "start_event_id": "start-1", "end_event_id": "end-1"}
    made = spike(insights_mock, ids=ids)
    assert made.shared_event_id == "shared-1"
    assert (made.start_event["eventID"], made.end_event["eventID"]) == ("start-1", "end-1")
    events = lookup(client, EventCategory="insight")
    assert [e["EventId"] for e in events] == ["end-1", "start-1"]
    assert {record(e)["sharedEventID"] for e in events} == {"shared-1"}
    found = lookup(
        client, EventCategory="insight", LookupAttributes=attribute("EventId", "start-1")
    )
    assert [record(e)["insightDetails"]["state"] for e in found] == ["Start"]


def test_scenario_by_trail_arn(insights_mock, client):
    trail_arn = insights_trail(client)
    made = spike(insights_mock, trail=trail_arn)
    assert made.insight.trail_arn == trail_arn
    assert len(lookup(client, EventCategory="insight")) == 2


# --- simulate_insight on an event data store --------------------------------------------------------


@pytest.fixture
def source_store(client) -> str:
    source = client.create_event_data_store(Name="source-store")["EventDataStoreArn"]
    destination = client.create_event_data_store(
        Name="insights-store", AdvancedEventSelectors=INSIGHT_STORE_SELECTORS
    )["EventDataStoreArn"]
    client.put_insight_selectors(
        EventDataStore=source, InsightsDestination=destination, InsightSelectors=[CALL_RATE]
    )
    return source


def test_store_scenario_records_carry_insight_source_and_state(insights_mock, client, source_store):
    made = spike(insights_mock, trail=None, event_data_store=source_store)
    for item, state in ((made.start_event, "Start"), (made.end_event, "End")):
        assert item["insightSource"] == source_store
        assert item["insightState"] == state
        assert item["insightDetails"]["state"] == state
        assert item["eventType"] == "AwsCloudTrailInsight"
        assert item["insightDetails"]["sourceEventCategory"] == "Management"
    assert made.start_event["sharedEventID"] == made.end_event["sharedEventID"]
    # LookupEvents reads trails' Insights, not those of event data stores.
    assert lookup(client, EventCategory="insight") == []


def test_store_scenario_refusals(insights_mock, client, source_store):
    with pytest.raises(UsageError, match="not supported on event data stores"):
        data_spike(insights_mock, trail=None, event_data_store=source_store)
    with pytest.raises(UsageError, match="ApiErrorRateInsight on management events enabled"):
        spike(
            insights_mock,
            trail=None,
            event_data_store=source_store,
            insight_type="ApiErrorRateInsight",
            error_code="AccessDenied",
        )
    with pytest.raises(UsageError, match="does not exist"):
        spike(insights_mock, trail=None, event_data_store="source-store")  # a name, not an ARN
    client.stop_event_data_store_ingestion(EventDataStore=source_store)
    with pytest.raises(UsageError):
        spike(insights_mock, trail=None, event_data_store=source_store)
    plain = client.create_event_data_store(Name="plain-store")["EventDataStoreArn"]
    with pytest.raises(UsageError):
        spike(insights_mock, trail=None, event_data_store=plain)
    with pytest.raises(UsageError):
        spike(insights_mock, event_data_store=source_store)  # a trail and a store
