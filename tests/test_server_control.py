"""The loopback server's control endpoints (``/_mock_insights/``) drive the same harness the
Python toolkit drives, with the same checks and the same ``UsageError`` messages.

Two ways of serving are covered: a bare ``http_server.start(Harness(), ...)``, reached by boto3
with ``endpoint_url`` (no mock is active, so botocore really sends over HTTP), and
``InsightsMock.serve()`` / the ``insights_server`` fixture, whose state in-process boto3 shares.
While a mock is active every boto3 CloudTrail client is answered in process, so requests that
must cross HTTP there are sent as raw JSON 1.1 with ``http.client``.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import ACCOUNT, BUCKET, OTHER_REGION, REGION, TRAIL, raises_code

import mock_insights
from mock_insights import InsightsMock
from mock_insights import mock_insights as mock
from mock_insights._adapters import http_server
from mock_insights._protocol.dispatch import supported_operations
from mock_insights._toolkit.harness import Harness
from mock_insights.errors import UsageError

SERVER_ACCOUNT = "111122223333"  # the bare server's account, for requests without a 12-digit key
SIGNER_ACCOUNT = "444455556666"
SECOND = "second-trail"
TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
ENDPOINTS = ("health", "reset", "state", "calls", "faults")


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: Any


def send(
    url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One HTTP request on its own connection (with a timeout, so no test can hang)."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, response.headers, json.loads(data) if data else None)
    finally:
        connection.close()


def control(url: str, method: str, endpoint: str, body: Any = None, *, raw: bytes | None = None):
    """A control request; ``body`` is sent as JSON, ``raw`` as it is."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    return send(url, method, f"/_mock_insights/{endpoint}", data)


def ok(url: str, method: str, endpoint: str, body: Any = None) -> Any:
    answer = control(url, method, endpoint, body)
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"] == "application/json"
    return answer.body


def usage_error(answer: Answer) -> str:
    """The message of a 400 UsageError answer."""
    assert answer.status == 400, answer.body
    assert answer.body["__type"] == "UsageError", answer.body
    return answer.body["Message"]


def aws(
    url: str,
    operation: str,
    params: dict[str, Any],
    *,
    access_key: str | None = None,
    region: str = REGION,
) -> Answer:
    """A raw CloudTrail request over HTTP, signed (for account and region) only if a key is
    given; the signature itself is never checked."""
    headers = {"X-Amz-Target": TARGET + operation, "Content-Type": "application/x-amz-json-1.1"}
    if access_key is not None:
        headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={access_key}/20240101/{region}/cloudtrail/"
            "aws4_request, SignedHeaders=host;x-amz-date, Signature=0000"
        )
    return send(url, "POST", "/", json.dumps(params).encode(), headers)


@pytest.fixture
def server() -> Iterator[str]:
    """A bare server on a fresh harness, in ``OTHER_REGION`` as ``SERVER_ACCOUNT``."""
    running = http_server.start(Harness(), region=OTHER_REGION, account_id=SERVER_ACCOUNT)
    try:
        yield running.url
    finally:
        running.stop()


def remote(url: str, config: Config | None = None) -> Any:
    """boto3 through the server, acting as ``ACCOUNT`` in ``REGION`` (the 12-digit key)."""
    return boto3.client(
        "cloudtrail",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="not-checked",
        config=config,
    )


@pytest.fixture
def remote_client(server: str) -> Any:
    return remote(server)


@pytest.fixture(scope="module")
def other_snapshot() -> dict[str, Any]:
    """A snapshot taken from another mock (module-scoped, so it is made before the test's own
    mock starts and shares nothing with it)."""
    with mock() as other:
        other.seed_trail(
            Name=TRAIL,
            S3BucketName=BUCKET,
            IsLogging=True,
            InsightSelectors=[{"InsightType": "ApiCallRateInsight"}],
        )
        other.seed_trail(Name=SECOND, S3BucketName=BUCKET)
        return other.snapshot()


def trail_names(snapshot: dict[str, Any]) -> list[str]:
    return sorted(entry["Name"] for entry in snapshot["trails"])


# --- health ----------------------------------------------------------------------------------


def test_health_names_version_region_account_and_operations(server):
    """Scripts check readiness and what the server answers from one endpoint."""
    assert ok(server, "GET", "health") == {
        "status": "ok",
        "version": mock_insights.__version__,
        "region": OTHER_REGION,
        "accountId": SERVER_ACCOUNT,
        "operations": supported_operations(),
    }


