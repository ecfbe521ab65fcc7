"""The loopback HTTP server as a network service: real sockets, ``http.client`` and boto3
against ``http_server.start``.

The server is the one part of the mock that strangers' bytes reach (the AWS CLI, Terraform,
SDKs, a port scanner), so the tests of bad input check two things: the answer a client gets,
and that the server still answers the next, well-formed request. Every socket has a timeout, so a
server that hangs fails a test instead of stalling the suite.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import BUCKET, OTHER_REGION, TRAIL, cloudtrail_model

from mock_insights._adapters import http_server
from mock_insights._protocol.dispatch import supported_operations
from mock_insights._toolkit.harness import Harness

# The server's own account and region differ from every client's, so an answer shows which
# one a request was attributed to.
SERVER_REGION = "ap-southeast-2"
SERVER_ACCOUNT = "210987654321"
CLIENT_ACCOUNT = "111122223333"
TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
TIMEOUT = 10.0  # seconds any one socket operation may take before the test fails
# No retries: a lost or repeated request must show up as an error or an extra history entry.
NO_RETRIES = Config(retries={"total_max_attempts": 1}, read_timeout=TIMEOUT)


@dataclass
class Served:
    running: http_server.RunningServer
    harness: Harness

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.running.server.server_address[:2]
        return str(host), port


def _start(**options: Any) -> Served:
    harness = Harness()
    options = {"region": SERVER_REGION, "account_id": SERVER_ACCOUNT, **options}
    return Served(http_server.start(harness, **options), harness)


@pytest.fixture
def served() -> Iterator[Served]:
    server = _start()
    yield server
    server.running.stop()


@pytest.fixture
def impatient() -> Iterator[Served]:
    """A server that drops a client after half a second without progress."""
    server = _start(idle_timeout=0.5)
    yield server
    server.running.stop()


def _client(served: Served, key: str = CLIENT_ACCOUNT, region: str = OTHER_REGION) -> Any:
    session = boto3.Session(aws_access_key_id=key, aws_secret_access_key="x", region_name=region)
    return session.client("cloudtrail", endpoint_url=served.url, config=NO_RETRIES)


def _connect(served: Served) -> socket.socket:
    return socket.create_connection(served.address, timeout=TIMEOUT)


def _request(
    operation: str | None = "DescribeTrails",
    body: bytes = b"{}",
    *,
    method: str = "POST",
    extra: str = "",
    close: bool = True,
) -> bytes:
    """One request's bytes, as a JSON 1.1 client sends them."""
    head = f"{method} / HTTP/1.1\r\nHost: mock\r\n"
    if operation is not None:
        head += f"X-Amz-Target: {TARGET}{operation}\r\n"
    head += f"Content-Type: application/x-amz-json-1.1\r\nContent-Length: {len(body)}\r\n"
    if close:
        head += "Connection: close\r\n"
    return (head + extra + "\r\n").encode() + body


def _read_to_end(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _exchange(served: Served, data: bytes) -> bytes:
    with _connect(served) as sock:
        sock.sendall(data)
        return _read_to_end(sock)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    rest: bytes  # whatever followed the answer's body

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str:
        return self.json()["__type"]


def _parse(raw: bytes) -> Answer:
    """One HTTP answer (after any interim 1xx answers) out of the bytes received."""
    head, separator, rest = raw.partition(b"\r\n\r\n")
    assert separator, f"no complete answer in {raw[:200]!r}"
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    if 100 <= status < 200:
        return _parse(rest)
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers["content-length"])
    return Answer(status, headers, rest[:length], rest[length:])


def _still_serves(served: Served) -> None:
    """A well-formed call on a new connection is answered."""
    answer = _parse(_exchange(served, _request("DescribeTrails")))
    assert (answer.status, answer.json()) == (200, {"trailList": []})


def _post(connection: http.client.HTTPConnection, operation: str, body: bytes = b"{}") -> Any:
    connection.request(
        "POST",
        "/",
        body,
        {"X-Amz-Target": TARGET + operation, "Content-Type": "application/x-amz-json-1.1"},
    )
    return connection.getresponse()


# --- 1. the protocol, through boto3 ---------------------------------------------------------


