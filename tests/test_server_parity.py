"""Server mode answers exactly as in-process mode: boto3 against ``http_server`` and boto3
inside ``mock_insights`` give identical answers for the same sequence of calls.

Both paths end in the same core, but reach it differently: in process, botocore's
``before-send`` hook hands the request over with the account and region of the client's signer,
and botocore has already validated the parameters; over HTTP, the account and region come
from the SigV4 ``Authorization`` header and the core validates the raw wire. A difference in
either shows up here as a transcript that differs at one named step.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import ACCOUNT, BUCKET, OTHER_REGION, REGION, TRAIL

from mock_insights import mock_insights
from mock_insights._adapters import http_server
from mock_insights._toolkit.harness import Harness
from mock_insights._toolkit.history import RecordedCall

OTHER_ACCOUNT = "111122223333"
WIDE = "org-wide"  # a multi-region trail, seen from the second region as a shadow trail
INSIGHT_STORE_SELECTORS = [
    {"Name": "insights", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}]}
]
CALL_RATE = {"InsightType": "ApiCallRateInsight"}
ERROR_RATE = {"InsightType": "ApiErrorRateInsight"}
# Who makes a call: (account, region). The account is the client's access key.
MAIN = (ACCOUNT, REGION)
SECOND_ACCOUNT = (OTHER_ACCOUNT, REGION)
SECOND_REGION = (ACCOUNT, OTHER_REGION)

Params = dict[str, Any]
Earlier = dict[str, Any]  # the raw answers of the steps so far in this run, by step label


@dataclass(frozen=True)
class Step:
    """One call: who makes it, the operation (boto3's snake_case name), and its parameters,
    given directly or computed from the earlier raw answers of the same run (an ARN with a
    store ID, a NextToken). ``paginate`` runs the operation's paginator and keeps every page."""

    label: str
    who: tuple[str, str]
    operation: str
    params: Params | Callable[[Earlier], Params] = field(default_factory=dict)
    paginate: bool = False


def _store_arn(earlier: Earlier, label: str) -> str:
    return earlier[label]["EventDataStoreArn"]


def _trail_arn(name: str, who: tuple[str, str] = MAIN) -> str:
    return f"arn:aws:cloudtrail:{who[1]}:{who[0]}:trail/{name}"


STEPS: list[Step] = [
    # --- trails, and the errors of creating and reading them ------------------------------
    Step("create", MAIN, "create_trail", {"Name": TRAIL, "S3BucketName": BUCKET}),
    Step(
        "create multi-region with tags",
        MAIN,
        "create_trail",
        {
            "Name": WIDE,
            "S3BucketName": BUCKET,
            "IsMultiRegionTrail": True,
            "EnableLogFileValidation": True,
            "TagsList": [{"Key": "team", "Value": "audit"}],
        },
    ),
    Step("duplicate", MAIN, "create_trail", {"Name": TRAIL, "S3BucketName": BUCKET}),
    Step("invalid name", MAIN, "create_trail", {"Name": "bad name!", "S3BucketName": BUCKET}),
    Step("get", MAIN, "get_trail", {"Name": TRAIL}),
    Step("get missing", MAIN, "get_trail", {"Name": "missing-trail"}),
    Step("insights not enabled", MAIN, "get_insight_selectors", {"TrailName": TRAIL}),
    # --- event selectors, basic and advanced ---------------------------------------------
    Step(
        "basic event selectors",
        MAIN,
        "put_event_selectors",
        {
            "TrailName": TRAIL,
            "EventSelectors": [
                {
                    "ReadWriteType": "WriteOnly",
                    "IncludeManagementEvents": True,
                    "DataResources": [
                        {"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{BUCKET}/"]}
                    ],
                }
            ],
        },
    ),
    Step("get basic", MAIN, "get_event_selectors", {"TrailName": TRAIL}),
    Step(
        "advanced event selectors",
        MAIN,
        "put_event_selectors",
        {
            "TrailName": WIDE,
            "AdvancedEventSelectors": [
                {
                    "Name": "management",
                    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
                },
                {
                    "Name": "s3 writes",
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        {"Field": "readOnly", "Equals": ["false"]},
                    ],
                },
            ],
        },
    ),
    Step("get advanced", MAIN, "get_event_selectors", {"TrailName": WIDE}),
    # --- Insights on a trail -------------------------------------------------------------
    Step(
        "insights on",
        MAIN,
        "put_insight_selectors",
        {"TrailName": TRAIL, "InsightSelectors": [CALL_RATE, ERROR_RATE]},
    ),
    Step("insights read", MAIN, "get_insight_selectors", {"TrailName": TRAIL}),
    Step(
        "duplicate insight type",
        MAIN,
        "put_insight_selectors",
        {"TrailName": TRAIL, "InsightSelectors": [CALL_RATE, CALL_RATE]},
    ),
    Step(
        "unknown insight type",
        MAIN,
        "put_insight_selectors",
        {"TrailName": TRAIL, "InsightSelectors": [{"InsightType": "ApiLatencyInsight"}]},
    ),
    # --- tags ------------------------------------------------------------------------------
    Step(
        "add tags",
        MAIN,
        "add_tags",
        {
            "ResourceId": _trail_arn(TRAIL),
            "TagsList": [{"Key": "env", "Value": "test"}, {"Key": "owner", "Value": "sec"}],
        },
    ),
    Step(
        "remove a tag",
        MAIN,
        "remove_tags",
        {"ResourceId": _trail_arn(TRAIL), "TagsList": [{"Key": "owner"}]},
    ),
    Step(
        "list tags",
        MAIN,
        "list_tags",
        {"ResourceIdList": [_trail_arn(TRAIL), _trail_arn(WIDE)]},
    ),
    Step(
        "tags of a missing trail",
        MAIN,
        "list_tags",
        {"ResourceIdList": [_trail_arn("missing-trail")]},
    ),
    # --- logging and status ------------------------------------------------------------
    Step("start logging", MAIN, "start_logging", {"Name": TRAIL}),
    Step("status", MAIN, "get_trail_status", {"Name": TRAIL}),
    Step("stop logging", MAIN, "stop_logging", {"Name": TRAIL}),
    Step("update", MAIN, "update_trail", {"Name": TRAIL, "IncludeGlobalServiceEvents": False}),
    Step("describe", MAIN, "describe_trails", {}),
    Step("list, paged", MAIN, "list_trails", {}, paginate=True),
    # --- Insights on an event data store ---------------------------------------------------
    Step("source store", MAIN, "create_event_data_store", {"Name": "source-store"}),
    Step(
        "insights store",
        MAIN,
        "create_event_data_store",
        {
            "Name": "insights-store",
            "AdvancedEventSelectors": INSIGHT_STORE_SELECTORS,
            "MultiRegionEnabled": False,
        },
    ),
    Step(
        "store insights not enabled",
        MAIN,
        "get_insight_selectors",
        lambda earlier: {"EventDataStore": _store_arn(earlier, "source store")},
    ),
    Step(
        "store insights without a destination",
        MAIN,
        "put_insight_selectors",
        lambda earlier: {
            "EventDataStore": _store_arn(earlier, "source store"),
            "InsightSelectors": [CALL_RATE],
        },
    ),
    Step(
        "store insights on",
        MAIN,
        "put_insight_selectors",
        lambda earlier: {
            "EventDataStore": _store_arn(earlier, "source store"),
            "InsightsDestination": _store_arn(earlier, "insights store"),
            "InsightSelectors": [CALL_RATE],
        },
    ),
    Step(
        "store insights read",
        MAIN,
        "get_insight_selectors",
        lambda earlier: {"EventDataStore": _store_arn(earlier, "source store")},
    ),
    Step("list stores", MAIN, "list_event_data_stores", {}),
    # --- LookupEvents, one page at a time -----------------------------------------------
    Step(
        "lookup trail creations",
        MAIN,
        "lookup_events",
        {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CreateTrail"}]},
    ),
    Step("lookup page 1", MAIN, "lookup_events", {"MaxResults": 3}),
    Step(
        "lookup page 2",
        MAIN,
        "lookup_events",
        lambda earlier: {"MaxResults": 3, "NextToken": earlier["lookup page 1"]["NextToken"]},
    ),
    Step(
        "metric pattern violated",
        MAIN,
        "list_insights_metric_data",
        {
            "EventSource": "not a source!",
            "EventName": "CreateTrail",
            "InsightType": "ApiCallRateInsight",
        },
    ),
    # --- a second account (its access key) and a second region ------------------------------
    Step(
        "other account creates",
        SECOND_ACCOUNT,
        "create_trail",
        {"Name": TRAIL, "S3BucketName": BUCKET},
    ),
    Step("other account lists", SECOND_ACCOUNT, "list_trails", {}, paginate=True),
    Step(
        "other account: not enabled", SECOND_ACCOUNT, "get_insight_selectors", {"TrailName": TRAIL}
    ),
    Step(
        "other region creates",
        SECOND_REGION,
        "create_trail",
        {"Name": "eu-trail", "S3BucketName": BUCKET},
    ),
    Step("other region describes", SECOND_REGION, "describe_trails", {}),
    Step("shadow trail status", SECOND_REGION, "get_trail_status", {"Name": _trail_arn(WIDE)}),
    Step("delete", MAIN, "delete_trail", {"Name": TRAIL}),
    Step("deleted", MAIN, "get_trail", {"Name": TRAIL}),
]


