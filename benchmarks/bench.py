"""Benchmark mock_insights against the floor, botocore's Stubber and moto.

Each measurement runs in a fresh interpreter and contenders take turns. The table shows
medians over the turns; a ratio is the median of the per-turn ratios, since the two runs of
a turn ran back to back and share the machine's drift. The two figures that compare small
differences (a call with mock_insights imported but inactive, an S3 call while it is active)
are measured inside each fresh interpreter in alternating batches, since fresh interpreters
differ among themselves by more than those differences. Run by hand:

    python benchmarks/bench.py            # full run (about 15 minutes), writes results.json
    python benchmarks/bench.py --quick    # a short run (CI, under 3 minutes)
    python benchmarks/bench.py --quick --async-only   # with aiobotocore installed

It ends with a table of every targeted figure: measured, target and whether it is met. Each
target is a ratio to something measured in the same run, except enter+exit, the import time
and memory, which are absolute.

The floor is a plain ``before-send`` handler that returns a canned answer: botocore's own
cost to serialize, sign and parse a call. A mock goes below it only by skipping botocore
work that means nothing while mocked (mock_insights skips signing and reuses the
User-Agent string). The unsigned floor is that handler on a client that skips the same work
without a mock: ``signature_version=UNSIGNED`` and a User-Agent string built once per set of
request features (as ``mock_insights._adapters.user_agent.reuse`` does); a put through the
mock against it is what the mock itself costs.

Scale: a put per call (``_per_call``) with 1 against 10,000 trails (not 100,000 even in a
full run: seeding them takes about 12 s an interpreter), and with 1 against 100,000 (quick:
10,000) organization members (the call a member's, on its own trail), pending injections that
never match, or accounts that each have a seeded trail (the call from the last of them).

First call: in a fresh interpreter, a client made before ``mock_insights()`` is entered, then
the first CreateTrail and the first PutInsightSelectors timed, against the same client and
calls answered by canned ``before-send`` handlers; 7 turns (full: 15), one call each.

Snapshot and restore: 10,000 trails (quick: 1,000) made through the API, 5 per account with a
PutInsightSelectors each, timed whole (client creation included), then ``snapshot()`` and
``restore(snapshot)`` of them (each the median of three, after a warm-up on empty state), as
shares of that creation; three turns. A state file of 20 trails restored by path (median of
200) against one put in the same interpreter.

Suite: 1,000 tests (quick: 100) in one interpreter, each entering the mock, making a
``boto3.client("cloudtrail")`` and ten CloudTrail calls that succeed (the ninth alternates
``add_tags`` and ``list_tags``); under moto's ``mock_aws`` each test also makes its S3 bucket
first, since moto's CreateTrail wants it. Total seconds, and the process's peak RSS
(``resource.getrusage().ru_maxrss``, whole process, imports included; also reported after the
imports). One interpreter per contender and one turn: moto's full suite alone takes minutes.

Server mode is measured as a client sees it: the median time of one boto3 call through
``mock-insights serve`` and through moto's ``moto_server`` (with ``moto[server]`` installed),
each started in its own process on a free loopback port.

Where aiobotocore is installed, a full run also compares an aiobotocore call through the mock
with a sync one (aiobotocore pins an older botocore, so that figure comes from its own
environment).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REGION = "us-east-1"
TRAIL = "bench-trail"
BUCKET = "bench-bucket"
SELECTORS = [{"InsightType": "ApiCallRateInsight"}]
PUT_ANSWER = json.dumps(
    {
        "TrailARN": f"arn:aws:cloudtrail:{REGION}:123456789012:trail/{TRAIL}",
        "InsightSelectors": SELECTORS,
    }
).encode()
CREATE_ANSWER = json.dumps(
    {
        "Name": "first-trail",
        "S3BucketName": "first-bucket",
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": False,
        "TrailARN": f"arn:aws:cloudtrail:{REGION}:123456789012:trail/first-trail",
        "LogFileValidationEnabled": False,
        "IsOrganizationTrail": False,
    }
).encode()
FIRST_ACCOUNT = 100000000000  # the first of the 12-digit accounts the scale figures make
# What a scale figure counts: organization members, pending injections, accounts with a trail.
SCALE_KINDS = {"organization": "members", "injections": "injections", "accounts": "accounts"}


# --- workers: each runs in its own interpreter and prints one JSON number -----------------


def _per_call(call: Any, calls: int) -> float:
    """Median microseconds per call over five batches, after a warm-up."""
    for _ in range(max(calls // 5, 20)):
        call()
    batches = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        batches.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(batches)


def _canned(body: bytes) -> Any:
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_: Any) -> Any:
            yield body

    def answer(request: Any, **_: Any) -> Any:
        return AWSResponse(request.url, 200, {"content-type": "application/x-amz-json-1.1"}, Raw())

    return answer


def _client(service: str = "cloudtrail", **kwargs: Any) -> Any:
    import boto3

    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        **kwargs,
    )


def _reuse_user_agent(client: Any) -> None:
    """Build ``client``'s User-Agent once per set of request features, as the active mock does
    (``mock_insights._adapters.user_agent.reuse``), without importing or activating a mock:
    the builder's class is swapped in place, since botocore also holds it as its per-call
    rebuild handler."""
    from botocore.useragent import UserAgentString

    try:
        from botocore.context import get_context
    except ImportError:  # older botocore: no per-request features

        def get_context() -> Any:
            return None

    class BuiltOnce(UserAgentString):  # type: ignore[misc]
        def to_string(self) -> str:
            context = get_context()
            features = frozenset() if context is None else frozenset(context.features)
            strings = self.__dict__.setdefault("_bench_built", {})
            text = strings.get(features)
            if text is None:
                text = strings[features] = str(super().to_string())
            return text

    builder = client._user_agent_creator
    assert type(builder) is UserAgentString, type(builder)
    builder.__class__ = BuiltOnce


def _operation(client: Any, operation: str) -> Any:
    if operation == "put":
        return lambda: client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)
    return lambda: client.get_insight_selectors(TrailName=TRAIL)


def worker_floor(operation: str, calls: int, **_: Any) -> float:
    client = _client()
    client.meta.events.register("before-send.cloudtrail", _canned(PUT_ANSWER))
    return _per_call(_operation(client, operation), calls)


def worker_unsigned_floor(operation: str, calls: int, **_: Any) -> float:
    """The floor without the work the active mock skips: an unsigned client
    (``signature_version=UNSIGNED``) whose User-Agent string is built once and reused."""
    import botocore
    from botocore.config import Config

    client = _client(config=Config(signature_version=botocore.UNSIGNED))
    _reuse_user_agent(client)
    client.meta.events.register("before-send.cloudtrail", _canned(PUT_ANSWER))
    return _per_call(_operation(client, operation), calls)


def worker_stubber(operation: str, calls: int, **_: Any) -> float:
    from botocore.stub import Stubber

    client = _client()
    stubber = Stubber(client)
    stubber.activate()
    answer = json.loads(PUT_ANSWER)
    method = "put_insight_selectors" if operation == "put" else "get_insight_selectors"
    call = _operation(client, operation)

    def stubbed() -> None:
        stubber.add_response(method, answer)
        call()

    return _per_call(stubbed, calls)


def worker_moto(operation: str, calls: int, **_: Any) -> float:
    from moto import mock_aws

    with mock_aws():
        _client("s3").create_bucket(Bucket=BUCKET)
        client = _client()
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)
        return _per_call(_operation(client, operation), calls)


def worker_mock_insights(operation: str, calls: int, trails: int = 1, **_: Any) -> float:
    from mock_insights import mock_insights

    with mock_insights() as mock:
        _seed_trails(mock, trails - 1)
        client = _client()
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)
        mock.calls.clear()
        return _per_call(_operation(client, operation), calls)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serving(contender: str) -> tuple[subprocess.Popen[str], str]:
    """Start a server process: ``mock-insights serve`` or moto's ``moto_server``; its URL."""
    if contender == "mock_insights":
        command = [sys.executable, "-m", "mock_insights", "serve"]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        return server, server.stdout.readline().strip()
    port = _free_port()
    moto = "from moto.server import main; main()"
    command = [sys.executable, "-c", moto, "-H", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # moto prints nothing parseable: poll until it answers
        with contextlib.suppress(OSError):
            import urllib.request

            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).read()
            break
        time.sleep(0.1)
    return server, url


