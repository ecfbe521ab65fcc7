"""retry_delays=False: botocore retries mocked calls without waiting; everything else as before."""

from __future__ import annotations

import boto3
import botocore.endpoint
import pytest
from helpers import BUCKET, REGION

from mock_insights import UsageError, mock_insights


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The waits botocore asks for before retries (recorded, not slept)."""
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", slept.append)
    return slept


def _throttled_list(mock, times: int) -> None:
    mock.inject_error("ListTrails", "ThrottlingException", times=times)
    boto3.client("cloudtrail", region_name=REGION).list_trails()


def test_retries_go_without_waiting(sleeps):
    with mock_insights(retry_delays=False) as mock:
        _throttled_list(mock, 2)
        attempts = [call.error for call in mock.calls]
    assert attempts == ["ThrottlingException"] * 2 + [None]
    assert sleeps == []


def test_by_default_botocore_waits_as_with_aws(sleeps):
    with mock_insights() as mock:
        _throttled_list(mock, 2)
    assert len(sleeps) == 2
    assert [call.error for call in mock.calls] == ["ThrottlingException"] * 2 + [None]


def test_the_retry_decision_stays_botocores(sleeps):
    """Skipping the wait does not add attempts: a client's own limit still ends the retries."""
    from botocore.config import Config

    with mock_insights(retry_delays=False) as mock:
        mock.inject_error("ListTrails", "ThrottlingException", times=5)
        client = boto3.client(
            "cloudtrail", region_name=REGION, config=Config(retries={"total_max_attempts": 3})
        )
        with pytest.raises(client.exceptions.ClientError) as caught:
            client.list_trails()
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(mock.calls) == 3


def test_an_inner_mock_inherits_the_choice_unless_it_makes_its_own(sleeps):
    with mock_insights(retry_delays=False) as outer:
        with mock_insights():
            _throttled_list(outer, 2)
        assert sleeps == []
        with mock_insights(retry_delays=True):
            outer.inject_error("CreateTrail", "ThrottlingException")
            boto3.client("cloudtrail", region_name=REGION).create_trail(
                Name="waited-trail", S3BucketName=BUCKET
            )
    assert [c.error for c in outer.calls.of("CreateTrail")] == ["ThrottlingException", None]
    assert len(sleeps) == 1


@pytest.mark.insights_mock(retry_delays=False)
def test_the_marker_takes_the_option(insights_mock, sleeps):
    _throttled_list(insights_mock, 2)
    assert sleeps == [] and len(insights_mock.calls) == 3


def test_the_option_is_a_boolean():
    with pytest.raises(UsageError, match="retry_delays is True or False"):
        mock_insights(retry_delays="no")  # type: ignore[call-overload]


def test_other_services_keep_their_delays(sleeps):
    """Only mocked services retry at once: the wrap passes other endpoints to botocore."""
    with mock_insights(retry_delays=False):
        s3 = boto3.client("s3", region_name=REGION)
        s3.meta.events.register(
            "before-send.s3",
            lambda request, **_: _throttled_once(request),
        )
        s3.list_buckets()
    assert len(sleeps) == 1


_SEEN: list[str] = []


def _throttled_once(request):
    from botocore.awsrequest import AWSResponse

    if _SEEN:
        _SEEN.clear()
        body = b"<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>"
        return AWSResponse(request.url, 200, {}, _Raw(body))
    _SEEN.append("throttled")
    body = b"<Error><Code>SlowDown</Code><Message>slow</Message></Error>"
    return AWSResponse(request.url, 503, {}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_):
        yield self._body