def run(steps: list[Step], client_for: Callable[[tuple[str, str]], Any]) -> Earlier:
    """Each step's raw answer: the response (a list of pages when paginated) or the error."""
    earlier: Earlier = {}
    for step in steps:
        client = client_for(step.who)
        params = step.params(earlier) if callable(step.params) else step.params
        try:
            if step.paginate:
                answer: Any = list(client.get_paginator(step.operation).paginate(**params))
            else:
                answer = getattr(client, step.operation)(**params)
        except ClientError as error:
            answer = error
        earlier[step.label] = answer
    return earlier


class Normaliser:
    """Replaces what must differ between two runs of the same calls, and nothing else:

    - timestamps are the wall clock of each run: ``datetime`` values, ISO-8601 strings
      (GetTrailStatus's delivery times, ``eventTime`` in ``CloudTrailEvent`` JSON) and numbers
      under a ``...Time``/``...Timestamp`` key (epoch seconds in an event's
      ``responseElements``);
    - UUIDs (event data store IDs in ARNs, ``EventId``, the event JSON's ``eventID`` and
      ``requestID``) are random; each distinct UUID becomes ``<uuid-N>`` in order of first
      appearance, so which answers share a store or an event is still compared;
    - LookupEvents' ``NextToken`` encodes the time of the page's last event.
    """

    _UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    _ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")

    def __init__(self) -> None:
        self.uuids: dict[str, str] = {}

    def _uuid(self, match: re.Match[str]) -> str:
        return self.uuids.setdefault(match.group(), f"<uuid-{len(self.uuids) + 1}>")

    def __call__(self, value: Any, key: str = "") -> Any:
        if isinstance(value, datetime.datetime) or (
            isinstance(value, int | float) and key.lower().endswith(("time", "timestamp"))
        ):
            return "<time>"
        if isinstance(value, dict):
            return {name: self(item, name) for name, item in value.items()}
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, str):
            if key == "CloudTrailEvent":
                return self(json.loads(value))
            if key == "NextToken":
                return "<token>"
            if self._ISO.match(value):
                return "<time>"
            return self._UUID.sub(self._uuid, value)
        return value

    def answer(self, raw: Any) -> Any:
        if isinstance(raw, ClientError):
            error = raw.response["Error"]
            return ("error", error["Code"], self(error["Message"]))
        pages = raw if isinstance(raw, list) else [raw]
        cleaned = [{k: v for k, v in page.items() if k != "ResponseMetadata"} for page in pages]
        return self(cleaned if isinstance(raw, list) else cleaned[0])

    def calls(self, calls: list[RecordedCall]) -> list[Any]:
        return [(c.operation, c.account_id, c.region, c.error, self(c.params)) for c in calls]