def test_health_of_a_served_mock_gives_the_mocks_region_and_account():
    """``m.serve()`` answers unsigned requests in the mock's own region and account."""
    with mock(region=OTHER_REGION, account_id=SIGNER_ACCOUNT) as m:
        health = ok(m.serve(), "GET", "health")
    assert (health["region"], health["accountId"]) == (OTHER_REGION, SIGNER_ACCOUNT)


# --- reset -----------------------------------------------------------------------------------


def test_reset_clears_trails_calls_and_pending_faults(server, remote_client):
    """A fresh start between scripted tests, without restarting the server."""
    remote_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    ok(server, "POST", "faults", {"operation": "ListTrails", "code": "AccessDeniedException"})
    assert ok(server, "GET", "calls")["calls"]

    assert ok(server, "POST", "reset") == {}

    assert trail_names(ok(server, "GET", "state")) == []
    assert ok(server, "GET", "calls") == {"calls": []}
    assert ok(server, "GET", "faults") == {"faults": []}
    assert remote_client.list_trails()["Trails"] == []  # the dropped fault would fail this


def test_reset_over_http_empties_the_mock_that_shares_the_state(
    insights_mock: InsightsMock, insights_server: str, client
):
    """The in-process mock keeps answering from the emptied state, not a stale copy."""
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    insights_mock.inject_error("ListTrails", "AccessDeniedException")

    ok(insights_server, "POST", "reset")

    assert insights_mock.injections == []
    assert client.list_trails()["Trails"] == []
    with raises_code("TrailNotFoundException"):
        client.get_trail(Name=TRAIL)
    assert [call.operation for call in insights_mock.calls] == ["ListTrails", "GetTrail"]


# --- state -----------------------------------------------------------------------------------


def test_get_state_is_the_mocks_snapshot(insights_mock: InsightsMock, insights_server, client):
    """A non-Python test saves state exactly as ``m.snapshot()`` does."""
    insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET)
    client.put_insight_selectors(
        TrailName=TRAIL, InsightSelectors=[{"InsightType": "ApiErrorRateInsight"}]
    )
    state = ok(insights_server, "GET", "state")
    assert state == insights_mock.snapshot()
    assert trail_names(state) == [TRAIL]


def test_put_state_restores_another_mocks_snapshot_for_http_and_in_process(
    insights_mock: InsightsMock, insights_server: str, client, other_snapshot
):
    """A state saved elsewhere is loaded once and seen by both ways in."""
    insights_mock.seed_trail(Name="replaced-trail", S3BucketName=BUCKET)

    assert ok(insights_server, "PUT", "state", other_snapshot) == {}

    over_http = aws(insights_server, "GetTrail", {"Name": TRAIL}, access_key=ACCOUNT)
    assert over_http.status == 200, over_http.body
    assert over_http.body["Trail"]["HasInsightSelectors"] is True
    assert client.get_trail(Name=SECOND)["Trail"]["Name"] == SECOND
    assert trail_names(insights_mock.snapshot()) == sorted([TRAIL, SECOND])
    assert ok(insights_server, "GET", "state") == other_snapshot


def test_put_state_is_seen_by_boto3_through_a_bare_server(server, remote_client, other_snapshot):
    """boto3 pointed at the server (no mock in this process) reads the restored trails."""
    ok(server, "PUT", "state", other_snapshot)
    assert {trail["Name"] for trail in remote_client.describe_trails()["trailList"]} == {
        TRAIL,
        SECOND,
    }
    assert remote_client.get_trail_status(Name=TRAIL)["IsLogging"] is True


def test_put_invalid_state_is_restores_usage_error_and_changes_nothing(
    insights_mock: InsightsMock, insights_server: str
):
    """Same message as ``m.restore``, and all-or-nothing: the valid entry is not loaded."""
    insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET)
    before = insights_mock.snapshot()
    invalid = {
        "trails": [
            {"Name": "valid-trail", "S3BucketName": BUCKET},
            {"Name": "bad name!", "S3BucketName": BUCKET},
        ]
    }
    with pytest.raises(UsageError) as caught:
        insights_mock.restore(invalid)

    answer = control(insights_server, "PUT", "state", invalid)

    assert usage_error(answer) == str(caught.value)
    assert "bad name!" in str(caught.value)
    assert ok(insights_server, "GET", "state") == before == insights_mock.snapshot()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "a JSON object"),
        (b'"state.json"', "a JSON object"),
        (b'{"trails": [' + b"[" * 900 + b"]" * 900 + b"]}", "nested too deeply"),
    ],
)
def test_put_state_refuses_what_is_not_a_snapshot_object(server, remote_client, raw, expected):
    """A file path or a list in place of the snapshot is a clear 400, not a crash."""
    remote_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert expected in usage_error(control(server, "PUT", "state", raw=raw))
    assert trail_names(ok(server, "GET", "state")) == [TRAIL]


