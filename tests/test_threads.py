"""8 threads x 500 mixed calls: nothing lost, nothing unexpected, and the final state equals a
serial replay of the recorded calls."""

from __future__ import annotations

import random
import threading

from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from mock_insights import mock_insights

THREADS, CALLS = 8, 500
REGION = "us-east-1"
SHARED = "shared-trail"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
EXPECTED_ERRORS = {
    "TrailNotFoundException",
    "TrailAlreadyExistsException",
    "InsightNotEnabledException",
    "InvalidInsightSelectorsException",
    "MaximumNumberOfTrailsExceededException",
}
SELECTOR_CHOICES = [
    [],
    [{"InsightType": "ApiCallRateInsight"}],
    [{"InsightType": "ApiErrorRateInsight"}],
    [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}],
]
READ_WRITE = ["All", "ReadOnly", "WriteOnly"]


def _account(number: int) -> str:
    return f"{200000000000 + number}"


def _work(shared_client, own_client, number: int, failures: list) -> None:
    rng = random.Random(number)
    own, temp = "own-trail", "temp-trail"
    for _ in range(CALLS):
        choice = rng.random()
        shared = rng.random() < 0.5
        try:
            if choice < 0.35:
                client, trail = (shared_client, SHARED) if shared else (own_client, own)
                client.put_insight_selectors(
                    TrailName=trail, InsightSelectors=rng.choice(SELECTOR_CHOICES)
                )
            elif choice < 0.6:
                client, trail = (shared_client, SHARED) if shared else (own_client, own)
                client.get_insight_selectors(TrailName=trail)
            elif choice < 0.75:
                client, trail = (shared_client, SHARED) if shared else (own_client, own)
                client.put_event_selectors(
                    TrailName=trail, EventSelectors=[{"ReadWriteType": rng.choice(READ_WRITE)}]
                )
            elif choice < 0.875:
                own_client.create_trail(Name=temp, S3BucketName="bucket-a")
            else:
                own_client.delete_trail(Name=temp)
        except ClientError as error:
            if error.response["Error"]["Code"] not in EXPECTED_ERRORS:
                failures.append(error)
        except Exception as error:  # anything else is a bug in the mock
            failures.append(error)


def test_concurrent_calls_equal_a_serial_replay():
    with mock_insights() as mock:
        mock.client(config=NO_RETRIES).create_trail(Name=SHARED, S3BucketName="bucket-a")
        # Clients are made up front: boto3's client factory is not thread-safe.
        shared = [mock.client(config=NO_RETRIES) for _ in range(THREADS)]
        own = [mock.client(account_id=_account(n), config=NO_RETRIES) for n in range(THREADS)]
        for client in own:
            client.create_trail(Name="own-trail", S3BucketName="bucket-a")
        recorded_before = len(mock.calls)
        failures: list = []
        threads = [
            threading.Thread(target=_work, args=(shared[n], own[n], n, failures))
            for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        calls = list(mock.calls)
        assert len(calls) - recorded_before == THREADS * CALLS  # no call lost
        final = mock.snapshot()

    with mock_insights() as replay:
        clients: dict[str, object] = {}
        for call in calls:
            if call.account_id not in clients:
                clients[call.account_id] = replay.client(
                    account_id=call.account_id, config=NO_RETRIES
                )
            method = getattr(clients[call.account_id], xform_name(call.operation))
            try:
                method(**call.params)
                outcome = None
            except ClientError as error:
                outcome = error.response["Error"]["Code"]
            assert outcome == call.error, call
        assert replay.snapshot() == final