def worker_server(contender: str, calls: int, **_: Any) -> float:
    """Median microseconds of one boto3 call through a loopback server (each call timed)."""
    import boto3

    server, url = _serving(contender)
    try:
        session = boto3.Session(
            aws_access_key_id="123456789012", aws_secret_access_key="bench", region_name=REGION
        )
        if contender == "moto":  # moto's CreateTrail wants the bucket in its S3
            session.client("s3", endpoint_url=url).create_bucket(Bucket=BUCKET)
        client = session.client("cloudtrail", endpoint_url=url)
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        call = _operation(client, "put")
        for _ in range(max(calls // 5, 20)):
            call()
        timings = []
        for _ in range(calls):
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1e6)
        return statistics.median(timings)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _seed_trails(mock: Any, count: int, first_account: int = 100000000000) -> None:
    """``count`` trails with Insights, 5 per region per account as the quota allows."""
    for index in range(count):
        mock.seed_trail(
            Name=f"seeded-{index}",
            S3BucketName=BUCKET,
            InsightSelectors=SELECTORS,
            AccountId=f"{first_account + index // 5}",
        )


def worker_enter_exit(contender: str, calls: int, **_: Any) -> float:
    if contender == "moto":
        from moto import mock_aws

        mock: Any = mock_aws()
    else:
        from mock_insights import mock_insights

        mock = mock_insights()

    def cycle() -> None:
        with mock:
            pass

    return _per_call(cycle, calls)


def worker_import(contender: str, **_: Any) -> float:
    import boto3  # noqa: F401

    start = time.perf_counter()
    if contender == "moto":
        import moto  # noqa: F401
        from moto import mock_aws  # noqa: F401
    else:
        import mock_insights  # noqa: F401
    return (time.perf_counter() - start) * 1e3


def _alternating(variants: dict[str, tuple[Any, Any]]) -> dict[str, float]:
    """Median microseconds per call of each variant, measured in alternating batches.

    A variant is a call and a context manager entered around each of its batches. The order
    flips every round, so neither variant always runs right after the other.
    """
    batch = 100
    times: dict[str, list[float]] = {label: [] for label in variants}
    order = list(variants.items())
    for round_ in range(22):  # the first two rounds warm up
        for label, (call, around) in order if round_ % 2 else reversed(order):
            with around:
                start = time.perf_counter()
                for _ in range(batch):
                    call()
                elapsed = time.perf_counter() - start
            if round_ >= 2:
                times[label].append(elapsed / batch * 1e6)
    return {label: statistics.median(values) for label, values in times.items()}


def worker_inactive(**_: Any) -> dict[str, float]:
    """A CloudTrail call answered by the floor handler, with and without mock_insights' hooks.

    mock_insights is imported and never started. The "without" client comes from a session
    made while its handlers were taken out of botocore's built-in list, and its batches run
    with botocore's own methods in place of the ones mock_insights wraps, so the two differ
    only in what importing mock_insights adds to every call. One interpreter and
    alternating batches, because the difference is small and fresh interpreters differ more.
    """
    import botocore.handlers
    import botocore.session

    import mock_insights._adapters.botocore_hook as hook

    def put_on(session: Any) -> Any:
        client = session.create_client(
            "cloudtrail", region_name=REGION, aws_access_key_id="b", aws_secret_access_key="b"
        )
        client.meta.events.register("before-send.cloudtrail", _canned(PUT_ANSWER))
        return _operation(client, "put")

    builtin = botocore.handlers.BUILTIN_HANDLERS
    saved = list(builtin)
    builtin[:] = [entry for entry in builtin if entry not in hook.HANDLERS]
    without = put_on(botocore.session.Session())
    builtin[:] = saved
    with_hooks = put_on(botocore.session.Session())
    return _alternating(
        {
            "without mock_insights": (without, _UnwrappedBotocore()),
            "imported, inactive": (with_hooks, contextlib.nullcontext()),
        },
    )


class _UnwrappedBotocore:
    """botocore's own methods in place of the ones mock_insights wraps, around each batch."""

    def __init__(self) -> None:
        import botocore.endpoint
        import botocore.session
        import botocore.signers

        owners = [
            (botocore.signers.RequestSigner, "_choose_signer"),
            (botocore.endpoint.Endpoint, "_send"),
            (botocore.endpoint.Endpoint, "_needs_retry"),
            (botocore.session.Session, "get_credentials"),
            (botocore.session.Session, "get_scoped_config"),
        ]
        self._wrapped = [(owner, name, getattr(owner, name)) for owner, name in owners]

    def __enter__(self) -> None:
        for owner, name, method in self._wrapped:
            setattr(owner, name, method.__wrapped__)

    def __exit__(self, *_: object) -> None:
        for owner, name, method in self._wrapped:
            setattr(owner, name, method)


def worker_s3(**_: Any) -> dict[str, float]:
    """An S3 call answered by a canned handler, while mock_insights is inactive and active.

    One interpreter and alternating batches, for the same reason as ``worker_inactive``.
    """
    from mock_insights import mock_insights

    client = _client("s3")
    client.meta.events.register(
        "before-send.s3", _canned(b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>")
    )
    return _alternating(
        {
            "mock_insights inactive": (client.list_buckets, contextlib.nullcontext()),
            "mock_insights active": (client.list_buckets, mock_insights()),
        },
    )


def worker_async(calls: int, **_: Any) -> dict[str, float]:
    """A put through the mock from a sync client and from an aiobotocore client, side by side
    in one interpreter, in alternating batches on one event loop."""
    import asyncio

    from aiobotocore.session import get_session

    from mock_insights import mock_insights

    loop = asyncio.new_event_loop()
    with mock_insights():
        sync = _client()
        sync.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        context = get_session().create_client("cloudtrail", region_name=REGION)
        aclient = loop.run_until_complete(context.__aenter__())

        async def batch(count: int) -> None:
            for _ in range(count):
                await aclient.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)

        def put_sync() -> None:
            sync.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)

        times: dict[str, list[float]] = {"sync": [], "async": []}
        for round_ in range(12):  # the first two rounds warm up
            for label in ("sync", "async") if round_ % 2 else ("async", "sync"):
                start = time.perf_counter()
                if label == "sync":
                    for _ in range(calls):
                        put_sync()
                else:
                    loop.run_until_complete(batch(calls))
                if round_ >= 2:
                    times[label].append((time.perf_counter() - start) / calls * 1e6)
        loop.run_until_complete(context.__aexit__(None, None, None))
    loop.close()
    return {label: statistics.median(values) for label, values in times.items()}