def test_boto3_call_works_and_modeled_errors_raise_their_class(served):
    """botocore parses the server's answers as AWS's: results, and modeled exception classes."""
    client = _client(served)
    created = client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert client.get_trail(Name=TRAIL)["Trail"]["TrailARN"] == created["TrailARN"]
    with pytest.raises(client.exceptions.TrailNotFoundException) as caught:
        client.get_trail(Name="missing-trail")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [c.error for c in served.harness.calls] == [None, None, "TrailNotFoundException"]


def test_account_is_a_numeric_access_key_and_region_the_signing_region(served):
    """A 12-digit key is the caller's account; any other key acts in the server's account.
    Either way the region is the one the client signed for."""
    numeric = _client(served, key=CLIENT_ACCOUNT, region=OTHER_REGION)
    other = _client(served, key="AKIAIOSFODNN7EXAMPLE", region="sa-east-1")
    assert numeric.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"] == (
        f"arn:aws:cloudtrail:{OTHER_REGION}:{CLIENT_ACCOUNT}:trail/{TRAIL}"
    )
    assert other.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"] == (
        f"arn:aws:cloudtrail:sa-east-1:{SERVER_ACCOUNT}:trail/{TRAIL}"
    )
    who = [(c.account_id, c.region) for c in served.harness.calls]
    assert who == [(CLIENT_ACCOUNT, OTHER_REGION), (SERVER_ACCOUNT, "sa-east-1")]


def test_unsigned_client_acts_in_the_servers_account_and_region(served):
    """Without a SigV4 credential there is nothing to read: the server's defaults apply."""
    unsigned = boto3.client(
        "cloudtrail",
        endpoint_url=served.url,
        region_name=OTHER_REGION,
        config=NO_RETRIES.merge(Config(signature_version=UNSIGNED)),
    )
    arn = unsigned.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"]
    assert arn == f"arn:aws:cloudtrail:{SERVER_REGION}:{SERVER_ACCOUNT}:trail/{TRAIL}"