# --- calls -----------------------------------------------------------------------------------


def test_calls_record_successes_and_failures_with_their_details(server, remote_client):
    """Each entry has the names of ``RecordedCall``; the account is the signer's key."""
    created = remote_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    with raises_code("TrailNotFoundException"):
        remote_client.get_trail(Name="missing-trail")

    success, failure = ok(server, "GET", "calls")["calls"]

    assert success["operation"] == "CreateTrail"
    assert (success["region"], success["accountId"], success["error"]) == (REGION, ACCOUNT, None)
    assert success["params"] == {"Name": TRAIL, "S3BucketName": BUCKET}
    assert success["response"]["TrailARN"] == created["TrailARN"]
    assert failure["operation"] == "GetTrail"
    assert failure["error"] == "TrailNotFoundException"
    assert failure["params"] == {"Name": "missing-trail"}
    assert failure["response"]["Error"]["Code"] == "TrailNotFoundException"
    assert "missing-trail" in failure["response"]["Error"]["Message"]


def test_unsigned_calls_are_recorded_in_the_servers_region_and_account(server):
    """Without a SigV4 credential the server's own region and account apply."""
    assert aws(server, "ListTrails", {}).status == 200
    (call,) = ok(server, "GET", "calls")["calls"]
    assert (call["region"], call["accountId"]) == (OTHER_REGION, SERVER_ACCOUNT)


@pytest.mark.parametrize("name", ["GetTrail", "get_trail"])
def test_calls_filter_by_operation(server, remote_client, name):
    """``?operation=`` takes the wire or the snake_case name, as ``calls.of`` does."""
    remote_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    remote_client.get_trail(Name=TRAIL)
    remote_client.list_trails()
    calls = ok(server, "GET", f"calls?operation={name}")["calls"]
    assert [(call["operation"], call["params"]) for call in calls] == [
        ("GetTrail", {"Name": TRAIL})
    ]


def test_a_misspelt_operation_filter_is_calls_of_usage_error(
    insights_mock: InsightsMock, insights_server: str
):
    """The same "Did you mean" hint as in Python, rather than an empty list."""
    with pytest.raises(UsageError) as caught:
        insights_mock.calls.of("GetTral")
    message = usage_error(control(insights_server, "GET", "calls?operation=GetTral"))
    assert message == str(caught.value)
    assert "Did you mean GetTrail" in message


@pytest.mark.parametrize(
    "endpoint",
    [
        "calls?error=TrailNotFoundException",
        "calls?operation=GetTrail&Name=x",
        "calls?operation=GetTrail&operation=ListTrails",
        "faults?operation=GetTrail",
        "state?trail=x",
    ],
)
def test_a_query_parameter_an_endpoint_does_not_take_is_400(server, endpoint):
    """A filter that would be silently ignored answers 400 naming it."""
    name = endpoint.partition("?")[2].split("&")[-1].partition("=")[0]
    assert name in usage_error(control(server, "GET", endpoint))


def test_delete_calls_forgets_them(server, remote_client):
    """Forget setup calls so assertions see only the calls under test."""
    remote_client.list_trails()
    assert ok(server, "DELETE", "calls") == {}
    assert ok(server, "GET", "calls") == {"calls": []}
    remote_client.list_trails()
    assert len(ok(server, "GET", "calls")["calls"]) == 1


# --- faults ----------------------------------------------------------------------------------


def test_a_posted_fault_fails_the_next_matching_call_through_the_server(server, remote_client):
    """botocore raises the injected modeled error, with the given message, once."""
    remote_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    entry = ok(
        server,
        "POST",
        "faults",
        {"operation": "GetTrail", "code": "TrailNotFoundException", "message": "injected"},
    )
    assert entry == {
        "operation": "GetTrail",
        "code": "TrailNotFoundException",
        "message": "injected",
        "times": 1,
        "params": {},
    }

    with raises_code("TrailNotFoundException", "injected"):
        remote_client.get_trail(Name=TRAIL)
    assert remote_client.get_trail(Name=TRAIL)["Trail"]["Name"] == TRAIL
    assert ok(server, "GET", "faults") == {"faults": []}