def worker_lookup(calls: int, accounts: int = 1, events: int = 10_000, **_: Any) -> float:
    """A LookupEvents page of 50 from 10,000 stored events, with ``accounts`` - 1 other
    accounts that each have a trail and events of their own."""
    from mock_insights import mock_insights

    now = time.time()
    with mock_insights() as mock:
        for index in range(events):
            mock.add_event("RunInstances", event_source="ec2.amazonaws.com", time=now - index)
        _seed_trails(mock, accounts - 1)
        for account in range(1, accounts):
            other = mock_insights(account_id=str(100000000000 + account))
            with other:
                other.add_event("RunInstances", event_source="ec2.amazonaws.com")
        client = _client()
        return _per_call(lambda: client.lookup_events(MaxResults=50), calls)


def worker_memory(trails: int, **_: Any) -> float:
    """Megabytes held by ``trails`` seeded trails with Insights (tracemalloc)."""
    import tracemalloc

    from mock_insights import mock_insights

    with mock_insights() as mock:
        _seed_trails(mock, 1, first_account=999999999999)  # load modules and caches first
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        _seed_trails(mock, trails)
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
        return grown / 1e6


def worker_first_call(contender: str, **_: Any) -> dict[str, float]:
    """Milliseconds of the first CreateTrail and then the first PutInsightSelectors of a fresh
    interpreter, on a client made before activation: through the mock, or (``botocore``)
    answered by canned ``before-send`` handlers, which is botocore's own first-call cost."""
    import boto3

    if contender == "mock_insights":
        from mock_insights import mock_insights

        around: Any = mock_insights()
    else:
        around = contextlib.nullcontext()
    client = boto3.client(
        "cloudtrail", region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench"
    )
    if contender != "mock_insights":
        events = client.meta.events
        events.register("before-send.cloudtrail.CreateTrail", _canned(CREATE_ANSWER))
        events.register("before-send.cloudtrail.PutInsightSelectors", _canned(PUT_ANSWER))
    with around:
        start = time.perf_counter()
        client.create_trail(Name="first-trail", S3BucketName="first-bucket")
        first = time.perf_counter()
        client.put_insight_selectors(TrailName="first-trail", InsightSelectors=SELECTORS)
        second = time.perf_counter()
    return {
        "first call after activation (ms)": (first - start) * 1e3,
        "first PutInsightSelectors after it (ms)": (second - first) * 1e3,
    }


