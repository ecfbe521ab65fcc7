"""Benchmark mock_insights against the floor, botocore's Stubber and moto.

Each measurement runs in a fresh interpreter and contenders take turns. The table shows
medians over the turns; a ratio is the median of the per-turn ratios, since the two runs of
a turn ran back to back and share the machine's drift. The two figures that compare small
differences (a call with mock_insights imported but inactive, an S3 call while it is active)
are measured inside each fresh interpreter in alternating batches, since fresh interpreters
differ among themselves by more than those differences. Run by hand:

    python benchmarks/bench.py            # full run, writes benchmarks/results.json
    python benchmarks/bench.py --quick    # a short run (CI)
    python benchmarks/bench.py --quick --async-only   # with aiobotocore installed

Server mode is measured as a client sees it: the median time of one boto3 call through
``mock-insights serve`` and through moto's ``moto_server`` (with ``moto[server]`` installed),
each started in its own process on a free loopback port.

Where aiobotocore is installed, a full run also compares an aiobotocore call through the mock
with a sync one (aiobotocore pins an older botocore, so that figure comes from its own
environment).

The floor is a plain ``before-send`` handler that returns a canned answer: botocore's own
cost to serialize, sign and parse a call. A mock goes below it only by skipping botocore
work that means nothing while mocked (mock_insights skips signing and reuses the
User-Agent string).
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


def _client(service: str = "cloudtrail") -> Any:
    import boto3

    return boto3.client(
        service, region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench"
    )


def _operation(client: Any, operation: str) -> Any:
    if operation == "put":
        return lambda: client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=SELECTORS)
    return lambda: client.get_insight_selectors(TrailName=TRAIL)


def worker_floor(operation: str, calls: int, **_: Any) -> float:
    client = _client()
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


def run(quick: bool) -> dict[str, Any]:
    turns = 3 if quick else 7
    calls = 200 if quick else 1000
    big = 1000 if quick else 10_000
    with_moto = installed("moto")
    samples: dict[str, dict[str, list[float]]] = {}
    for operation in ("put", "get"):
        contenders = ["floor", "stubber", "mock_insights"] + (["moto"] if with_moto else [])
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
                for trails in sorted({1, 1000, big})
            },
        )
    small = max(turns, 5)  # these differences are small: more turns, even in quick mode
    for figure, worker in (("inactive CloudTrail call (us)", "inactive"), ("S3 call (us)", "s3")):
        each_turn = [run_worker(worker) for _ in range(small)]
        samples[figure] = {label: [turn[label] for turn in each_turn] for label in each_turn[0]}
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
    if installed("aiobotocore"):
        async_result = run_async(quick)
        samples |= async_result["samples"]
        figures |= async_result["figures"]
    return {
        "quick": quick,
        "python": sys.version.split()[0],
        "figures": figures,
        "samples": samples,
    }


def _paired(row: dict[str, list[float]], numerator: str, denominator: str) -> float:
    """The median of per-turn ratios: each pair ran back to back, so drift cancels."""
    return statistics.median([a / b for a, b in zip(row[numerator], row[denominator], strict=True)])


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
        if "moto" in row:
            out[f"{operation} vs moto"] = _paired(row, "mock_insights", "moto")
        by_trails = samples[f"{operation} per call by trails (us)"]
        most = max(by_trails, key=lambda label: int(label.split()[0]))
        out[f"{operation}: {most} vs 1 trail"] = _paired(by_trails, most, "1 trail")
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
    return out


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
    for figure, value in result["figures"].items():
        cells = (
            ", ".join(f"{k} {v:.1f}" for k, v in value.items())
            if isinstance(value, dict)
            else f"{value:.1f}"
        )
        print(f"{figure:45} {cells}")
    for name, value in result["ratios"].items():
        print(f"{name:45} {value:.2f}")
    args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