def test_a_fault_with_times_2_is_consumed_twice_and_listed_with_times_left(server, remote_client):
    remote_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    ok(
        server,
        "POST",
        "faults",
        {"operation": "get_trail", "code": "TrailNotFoundException", "times": 2},
    )

    for left in (2, 1):
        (pending,) = ok(server, "GET", "faults")["faults"]
        assert (pending["operation"], pending["times"]) == ("GetTrail", left)
        with raises_code("TrailNotFoundException"):
            remote_client.get_trail(Name=TRAIL)

    assert ok(server, "GET", "faults") == {"faults": []}
    assert remote_client.get_trail(Name=TRAIL)["Trail"]["Name"] == TRAIL


def test_a_fault_with_params_fails_only_calls_containing_them(server, remote_client):
    remote_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    remote_client.create_trail(Name=SECOND, S3BucketName=BUCKET)
    ok(
        server,
        "POST",
        "faults",
        {"operation": "GetTrail", "code": "TrailNotFoundException", "params": {"Name": SECOND}},
    )

    assert remote_client.get_trail(Name=TRAIL)["Trail"]["Name"] == TRAIL
    assert len(ok(server, "GET", "faults")["faults"]) == 1
    with raises_code("TrailNotFoundException"):
        remote_client.get_trail(Name=SECOND)


def test_an_injected_throttle_reaches_a_client_that_does_not_retry(server):
    """A retryable code is answered as AWS would answer it; with one attempt allowed,
    botocore raises it."""
    client = remote(server, Config(retries={"total_max_attempts": 1}))
    ok(server, "POST", "faults", {"operation": "ListTrails", "code": "ThrottlingException"})
    with pytest.raises(ClientError) as caught:
        client.list_trails()
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert [call["error"] for call in ok(server, "GET", "calls")["calls"]] == [
        "ThrottlingException"
    ]


def test_delete_faults_drops_the_pending_ones(server, remote_client):
    ok(server, "POST", "faults", {"operation": "ListTrails", "code": "AccessDeniedException"})
    assert ok(server, "DELETE", "faults") == {}
    assert ok(server, "GET", "faults") == {"faults": []}
    assert remote_client.list_trails()["Trails"] == []


@pytest.mark.parametrize(
    ("fault", "keywords"),
    [
        ({"operation": "GetTrail", "code": "TrailNotFound"}, {}),
        ({"operation": "GetTral", "code": "TrailNotFoundException"}, {}),
        ({"operation": "GetTrail", "code": "TrailNotFoundException", "times": 0}, {"times": 0}),
        (
            {"operation": "GetTrail", "code": "TrailNotFoundException", "params": {"Nme": TRAIL}},
            {"Nme": TRAIL},
        ),
    ],
)
def test_a_fault_inject_error_refuses_is_400_with_its_message(
    insights_mock: InsightsMock, insights_server: str, fault, keywords
):
    """The HTTP answer carries exactly what ``m.inject_error`` raises, hints included."""
    with pytest.raises(UsageError) as caught:
        insights_mock.inject_error(fault["operation"], fault["code"], **keywords)
    assert usage_error(control(insights_server, "POST", "faults", fault)) == str(caught.value)
    assert ok(insights_server, "GET", "faults") == {"faults": []}


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"code": "TrailNotFoundException"}, "missing or not a string: ['operation']"),
        ({"operation": "GetTrail"}, "missing or not a string: ['code']"),
        ({"operation": "GetTrail", "code": 5}, "missing or not a string: ['code']"),
        (
            {"operation": "GetTrail", "code": "TrailNotFoundException", "time": 2},
            "unknown: ['time']",
        ),
        (
            {"operation": "GetTrail", "code": "TrailNotFoundException", "params": [TRAIL]},
            "params is a JSON object",
        ),
        (
            {"operation": "GetTrail", "code": "TrailNotFoundException", "times": "2"},
            "times must be a positive whole number",
        ),
        (
            {"operation": "GetTrail", "code": "TrailNotFoundException", "times": True},
            "times must be a positive whole number",
        ),
        (
            {"operation": "GetTrail", "code": "TrailNotFoundException", "message": 5},
            "message is a string",
        ),
        (["GetTrail", "TrailNotFoundException"], "takes a JSON object"),
        (None, "takes a JSON object"),
    ],
)
def test_a_malformed_fault_is_400_and_injects_nothing(server, fault, expected):
    assert expected in usage_error(control(server, "POST", "faults", fault))
    assert ok(server, "GET", "faults") == {"faults": []}


