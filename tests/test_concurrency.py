"""The concurrency model: activation is process-wide, as moto's is.

Concurrent activations in threads or asyncio tasks nest: one state and one call history from
the first start to the last stop. Threads the code under test starts are answered too.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
from helpers import BUCKET

from mock_insights import mock_insights


def _client():
    return boto3.client("cloudtrail", region_name="us-east-1")


def _names(client) -> list[str]:
    return sorted(trail["Name"] for trail in client.list_trails()["Trails"])


def test_two_threads_with_their_own_blocks_share_one_state_and_history():
    both_created = threading.Barrier(2)
    first_done = threading.Event()
    seen: dict[str, list[str]] = {}
    history: dict[str, int] = {}
    errors: list[BaseException] = []

    def test_body(name: str) -> None:
        try:
            with mock_insights() as mock:
                client = _client()
                client.create_trail(Name=f"{name}-trail", S3BucketName=BUCKET)
                both_created.wait(timeout=10)
                seen[name] = _names(client)
                if name == "first":
                    first_done.set()
                else:
                    first_done.wait(timeout=10)
                history[name] = len(mock.calls.of("CreateTrail"))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=test_body, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert seen == {name: ["first-trail", "second-trail"] for name in ("first", "second")}
    assert history == {"first": 2, "second": 2}
    with mock_insights():
        assert _names(_client()) == []  # the last stop let go of the shared state


def test_two_asyncio_tasks_with_their_own_blocks_share_one_state():
    async def test_body(name: str, created: asyncio.Barrier) -> list[str]:
        async with mock_insights():
            _client().create_trail(Name=f"{name}-trail", S3BucketName=BUCKET)
            await created.wait()
            return _names(_client())

    async def main() -> list[list[str]]:
        created = asyncio.Barrier(2) if hasattr(asyncio, "Barrier") else _Barrier(2)
        return list(await asyncio.gather(test_body("a", created), test_body("b", created)))

    assert asyncio.run(main()) == [["a-trail", "b-trail"], ["a-trail", "b-trail"]]


class _Barrier:
    """``asyncio.Barrier`` for Python 3.10."""

    def __init__(self, parties: int) -> None:
        self._waiting = parties
        self._event = asyncio.Event()

    async def wait(self) -> None:
        self._waiting -= 1
        if self._waiting == 0:
            self._event.set()
        await self._event.wait()


def test_threads_started_by_the_code_under_test_are_answered():
    with mock_insights() as mock, ThreadPoolExecutor(max_workers=4) as pool:
        names = [f"worker-{index}" for index in range(5)]  # at most 5 trails a region
        list(pool.map(lambda name: _client().create_trail(Name=name, S3BucketName=BUCKET), names))
        assert _names(_client()) == sorted(names)
        mock.calls.assert_called("CreateTrail", times=5)


def test_the_most_recently_started_mock_sets_the_account():
    with mock_insights(account_id="111111111111"):
        with mock_insights(account_id="222222222222"):
            inner = _client().create_trail(Name="inner-trail", S3BucketName=BUCKET)
        outer = _client().create_trail(Name="outer-trail", S3BucketName=BUCKET)
    assert inner["TrailARN"].split(":")[4] == "222222222222"
    assert outer["TrailARN"].split(":")[4] == "111111111111"