def worker_snapshot(trails: int, **_: Any) -> dict[str, float]:
    """``trails`` trails made through the API (5 per account, each followed by
    PutInsightSelectors; one session, one client per account), then ``snapshot`` (the median
    of three) and ``restore`` of that state: the first restore, which validates and replays
    every entry, and the median of two more of equal snapshots, which take the state the
    first one remembered. Milliseconds."""
    import boto3

    from mock_insights import mock_insights

    session = boto3.Session()
    with mock_insights() as mock:
        mock.restore(mock.snapshot())  # load the snapshot code before timing it
        start = time.perf_counter()
        for account in range(FIRST_ACCOUNT, FIRST_ACCOUNT + -(-trails // 5)):
            client = session.client(
                "cloudtrail",
                aws_access_key_id=str(account),
                aws_secret_access_key="x",
                region_name=REGION,
            )
            for index in range(5):
                name = f"trail-{index}"
                client.create_trail(Name=name, S3BucketName=BUCKET)
                client.put_insight_selectors(TrailName=name, InsightSelectors=SELECTORS)
        creation = time.perf_counter() - start
        assert len(mock.snapshot()["trails"]) == trails
        snapshots, restores = [], []
        for _ in range(3):
            start = time.perf_counter()
            saved = mock.snapshot()
            snapshots.append(time.perf_counter() - start)
            start = time.perf_counter()
            mock.restore(saved)
            restores.append(time.perf_counter() - start)
    return {
        "creation": creation * 1e3,
        "snapshot": statistics.median(snapshots) * 1e3,
        "restore": restores[0] * 1e3,
        "restore again": statistics.median(restores[1:]) * 1e3,
    }


def worker_state_file(rounds: int, **_: Any) -> dict[str, float]:
    """``restore`` from a state file of 20 trails (each restore timed alone; the median of
    ``rounds``, after 20 to warm up) against one PutInsightSelectors call in the same
    interpreter (``_per_call`` over ``rounds`` calls a batch). Microseconds."""
    import os
    import tempfile

    from mock_insights import mock_insights

    with mock_insights() as mock:
        client = _client()
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)
        _seed_trails(mock, 19)
        handle, path = tempfile.mkstemp(suffix=".json")
        try:
            with os.fdopen(handle, "w") as file:
                json.dump(mock.snapshot(), file)
            restores = []
            for round_ in range(rounds + 20):
                start = time.perf_counter()
                mock.restore(path)
                if round_ >= 20:
                    restores.append((time.perf_counter() - start) * 1e6)
        finally:
            os.unlink(path)
        mock.calls.clear()
        put = _per_call(_operation(client, "put"), rounds)
    return {"restore(path)": statistics.median(restores), "put call": put}


def worker_scale(kind: str, count: int, calls: int, **_: Any) -> float:
    """Microseconds per PutInsightSelectors call with ``count`` organization members, pending
    injections that never match, or accounts that each have a trail."""
    from mock_insights import mock_insights

    with mock_insights() as mock:
        if kind == "organization":  # the call is a member's, on its own trail
            members = [str(FIRST_ACCOUNT + index) for index in range(count)]
            mock.set_organization(member_account_ids=members)
            client = mock.client(account_id=members[-1])
            client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        elif kind == "injections":
            for index in range(count):
                mock.inject_error(
                    "GetTrail", "TrailNotFoundException", times=1, Name=f"other-{index}"
                )
            client = _client()
            client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
        else:  # accounts: each with one seeded trail; the call from the last of them
            for index in range(count):
                mock.seed_trail(
                    Name=TRAIL, S3BucketName=BUCKET, AccountId=str(FIRST_ACCOUNT + index)
                )
            client = mock.client(account_id=str(FIRST_ACCOUNT + count - 1))
        client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)
        mock.calls.clear()
        return _per_call(_operation(client, "put"), calls)