def test_faults_over_http_hit_in_process_boto3_and_the_other_way_round(
    insights_mock: InsightsMock, insights_server: str, client
):
    """One set of pending faults for both ways in."""
    insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET)
    ok(
        insights_server,
        "POST",
        "faults",
        {"operation": "GetTrail", "code": "TrailNotFoundException", "params": {"Name": TRAIL}},
    )
    assert [injection.code for injection in insights_mock.injections] == ["TrailNotFoundException"]
    with raises_code("TrailNotFoundException"):
        client.get_trail(Name=TRAIL)

    insights_mock.inject_error("ListTrails", "AccessDeniedException", times=3)
    (pending,) = ok(insights_server, "GET", "faults")["faults"]
    assert (pending["operation"], pending["code"], pending["times"]) == (
        "ListTrails",
        "AccessDeniedException",
        3,
    )
    answer = aws(insights_server, "ListTrails", {})
    assert (answer.status, answer.body["__type"]) == (400, "AccessDeniedException")


def test_the_mock_records_the_servers_calls_with_the_signers_account_and_region(
    insights_mock: InsightsMock, insights_server: str, client
):
    """``m.calls`` sees what the AWS CLI or another SDK did through the server."""
    answer = aws(
        insights_server,
        "CreateTrail",
        {"Name": TRAIL, "S3BucketName": BUCKET},
        access_key=SIGNER_ACCOUNT,
        region=OTHER_REGION,
    )
    assert answer.status == 200, answer.body
    assert (
        answer.body["TrailARN"]
        == f"arn:aws:cloudtrail:{OTHER_REGION}:{SIGNER_ACCOUNT}:trail/{TRAIL}"
    )

    call = insights_mock.calls.assert_called_once("CreateTrail", Name=TRAIL)
    assert (call.account_id, call.region, call.error) == (SIGNER_ACCOUNT, OTHER_REGION, None)
    other = insights_mock.client(account_id=SIGNER_ACCOUNT, region_name=OTHER_REGION)
    assert other.get_trail(Name=TRAIL)["Trail"]["TrailARN"] == answer.body["TrailARN"]
    assert client.list_trails()["Trails"] == []  # another account's trail


# --- routing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/_mock_insights/", "/_mock_insights/snapshot", "/_mock_insights/health/x"]
)
def test_an_unknown_endpoint_is_404_listing_the_endpoints(server, path):
    answer = send(server, "GET", path)
    assert answer.status == 404
    assert answer.body["__type"] == "NotFound"
    for name in ENDPOINTS:
        assert f"/_mock_insights/{name}" in answer.body["Message"]


@pytest.mark.parametrize(
    ("method", "endpoint", "allowed"),
    [
        ("POST", "health", "GET"),
        ("GET", "reset", "POST"),
        ("POST", "state", "GET, PUT"),
        ("PUT", "calls", "GET, DELETE"),
        ("PATCH", "faults", "GET, POST, DELETE"),
    ],
)
def test_a_wrong_method_is_405_with_an_allow_header(server, method, endpoint, allowed):
    answer = control(server, method, endpoint, {})
    assert answer.status == 405
    assert answer.headers["Allow"] == allowed
    assert answer.body["__type"] == "MethodNotAllowed"
    assert method in answer.body["Message"]


# --- lifetime --------------------------------------------------------------------------------


def test_a_served_mock_stops_its_server_when_its_last_activation_ends():
    """An inner stop leaves the server up; the outermost stop releases the port."""
    m = InsightsMock()
    m.start()
    try:
        m.start()
        url = m.serve()
        m.stop()
        assert ok(url, "GET", "health")["status"] == "ok"
    finally:
        m.stop()
    with pytest.raises(ConnectionRefusedError):
        send(url, "GET", "/_mock_insights/health")


def test_the_insights_server_fixture_serves_the_insights_mock_state(
    insights_mock: InsightsMock, insights_server: str, client
):
    """The fixture's URL and the fixture's mock are one state, in both directions."""
    assert insights_server.startswith("http://127.0.0.1:")
    insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert trail_names(ok(insights_server, "GET", "state")) == [TRAIL]

    answer = aws(insights_server, "CreateTrail", {"Name": SECOND, "S3BucketName": BUCKET})
    assert answer.status == 200, answer.body
    assert {trail["Name"] for trail in client.list_trails()["Trails"]} == {TRAIL, SECOND}