def _transcript(steps: list[Step], raw: Earlier, normalise: Normaliser) -> list[Any]:
    return [(step.label, normalise.answer(raw[step.label])) for step in steps]


def _where_they_differ(local: Any, remote: Any, path: str = "") -> str:
    """The first place two normalised answers differ, as a path and both values."""
    if isinstance(local, dict) and isinstance(remote, dict) and local.keys() == remote.keys():
        for key in local:
            if local[key] != remote[key]:
                return _where_they_differ(local[key], remote[key], f"{path}[{key!r}]")
    both_sequences = isinstance(local, list | tuple) and isinstance(remote, list | tuple)
    if both_sequences and len(local) == len(remote):
        for index, (a, b) in enumerate(zip(local, remote, strict=True)):
            if a != b:
                return _where_they_differ(a, b, f"{path}[{index}]")
    return f"at {path or 'the top'}:\n  in process: {local!r}\n  over HTTP:  {remote!r}"


def _first_difference(what: str, local: list[Any], remote: list[Any]) -> str:
    """Where two lists of ``(name, ...)`` tuples first differ: the index, the name (a step's
    label or a call's operation) and the differing part."""
    for index, (a, b) in enumerate(zip(local, remote, strict=False)):
        if a != b:
            if a[0] != b[0]:
                return f"{what} differ at #{index}, {_where_they_differ(a, b)}"
            rest_a, rest_b = (a[1], b[1]) if len(a) == 2 else (a[1:], b[1:])
            return f"{what} differ at #{index} ({a[0]!r}), {_where_they_differ(rest_a, rest_b)}"
    return f"{what}: {len(local)} in process, {len(remote)} over HTTP"