def _suite_test(client: Any, index: int) -> None:
    """One test's ten CloudTrail calls, all succeeding."""
    name = f"suite-trail-{index}"
    client.create_trail(Name=name, S3BucketName=f"suite-bucket-{index}")
    client.put_event_selectors(
        TrailName=name,
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    client.put_insight_selectors(TrailName=name, InsightSelectors=SELECTORS)
    client.get_insight_selectors(TrailName=name)
    arn = client.get_trail(Name=name)["Trail"]["TrailARN"]
    client.describe_trails(trailNameList=[name])
    client.get_trail_status(Name=name)
    client.start_logging(Name=name)
    if index % 2:
        client.list_tags(ResourceIdList=[arn])
    else:
        client.add_tags(ResourceId=arn, TagsList=[{"Key": "team", "Value": "bench"}])
    client.delete_trail(Name=name)


def worker_suite(contender: str, tests: int, **_: Any) -> dict[str, float]:
    """A realistic suite: ``tests`` tests, each entering the mock, making a client and ten
    CloudTrail calls. Under moto each test also makes its S3 bucket, since moto's CreateTrail
    wants it. Total seconds, and the process's peak RSS (``ru_maxrss``) after the imports and
    at the end."""
    import resource

    import boto3

    if contender == "moto":
        from moto import mock_aws as mock
    else:
        from mock_insights import mock_insights as mock

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    imported = peak_mb()
    start = time.perf_counter()
    for index in range(tests):
        with mock():
            if contender == "moto":
                s3 = boto3.client("s3", region_name=REGION)
                s3.create_bucket(Bucket=f"suite-bucket-{index}")
            _suite_test(boto3.client("cloudtrail", region_name=REGION), index)
    seconds = time.perf_counter() - start
    return {
        f"suite of {tests} tests (s)": seconds,
        "suite peak RSS, ru_maxrss (MB)": peak_mb(),
        "suite ru_maxrss after imports (MB)": imported,
    }


WORKERS = {
    name[len("worker_") :]: fn for name, fn in globals().items() if name.startswith("worker_")
}


# --- the runner ---------------------------------------------------------------------------


def run_worker(worker: str, **options: Any) -> Any:
    """One worker in a fresh interpreter; what it printed last, as JSON."""
    output = subprocess.run(
        [sys.executable, __file__, "--worker", worker, json.dumps(options)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(worker: str, turns: int, **options: Any) -> float:
    """Median over ``turns`` fresh interpreters."""
    return statistics.median(float(run_worker(worker, **options)) for _ in range(turns))


def installed(module: str) -> bool:
    """Whether ``module`` imports in a fresh interpreter (this one stays clean)."""
    command = [sys.executable, "-c", f"import {module}"]
    return subprocess.run(command, capture_output=True).returncode == 0


def in_turns(turns: int, variants: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, list[float]]:
    """Each variant once per turn, each in a fresh interpreter: drift hits every variant alike."""
    samples: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(turns):
        for label, (worker, options) in variants.items():
            samples[label].append(measure(worker, 1, **options))
    return samples


def per_turn(turns: int, worker: str, **options: Any) -> dict[str, list[float]]:
    """A worker that prints several labelled numbers, once per turn: ``{label: samples}``."""
    each_turn = [run_worker(worker, **options) for _ in range(turns)]
    return {label: [float(turn[label]) for turn in each_turn] for label in each_turn[0]}


def in_turns_each(
    turns: int, variants: dict[str, tuple[str, dict[str, Any]]]
) -> dict[str, dict[str, list[float]]]:
    """``in_turns`` for workers that print several figures: ``{figure: {variant: samples}}``."""
    samples: dict[str, dict[str, list[float]]] = {}
    for _ in range(turns):
        for label, (worker, options) in variants.items():
            for figure, value in run_worker(worker, **options).items():
                samples.setdefault(figure, {}).setdefault(label, []).append(float(value))
    return samples


def run_async(quick: bool) -> dict[str, Any]:
    """The async figure alone: an aiobotocore call against a sync call through the mock."""
    each_turn = [run_worker("async", calls=100 if quick else 300) for _ in range(3 if quick else 5)]
    samples = {
        "async call through the mock (us)": {
            label: [turn[label] for turn in each_turn] for label in each_turn[0]
        }
    }
    figures = {
        figure: {label: statistics.median(values) for label, values in row.items()}
        for figure, row in samples.items()
    }
    return {
        "quick": quick,
        "python": sys.version.split()[0],
        "figures": figures,
        "samples": samples,
    }


def _medians(row: dict[str, list[float]]) -> dict[str, float]:
    return {label: statistics.median(values) for label, values in row.items()}


def _count(number: int) -> str:
    return f"{number:,}"


def run(quick: bool) -> dict[str, Any]:
    turns = 3 if quick else 7
    calls = 200 if quick else 1000
    big = 1000 if quick else 10_000
    # Scale figures: 1 against this many organization members, injections or accounts. Trails
    # stay at 10,000 in both modes: seeding 100,000 takes about 12 s an interpreter, which
    # over the turns of put and get is far past a minute.
    many = 10_000 if quick else 100_000
    many_trails = 10_000
    with_moto = installed("moto")
    samples: dict[str, dict[str, list[float]]] = {}
    for operation in ("put", "get"):
        contenders = ["floor", "stubber", "mock_insights"] + (["moto"] if with_moto else [])
        if operation == "put":
            contenders.insert(1, "unsigned_floor")
        samples[f"{operation} per call (us)"] = in_turns(
            turns, {name: (name, {"operation": operation, "calls": calls}) for name in contenders}
        )
        samples[f"{operation} per call by trails (us)"] = in_turns(
            turns,
            {
                f"{trails} trail{'s' if trails > 1 else ''}": (
                    "mock_insights",
                    {"operation": operation, "calls": calls, "trails": trails},
                )
                for trails in sorted({1, many_trails} if quick else {1, 1000, many_trails})
            },
        )
    small = max(turns, 5)  # these differences are small: more turns, even in quick mode
    for figure, worker in (("inactive CloudTrail call (us)", "inactive"), ("S3 call (us)", "s3")):
        samples[figure] = per_turn(small, worker)
    for kind, noun in SCALE_KINDS.items():
        samples[f"put per call by {kind} (us)"] = in_turns(
            turns,
            {
                f"{count} {noun if count > 1 else noun[:-1]}": (
                    "scale",
                    {"kind": kind, "count": count, "calls": calls},
                )
                for count in (1, many)
            },
        )
    figures: dict[str, Any] = {
        figure: {label: statistics.median(values) for label, values in row.items()}
        for figure, row in samples.items()
    }
    figures["enter+exit (us)"] = {
        "mock_insights": measure("enter_exit", turns, contender="mock_insights", calls=calls)
    }
    figures["import over boto3 (ms)"] = {
        "mock_insights": measure("import", max(turns, 5), contender="mock_insights")
    }
    if with_moto:
        figures["enter+exit (us)"]["moto"] = measure(
            "enter_exit", turns, contender="moto", calls=20
        )
        figures["import over boto3 (ms)"]["moto"] = measure("import", turns, contender="moto")
    samples["LookupEvents page of 50 from 10,000 events (us)"] = in_turns(
        turns,
        {
            f"{accounts} account{'s' if accounts > 1 else ''}": (
                "lookup",
                {"calls": calls // 4, "accounts": accounts},
            )
            for accounts in (1, 1000)
        },
    )
    figures["LookupEvents page of 50 from 10,000 events (us)"] = {
        label: statistics.median(values)
        for label, values in samples["LookupEvents page of 50 from 10,000 events (us)"].items()
    }
    figures[f"memory, {big} trails with Insights (MB)"] = measure("memory", 1, trails=big)
    servers = ["mock_insights"] + (["moto"] if installed("moto.server") else [])
    samples["put through a loopback server, median (us)"] = in_turns(
        turns, {name: ("server", {"contender": name, "calls": calls // 2}) for name in servers}
    )
    figures["put through a loopback server, median (us)"] = {
        label: statistics.median(values)
        for label, values in samples["put through a loopback server, median (us)"].items()
    }
    # First calls: one per interpreter, so many turns.
    first = in_turns_each(
        7 if quick else 15,
        {name: ("first_call", {"contender": name}) for name in ("mock_insights", "botocore")},
    )
    samples |= first
    snapshotted = 1000 if quick else 10_000
    snapshot_figure = f"snapshot and restore, {_count(snapshotted)} trails made by API (ms)"
    samples[snapshot_figure] = per_turn(3, "snapshot", trails=snapshotted)
    samples["state file of 20 trails: restore(path) vs a put (us)"] = per_turn(
        turns, "state_file", rounds=200
    )
    # The suite runs once per contender: moto's full suite alone takes minutes.
    tests = 100 if quick else 1000
    suite = in_turns_each(
        1,
        {
            name: ("suite", {"contender": name, "tests": tests})
            for name in ["mock_insights"] + (["moto"] if with_moto else [])
        },
    )
    samples |= suite
    for figure in [*first, snapshot_figure, *suite]:
        figures[figure] = _medians(samples[figure])
    figures["state file of 20 trails: restore(path) vs a put (us)"] = _medians(
        samples["state file of 20 trails: restore(path) vs a put (us)"]
    )
    if installed("aiobotocore"):
        async_result = run_async(quick)
        samples |= async_result["samples"]
        figures |= async_result["figures"]
    return {
        "quick": quick,
        "python": sys.version.split()[0],
        "sizes": {
            "trails": many_trails,
            "scale": many,
            "snapshot": snapshotted,
            "suite": tests,
            "memory": big,
        },
        "figures": figures,
        "samples": samples,
    }


def _paired(row: dict[str, list[float]], numerator: str, denominator: str) -> float:
    """The median of per-turn ratios: each pair ran back to back, so drift cancels."""
    return statistics.median([a / b for a, b in zip(row[numerator], row[denominator], strict=True)])


def _most(row: dict[str, list[float]]) -> str:
    """The label of a scale row with the largest count (labels start with the count)."""
    return max(row, key=lambda label: int(label.split()[0]))


def ratios(result: dict[str, Any]) -> dict[str, float]:
    samples = result["samples"]
    out = {}
    if "async call through the mock (us)" in samples:
        out["async vs sync call (target <= 1.3)"] = _paired(
            samples["async call through the mock (us)"], "async", "sync"
        )
    if "put per call (us)" not in samples:  # --async-only
        return out
    for operation in ("put", "get"):
        row = samples[f"{operation} per call (us)"]
        out[f"{operation} vs floor"] = _paired(row, "mock_insights", "floor")
        if "unsigned_floor" in row:
            out[f"{operation} vs unsigned floor"] = _paired(row, "mock_insights", "unsigned_floor")
        if "moto" in row:
            out[f"{operation} vs moto"] = _paired(row, "mock_insights", "moto")
        by_trails = samples[f"{operation} per call by trails (us)"]
        most = _most(by_trails)
        out[f"{operation}: {most} vs 1 trail"] = _paired(by_trails, most, "1 trail")
    for kind, noun in SCALE_KINDS.items():
        row = samples[f"put per call by {kind} (us)"]
        out[f"put: {_most(row)} vs 1"] = _paired(row, _most(row), f"1 {noun[:-1]}")
    served = samples["put through a loopback server, median (us)"]
    if "moto" in served:
        out["server vs moto_server (target <= 0.5)"] = _paired(served, "mock_insights", "moto")
    lookups = samples["LookupEvents page of 50 from 10,000 events (us)"]
    out["lookup: 1000 accounts vs 1 account"] = _paired(lookups, "1000 accounts", "1 account")
    out["inactive vs without"] = _paired(
        samples["inactive CloudTrail call (us)"], "imported, inactive", "without mock_insights"
    )
    out["S3 active vs inactive"] = _paired(
        samples["S3 call (us)"], "mock_insights active", "mock_insights inactive"
    )
    for figure in ("first call after activation (ms)", "first PutInsightSelectors after it (ms)"):
        name = figure.split(" (")[0]
        out[f"{name} vs botocore's"] = _paired(samples[figure], "mock_insights", "botocore")
    snapshot_figure = next(figure for figure in samples if figure.startswith("snapshot and"))
    for step in ("snapshot", "restore", "restore again"):
        out[f"{step} / creation"] = _paired(samples[snapshot_figure], step, "creation")
    out["restore(path) of 20 trails vs a put"] = _paired(
        samples["state file of 20 trails: restore(path) vs a put (us)"],
        "restore(path)",
        "put call",
    )
    suite = next(figure for figure in samples if figure.startswith("suite of"))
    if "moto" in samples[suite]:
        out["suite vs moto's"] = _paired(samples[suite], "mock_insights", "moto")
    return out


def checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each targeted figure of this run: measured, target and whether it is met."""
    ratio = result["ratios"]
    figures = result["figures"]
    rows: list[dict[str, Any]] = []

    def add(figure: str, measured: float, limit: float, unit: str, strict: bool = False) -> None:
        met = measured < limit if strict else measured <= limit
        shown = {
            "x": "{:.2f}x",
            "%": "{:.2f}%",
            "us": "{:.1f} us",
            "ms": "{:.1f} ms",
            "MB": "{:.1f} MB",
        }[unit]
        target = ("< " if strict else "<= ") + shown.format(limit)
        rows.append(
            {
                "figure": figure,
                "measured": measured,
                "shown": shown.format(measured),
                "target": target,
                "limit": limit,
                "met": met,
            }
        )

    sizes = result.get("sizes", {})
    if "put vs floor" in ratio:
        for operation in ("put", "get"):
            add(f"{operation} vs signed floor", ratio[f"{operation} vs floor"], 0.6, "x")
            if f"{operation} vs moto" in ratio:
                add(f"{operation} vs moto", ratio[f"{operation} vs moto"], 0.5, "x")
        add("put vs unsigned floor", ratio["put vs unsigned floor"], 1.15, "x")
        trails, many = sizes["trails"], sizes["scale"]
        for operation in ("put", "get"):
            label = f"{operation}: {trails:,} trails vs 1"
            if not result["quick"] and trails < 100_000:
                label += " (not 100,000: too slow to seed)"
            add(label, ratio[f"{operation}: {trails} trails vs 1 trail"], 1.10, "x")
        for noun, label in (
            ("members", "organization members"),
            ("injections", "pending injections"),
            ("accounts", "accounts with a trail"),
        ):
            add(f"put: {many:,} {label} vs 1", ratio[f"put: {many} {noun} vs 1"], 1.10, "x")
        add("lookup: 1,000 accounts vs 1", ratio["lookup: 1000 accounts vs 1 account"], 1.10, "x")
        add(
            "first call after activation vs botocore's",
            ratio["first call after activation vs botocore's"],
            1.2,
            "x",
        )
        add(
            "first PutInsightSelectors vs botocore's",
            ratio["first PutInsightSelectors after it vs botocore's"],
            1.5,
            "x",
        )
        made = f"{sizes['snapshot']:,} trails"
        add(f"snapshot of {made} / their creation", ratio["snapshot / creation"] * 100, 0.3, "%")
        add(
            f"restore of {made}, first / their creation",
            ratio["restore / creation"] * 100,
            1.5,
            "%",
        )
        add(
            f"restore of {made} again / their creation",
            ratio["restore again / creation"] * 100,
            1.5,
            "%",
        )
        add(
            "restore(path) of 20 trails vs one put call",
            ratio["restore(path) of 20 trails vs a put"],
            1.0,
            "x",
            strict=True,
        )
        if "suite vs moto's" in ratio:
            label = f"suite of {sizes['suite']:,} tests vs moto's (+ a bucket each)"
            add(label, ratio["suite vs moto's"], 0.5, "x")
        if "server vs moto_server (target <= 0.5)" in ratio:
            add("server vs moto_server", ratio["server vs moto_server (target <= 0.5)"], 0.5, "x")
        add("enter+exit", figures["enter+exit (us)"]["mock_insights"], 50, "us", strict=True)
        add(
            "import over boto3",
            figures["import over boto3 (ms)"]["mock_insights"],
            15,
            "ms",
            strict=True,
        )
        add("inactive vs without mock_insights", ratio["inactive vs without"], 1.02, "x")
        add("S3 call active vs inactive", ratio["S3 active vs inactive"], 1.02, "x")
        memory = sizes["memory"]
        add(
            f"memory, {memory:,} trails (30 MB per 10,000)",
            figures[f"memory, {memory} trails with Insights (MB)"],
            30 * memory / 10_000,
            "MB",
        )
    if "async vs sync call (target <= 1.3)" in ratio:
        add("async vs sync call", ratio["async vs sync call (target <= 1.3)"], 1.3, "x")
    return rows


def print_checks(rows: list[dict[str, Any]]) -> None:
    width = max([len("figure")] + [len(row["figure"]) for row in rows])
    print()
    print(f"{'figure':{width}} | {'measured':>10} | {'target':>10} | met")
    print(f"{'-' * width}-|-{'-' * 10}-|-{'-' * 10}-|----")
    for row in rows:
        met = "yes" if row["met"] else "NO"
        print(f"{row['figure']:{width}} | {row['shown']:>10} | {row['target']:>10} | {met}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run, for CI")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--async-only",
        action="store_true",
        help="only the async figure (in an environment with aiobotocore)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "OPTIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, options = args.worker
        print(json.dumps(WORKERS[name](**json.loads(options))))
        return
    result = run_async(args.quick) if args.async_only else run(args.quick)
    result["ratios"] = ratios(result)
    result["targets"] = checks(result)
    for figure, value in result["figures"].items():
        cells = (
            ", ".join(f"{k} {v:.1f}" for k, v in value.items())
            if isinstance(value, dict)
            else f"{value:.1f}"
        )
        print(f"{figure:45} {cells}")
    for name, value in result["ratios"].items():
        print(f"{name:45} {value:.3f}")
    print_checks(result["targets"])
    args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