def test_another_services_boto3_call_is_refused_by_name(served):
    """STS (a query-protocol service) pointed here by mistake gets an XML error botocore
    parses into a ClientError, not a parse failure."""
    session = boto3.Session(
        aws_access_key_id=CLIENT_ACCOUNT, aws_secret_access_key="x", region_name=OTHER_REGION
    )
    sts = session.client("sts", endpoint_url=served.url, config=NO_RETRIES)
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "UnsupportedOperationError"
    assert "sts request" in caught.value.response["Error"]["Message"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert len(served.harness.calls) == 0
    _still_serves(served)


def test_cloudtrail_data_put_audit_events_is_refused_by_name(served):
    """CloudTrail Data (REST-JSON, no X-Amz-Target) is named in the refusal, with the region
    the client signed for."""
    session = boto3.Session(
        aws_access_key_id=CLIENT_ACCOUNT, aws_secret_access_key="x", region_name=OTHER_REGION
    )
    data = session.client("cloudtrail-data", endpoint_url=served.url, config=NO_RETRIES)
    with pytest.raises(ClientError) as caught:
        data.put_audit_events(
            auditEvents=[{"id": "1", "eventData": "{}"}],
            channelArn=f"arn:aws:cloudtrail:{OTHER_REGION}:{CLIENT_ACCOUNT}:channel/c",
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "UnsupportedOperationError"
    assert "PutAuditEvents" in error["Message"]
    assert f"region {OTHER_REGION}" in error["Message"]
    assert len(served.harness.calls) == 0
    _still_serves(served)


def test_unimplemented_cloudtrail_operation_is_a_501_naming_it(served):
    """An operation botocore knows but the mock does not answer says which one, over HTTP."""
    missing = sorted(set(cloudtrail_model().operation_names) - set(supported_operations()))
    assert missing, "the mock implements every operation: pick another unanswered request"
    answer = _parse(_exchange(served, _request(missing[0])))
    assert answer.status == 501
    assert answer.code == "UnsupportedOperationError"
    assert f"CloudTrail {missing[0]}" in answer.json()["Message"]
    _still_serves(served)


# --- 2. bad input: an answer, and the server keeps serving ---------------------------------

# (raw bytes, status, __type); each is sent on its own connection, which the server closes.
MALFORMED = {
    "request line without a method, path and version": (b"GARBAGE\r\n\r\n", 400, "BadRequest"),
    "binary garbage": (bytes(range(256)) * 4, 400, "BadRequest"),
    # The standard library would wait for headers that an HTTP/0.9 client never sends.
    "HTTP/0.9 request line": (b"GET /\r\n", 505, "HTTPVersionNotSupported"),
    "HTTP/2 request line": (b"GET / HTTP/2.0\r\n\r\n", 505, "HTTPVersionNotSupported"),
    # Exactly the 65537 bytes the server reads, so no unread bytes turn its close into a reset.
    "request line over 64 KiB": (b"GET /" + b"a" * 65532, 414, "Request-URITooLong"),
    "101 headers": (
        b"POST / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(101)) + b"\r\n",
        431,
        "RequestHeaderFieldsTooLarge",
    ),
    "header line over 64 KiB": (
        b"POST / HTTP/1.1\r\nX-Long: " + b"v" * (65537 - 8),
        431,
        "RequestHeaderFieldsTooLarge",
    ),
    "negative Content-Length": (
        b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        400,
        "BadRequest",
    ),
    "non-numeric Content-Length": (
        b"POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n",
        400,
        "BadRequest",
    ),
    # int() reads "1_0" as 10; HTTP allows digits only.
    "Content-Length with an underscore": (
        b"POST / HTTP/1.1\r\nContent-Length: 1_0\r\n\r\n0123456789",
        400,
        "BadRequest",
    ),
    # Which one frames the body is ambiguous (request smuggling): refuse rather than guess.
    "two different Content-Lengths": (
        _request("DescribeTrails", extra="Content-Length: 5\r\n"),
        400,
        "BadRequest",
    ),
    "chunked Transfer-Encoding": (
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        411,
        "LengthRequired",
    ),
    "unknown method": (b"BREW / HTTP/1.1\r\nHost: pot\r\n\r\n", 501, "NotImplemented"),
}


@pytest.mark.parametrize("data, status, code", MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_http_gets_a_json_error_and_the_connection_is_closed(served, data, status, code):
    """Malformed HTTP is answered (JSON, as the rest of the protocol) and the connection is
    closed, since the server cannot tell where the next request would start."""
    with _connect(served) as sock:
        sock.sendall(data)
        received = _read_to_end(sock)  # returns only once the server closed the connection
    answer = _parse(received)
    assert (answer.status, answer.code) == (status, code), received[:300]
    assert answer.headers["connection"] == "close"
    assert answer.headers["content-type"] == "application/json"
    assert answer.rest == b"", "one answer only"
    assert len(served.harness.calls) == 0
    _still_serves(served)


def test_oversized_content_length_is_refused_before_the_body_is_sent(served):
    """A body over the limit is refused from the headers alone (a client need not upload it)
    and the connection closed, so its unread body is never taken for a request."""
    limit = http_server.MAX_BODY_BYTES
    with _connect(served) as sock:
        sock.sendall(
            f"POST / HTTP/1.1\r\nX-Amz-Target: {TARGET}DescribeTrails\r\n"
            f"Content-Length: {limit + 1}\r\n\r\n".encode()
        )
        answer = _parse(_read_to_end(sock))
    assert (answer.status, answer.code) == (413, "RequestEntityTooLarge")
    assert str(limit) in answer.json()["Message"]
    assert answer.headers["connection"] == "close"
    assert len(served.harness.calls) == 0
    _still_serves(served)


def test_expect_100_continue_is_honoured_and_a_refused_body_is_not_invited(served):
    """With ``Expect: 100-continue`` a readable body is invited (100, then the answer); an
    oversized one gets its final 413 instead, so the client never sends it."""
    good = _exchange(served, _request("DescribeTrails", extra="Expect: 100-continue\r\n"))
    assert good.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert _parse(good).status == 200

    with _connect(served) as sock:
        sock.sendall(
            f"POST / HTTP/1.1\r\nX-Amz-Target: {TARGET}DescribeTrails\r\nExpect: 100-continue\r\n"
            f"Content-Length: {http_server.MAX_BODY_BYTES + 1}\r\n\r\n".encode()
        )
        refused = _read_to_end(sock)
    assert refused.startswith(b"HTTP/1.1 413 "), refused[:100]
    assert len(served.harness.calls) == 1
    _still_serves(served)


# (operation, body, status, __type): errors of the protocol itself; the connection stays open.
BAD_REQUESTS = {
    "non-JSON body": ("DescribeTrails", b"not json", 400, "SerializationException"),
    "JSON array body": ("DescribeTrails", b"[1, 2]", 400, "SerializationException"),
    "body that is not UTF-8": ("DescribeTrails", b'{"a": "\xff"}', 400, "SerializationException"),
    "100000 nested arrays": ("DescribeTrails", b"[" * 100_000, 400, "SerializationException"),
    "100000 nested objects": ("DescribeTrails", b'{"a":' * 100_000, 400, "SerializationException"),
    "unknown X-Amz-Target": ("BrewCoffee", b"{}", 400, "UnknownOperationException"),
    "missing X-Amz-Target": (None, b"{}", 400, "UnknownOperationException"),
    "parameter of the wrong type": ("GetTrail", b'{"Name": 5}', 400, "SerializationException"),
    "missing required parameter": ("GetTrail", b"{}", 400, "ValidationException"),
}


@pytest.mark.parametrize(
    "operation, body, status, code", BAD_REQUESTS.values(), ids=list(BAD_REQUESTS)
)
def test_bad_request_gets_the_aws_error_on_a_connection_that_stays_usable(
    served, operation, body, status, code
):
    """A well-framed request the service refuses is an ordinary answer: the keep-alive
    connection serves the next request."""
    connection = http.client.HTTPConnection(*served.address, timeout=TIMEOUT)
    try:
        if operation is None:
            connection.request("POST", "/", body, {"Content-Type": "application/x-amz-json-1.1"})
            response = connection.getresponse()
        else:
            response = _post(connection, operation, body)
        refused = json.loads(response.read())
        assert (response.status, refused["__type"]) == (status, code), refused
        assert response.getheader("Connection") != "close"
        following = _post(connection, "DescribeTrails")
        assert (following.status, json.loads(following.read())) == (200, {"trailList": []})
    finally:
        connection.close()


def test_get_is_405_and_head_gets_headers_without_a_body(served):
    """Only POST / is CloudTrail's. A HEAD answer carries no body, so the same keep-alive
    connection still frames the next answer correctly."""
    connection = http.client.HTTPConnection(*served.address, timeout=TIMEOUT)
    try:
        connection.request("GET", "/")
        got = connection.getresponse()
        assert (got.status, json.loads(got.read())["__type"]) == (405, "MethodNotAllowed")
        connection.request("HEAD", "/")
        head = connection.getresponse()
        assert head.status == 405
        assert head.read() == b""
        following = _post(connection, "DescribeTrails")
        assert (following.status, json.loads(following.read())) == (200, {"trailList": []})
    finally:
        connection.close()


# --- 3. slow and half-open clients ---------------------------------------------------------


def _is_dropped(sock: socket.socket) -> bool:
    """Whether the server closed this connection (without answering) within the timeout."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


def test_client_stopping_mid_headers_is_dropped_while_others_are_served(impatient):
    """A client that sends half its headers holds its own thread only until the idle timeout."""
    with _connect(impatient) as slow:
        slow.sendall(b"POST / HTTP/1.1\r\nHost: mock\r\nX-Amz-Tar")
        _still_serves(impatient)
        assert _is_dropped(slow)
    _still_serves(impatient)


def test_client_stopping_mid_body_is_dropped_and_nothing_is_answered(impatient):
    """A body that never finishes is not a request: dropped, not recorded, not answered."""
    with _connect(impatient) as slow:
        slow.sendall(_request("CreateTrail", b'{"Name": "half-sent", "S3BucketName": "b"}')[:-10])
        _still_serves(impatient)
        assert _is_dropped(slow)
    assert [c.operation for c in impatient.harness.calls] == ["DescribeTrails"]
    _still_serves(impatient)


def test_silent_connections_do_not_block_others_and_are_dropped(impatient):
    """Clients that connect and say nothing (a port scanner, a pool warming up) neither
    delay other clients nor stay connected."""
    silent = [_connect(impatient) for _ in range(5)]
    try:
        _still_serves(impatient)
        assert all(_is_dropped(sock) for sock in silent)
    finally:
        for sock in silent:
            sock.close()
    _still_serves(impatient)


# --- 4. keep-alive -------------------------------------------------------------------------


def test_requests_on_one_connection_reuse_its_socket(served):
    """HTTP/1.1 keep-alive: a client's successive calls share one connection."""
    connection = http.client.HTTPConnection(*served.address, timeout=TIMEOUT)
    try:
        sockets = []
        for _ in range(5):
            response = _post(connection, "DescribeTrails")
            assert response.status == 200
            response.read()
            assert response.getheader("Connection") is None
            sockets.append(connection.sock)
        assert sockets[0] is not None
        assert all(sock is sockets[0] for sock in sockets)
        assert len(served.harness.calls) == 5
    finally:
        connection.close()


def test_connection_close_from_the_client_is_honoured(served):
    """After answering a request marked ``Connection: close`` the server closes, even with a
    second request already sent behind it."""
    with _connect(served) as sock:
        sock.sendall(_request("DescribeTrails", close=True) + _request("DescribeTrails"))
        received = _read_to_end(sock)
    answer = _parse(received)
    assert answer.status == 200
    assert answer.headers["connection"] == "close"
    assert answer.rest == b"", "the request after Connection: close was answered"
    assert len(served.harness.calls) == 1


def test_pipelined_requests_are_answered_in_order(served):
    """Two requests sent back to back on a keep-alive connection get two answers, in order."""
    with _connect(served) as sock:
        sock.sendall(
            _request("GetTrail", b'{"Name": "first-trail"}', close=False)
            + _request("GetTrail", b'{"Name": "second-trail"}')
        )
        received = _read_to_end(sock)
    first = _parse(received)
    second = _parse(first.rest)
    assert "first-trail" in first.json()["Message"]
    assert "second-trail" in second.json()["Message"]
    assert second.rest == b""


# --- 5 and 6. many clients at once ----------------------------------------------------------


def test_200_connections_at_once_are_all_answered(served):
    """A burst of clients fits in the listen backlog and each gets its own answer."""
    sockets = [_connect(served) for _ in range(200)]
    try:
        for index, sock in enumerate(sockets):
            sock.sendall(_request("GetTrail", f'{{"Name": "trail-{index:03d}"}}'.encode()))
        answers = [_parse(_read_to_end(sock)) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    assert [a.status for a in answers] == [400] * 200
    for index, answer in enumerate(answers):
        assert f"trail-{index:03d}" in answer.json()["Message"]
    assert len(served.harness.calls) == 200


THREADS = 8
CALLS_PER_THREAD = 500
TRAILS_PER_THREAD = 5  # CloudTrail's quota per account and region
ROUNDS = (CALLS_PER_THREAD - TRAILS_PER_THREAD) // 5
SELECTORS = [
    [{"InsightType": "ApiCallRateInsight"}],
    [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}],
    [{"InsightType": "ApiErrorRateInsight"}],
]


def _account(thread: int) -> str:
    return f"{100000000000 + thread:012d}"


def _load(client: Any, thread: int) -> tuple[list[str], dict[str, Any]]:
    """One thread's 500 calls in its own account: 5 trails, then rounds of put, get,
    describe, and two expected errors. Returns the operations made and the final selectors."""
    operations = []
    trails = [f"load-{thread}-{n}" for n in range(TRAILS_PER_THREAD)]
    for name in trails:
        client.create_trail(Name=name, S3BucketName=BUCKET)
        operations.append("CreateTrail")
    latest: dict[str, Any] = {}
    for round_ in range(ROUNDS):
        name = trails[round_ % TRAILS_PER_THREAD]
        selectors = SELECTORS[(round_ + thread) % len(SELECTORS)]
        client.put_insight_selectors(TrailName=name, InsightSelectors=selectors)
        latest[name] = selectors
        got = client.get_insight_selectors(TrailName=name)["InsightSelectors"]
        assert got == selectors, (thread, round_)
        described = client.describe_trails()["trailList"]
        assert sorted(t["Name"] for t in described) == trails
        with pytest.raises(client.exceptions.TrailNotFoundException):
            client.get_trail(Name=f"missing-{thread}-{round_}")
        with pytest.raises(client.exceptions.TrailAlreadyExistsException):
            client.create_trail(Name=name, S3BucketName=BUCKET)
        operations += [
            "PutInsightSelectors",
            "GetInsightSelectors",
            "DescribeTrails",
            "GetTrail",
            "CreateTrail",
        ]
    return operations, latest


def test_load_of_8_threads_loses_no_call(served):
    """8 clients x 500 calls through one server: every call is answered once, recorded once,
    in each client's order, and the state ends as the clients left it."""
    clients = [_client(served, key=_account(n), region=OTHER_REGION) for n in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(_load, clients[n], n) for n in range(THREADS)]
        results = [future.result(timeout=120) for future in futures]

    calls = list(served.harness.calls)
    assert len(calls) == THREADS * CALLS_PER_THREAD
    assert Counter(c.error for c in calls) == {
        None: THREADS * (TRAILS_PER_THREAD + 3 * ROUNDS),
        "TrailNotFoundException": THREADS * ROUNDS,
        "TrailAlreadyExistsException": THREADS * ROUNDS,
    }
    for thread, (operations, latest) in enumerate(results):
        mine = [c for c in calls if c.account_id == _account(thread)]
        assert [c.operation for c in mine] == operations, f"thread {thread}'s calls"
        assert {c.region for c in mine} == {OTHER_REGION}
        for name, selectors in latest.items():
            got = clients[thread].get_insight_selectors(TrailName=name)["InsightSelectors"]
            assert got == selectors, name


def test_concurrent_creates_of_one_name_succeed_exactly_once(served):
    """Creating one trail from 16 clients at the same instant: one wins, the rest are told it
    exists, and one trail is left."""
    clients = [_client(served) for _ in range(16)]
    start = threading.Barrier(len(clients), timeout=TIMEOUT)

    def create(client: Any) -> str:
        start.wait()
        try:
            client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        except client.exceptions.TrailAlreadyExistsException:
            return "exists"
        return "created"

    with ThreadPoolExecutor(len(clients)) as pool:
        outcomes = [f.result(timeout=60) for f in [pool.submit(create, c) for c in clients]]
    assert Counter(outcomes) == {"created": 1, "exists": 15}
    assert [t["Name"] for t in clients[0].describe_trails()["trailList"]] == [TRAIL]


# --- 7. stopping ---------------------------------------------------------------------------


def test_stop_closes_idle_connections_ends_the_thread_and_releases_the_port(request):
    """``stop`` leaves nothing behind: an idle keep-alive client is cut off rather than
    answered, the serving thread ends, and the port can be bound again."""
    served = _start()
    request.addfinalizer(served.running.stop)  # a second stop does nothing
    host, port = served.address
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        first = _post(connection, "DescribeTrails")
        assert (first.status, first.read()) == (200, b'{"trailList":[]}')
        served.running.stop()
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            _post(connection, "DescribeTrails").read()
    finally:
        connection.close()
    assert len(served.harness.calls) == 1
    assert not [t for t in threading.enumerate() if t.name == f"mock_insights {served.url}"]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=TIMEOUT).close()
    again = _start(port=port)  # the same port, free again
    try:
        assert again.url == served.url
        _still_serves(again)
    finally:
        again.running.stop()


def test_stop_is_prompt_with_a_client_mid_request(request):
    """A client that stopped mid-headers does not hold ``stop`` up until its idle timeout."""
    served = _start()  # a 60-second idle timeout
    request.addfinalizer(served.running.stop)
    with _connect(served) as slow:
        slow.sendall(b"POST / HTTP/1.1\r\nHost: mo")
        _still_serves(served)
        stopper = threading.Thread(target=served.running.stop)
        stopper.start()
        stopper.join(TIMEOUT)
        assert not stopper.is_alive(), "stop waited for a slow client"
        assert _is_dropped(slow)


# --- IPv6 -----------------------------------------------------------------------------------


def _ipv6_loopback_works() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def test_ipv6_loopback(request):
    """``host="::1"`` serves over IPv6, with the bracketed URL boto3 needs."""
    if not _ipv6_loopback_works():
        pytest.skip("this machine has no IPv6 loopback")
    served = _start(host="::1")
    request.addfinalizer(served.running.stop)
    assert served.url.startswith("http://[::1]:")
    client = _client(served)
    arn = client.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"]
    assert arn == f"arn:aws:cloudtrail:{OTHER_REGION}:{CLIENT_ACCOUNT}:trail/{TRAIL}"


def test_a_credential_scope_region_no_seed_could_hold_counts_as_unsigned():
    """``x-`` is no region a snapshot or state file could name, so a state saved from it
    would not load again; the request acts in the server's region instead."""
    from mock_insights._adapters.credential_scope import parse

    header = "AWS4-HMAC-SHA256 Credential=111122223333/20261124/{}/cloudtrail/aws4_request, "
    assert parse(header.format("x-")) is None
    scope = parse(header.format("eu-west-1"))
    assert scope is not None and (scope.access_key_id, scope.region) == (
        "111122223333",
        "eu-west-1",
    )