@dataclass
class Run:
    """One run's normalised transcript (label and answer per step) and call history."""

    transcript: list[Any]
    calls: list[Any]

    def error_codes(self) -> set[str]:
        return {answer[1] for _, answer in self.transcript if isinstance(answer, tuple)}


def in_process(steps: list[Step], config: Config | None = None) -> Run:
    """The steps through ``mock_insights``: clients from ``m.client``, whose access key is
    the account ID."""
    with mock_insights() as m:
        clients: dict[tuple[str, str], Any] = {}

        def client_for(who: tuple[str, str]) -> Any:
            if who not in clients:
                clients[who] = m.client(account_id=who[0], region_name=who[1], config=config)
            return clients[who]

        raw = run(steps, client_for)
        normalise = Normaliser()
        return Run(_transcript(steps, raw, normalise), normalise.calls(list(m.calls)))


def over_http(steps: list[Step], config: Config | None = None) -> Run:
    """The steps through a server, with no mock active: plain boto3 clients with an
    ``endpoint_url``, whose access key is the account ID."""
    harness = Harness()
    running = http_server.start(harness, region=REGION, account_id=ACCOUNT)
    try:
        clients: dict[tuple[str, str], Any] = {}

        def client_for(who: tuple[str, str]) -> Any:
            if who not in clients:
                session = boto3.Session(
                    aws_access_key_id=who[0], aws_secret_access_key="x", region_name=who[1]
                )
                clients[who] = session.client("cloudtrail", endpoint_url=running.url, config=config)
            return clients[who]

        raw = run(steps, client_for)
    finally:
        running.stop()
    normalise = Normaliser()
    return Run(_transcript(steps, raw, normalise), normalise.calls(list(harness.calls)))


def assert_same(local: Run, remote: Run) -> None:
    assert local.transcript == remote.transcript, _first_difference(
        "the answers", local.transcript, remote.transcript
    )
    assert local.calls == remote.calls, _first_difference(
        "the recorded calls", local.calls, remote.calls
    )


def test_server_answers_a_session_as_in_process_boto3_does():
    """The same calls, made in process and over HTTP, give the same answers, errors and call
    history, in every account and region: the server is the in-process mock over a socket."""
    local, remote = in_process(STEPS), over_http(STEPS)
    assert_same(local, remote)
    # Not two runs refused alike: each step did what it was written to do.
    assert local.error_codes() == {
        "TrailAlreadyExistsException",
        "InvalidTrailNameException",
        "TrailNotFoundException",
        "InsightNotEnabledException",
        "InvalidInsightSelectorsException",
        "ResourceNotFoundException",
        "InvalidParameterCombinationException",
        "ValidationException",
    }
    assert len(local.calls) == len(STEPS)
    accounts_and_regions = {(account, region) for _, account, region, *_ in local.calls}
    assert accounts_and_regions == {MAIN, SECOND_ACCOUNT, SECOND_REGION}


# Requests botocore would refuse before sending. With ``parameter_validation=False`` they
# reach the core both ways; in process the hook sees that the client did not validate, over
# HTTP nothing was validated: either way the core checks them against the model.
UNVALIDATED: list[Step] = [
    Step("name of the wrong type", MAIN, "create_trail", {"Name": 42, "S3BucketName": BUCKET}),
    Step("missing bucket", MAIN, "create_trail", {"Name": TRAIL}),
    Step("missing name", MAIN, "get_trail", {}),
    Step(
        "insight type not a string",
        MAIN,
        "put_insight_selectors",
        {"TrailName": TRAIL, "InsightSelectors": [{"InsightType": 7}]},
    ),
    Step("results below the minimum", MAIN, "lookup_events", {"MaxResults": 0}),
    Step("then a valid call", MAIN, "create_trail", {"Name": TRAIL, "S3BucketName": BUCKET}),
    Step("nothing was created before it", MAIN, "list_trails", {}),
]


def test_unvalidated_requests_are_refused_alike():
    """Invalid requests that botocore did not check are refused with the same errors in
    process and over HTTP, and change nothing."""
    config = Config(parameter_validation=False)
    local, remote = in_process(UNVALIDATED, config), over_http(UNVALIDATED, config)
    assert_same(local, remote)
    codes = [answer[1] if isinstance(answer, tuple) else None for _, answer in local.transcript]
    assert codes == [
        "SerializationException",
        "ValidationException",
        "ValidationException",
        "SerializationException",
        "ValidationException",
        None,
        None,
    ]
    listed = local.transcript[-1][1]["Trails"]
    assert [trail["Name"] for trail in listed] == [TRAIL]
