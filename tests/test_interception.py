"""What the botocore hook intercepts, and what it must never do."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.httpsession import URLLib3Session
from helpers import BOTOCORE_RECORDS_REQUEST_FEATURES, BUCKET, TRAIL

from mock_insights import UnsupportedOperationError, mock_insights


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to send an HTTP request."""
    sent = []

    def refuse(self, request):
        sent.append(request.url)
        raise AssertionError(f"network used: {request.url}")

    monkeypatch.setattr(URLLib3Session, "send", refuse)
    return sent


def test_client_created_before_activation_is_intercepted(monkeypatch, no_network):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "real-looking")  # else botocore asks the network
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking")
    client = boto3.Session().client("cloudtrail", region_name="us-east-1")
    with mock_insights():
        assert client.create_trail(Name=TRAIL, S3BucketName=BUCKET)["Name"] == TRAIL
    assert no_network == []


def test_client_without_any_credentials_works(monkeypatch, tmp_path, no_network):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    session = botocore.session.Session()
    assert session.get_credentials() is None
    client = session.create_client("cloudtrail", region_name="us-east-1")
    with mock_insights():
        assert client.list_trails()["Trails"] == []


def test_requests_are_not_signed(insights_mock):
    client = boto3.client("cloudtrail", region_name="us-east-1")
    seen = []
    client.meta.events.register(
        "before-send.cloudtrail",
        lambda request, **_: seen.append(dict(request.headers)),
        unique_id="spy",
    )
    client.list_trails()
    assert seen and "Authorization" not in seen[0]


def test_unsupported_operation_is_a_clear_error_and_never_sent(insights_mock, no_network):
    client = boto3.client("cloudtrail", region_name="us-east-1")
    with pytest.raises(UnsupportedOperationError) as caught:
        client.list_channels()
    assert "ListChannels" in str(caught.value) and "PutInsightSelectors" in str(caught.value)
    assert caught.value.operation == "ListChannels"
    assert no_network == []


def _canned(seen: list, body: bytes):
    def handler(request, **_):
        seen.append(request)
        return AWSResponse(request.url, 200, {}, _Raw(body))

    return handler


def test_other_services_are_untouched(insights_mock):
    s3 = boto3.client("s3", region_name="us-east-1")
    seen: list = []
    s3.meta.events.register("before-send.s3", _canned(seen, b"<ListAllMyBucketsResult/>"))
    s3.list_buckets()
    assert seen and "Authorization" in seen[0].headers  # S3 is still signed and sent on


def test_a_before_send_handler_that_answers_first_keeps_the_mock_out():
    client = boto3.client("cloudtrail", region_name="us-east-1")
    seen: list = []
    canned = b'{"TrailARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/canned"}'
    client.meta.events.register_last("before-send.cloudtrail", _canned(seen, canned))
    with mock_insights() as mock:
        answer = client.create_trail(Name="canned", S3BucketName="b")
        assert answer["TrailARN"].endswith("trail/canned")  # the test's handler answered
        assert len(mock.calls) == 0  # the mock neither ran nor recorded the call
        assert mock.snapshot()["trails"] == []
        assert "Authorization" not in seen[-1].headers  # still never signed while active
    client.create_trail(Name="canned", S3BucketName="b")
    assert "Authorization" in seen[-1].headers  # inactive: botocore signs as usual


def test_session_created_before_import_is_still_intercepted():
    script = textwrap.dedent(
        """
        import json, os
        os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y")
        import boto3, botocore.session
        from botocore.httpsession import URLLib3Session
        def refuse(self, request):
            raise AssertionError("network used")
        URLLib3Session.send = refuse
        early_default = boto3.client("cloudtrail", region_name="us-east-1")
        early_session = botocore.session.Session()
        from mock_insights import mock_insights
        with mock_insights():
            early_default.create_trail(Name="early-trail", S3BucketName="bucket-a")
            later = boto3.client("cloudtrail", region_name="us-east-1")
            other = early_session.create_client("cloudtrail", region_name="us-east-1")
            print(json.dumps([len(later.list_trails()["Trails"]), len(other.list_trails()["Trails"])]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [1, 1]


def test_concurrent_calls_lose_no_update(insights_mock):
    regions = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-central-1",
        "ap-south-1",
    ]
    errors: list[BaseException] = []

    def work(region: str) -> None:
        try:
            client = boto3.client("cloudtrail", region_name=region)
            for index in range(4):
                name = f"trail-{index}"
                client.create_trail(Name=name, S3BucketName=BUCKET)
                kind = "ApiCallRateInsight" if index % 2 else "ApiErrorRateInsight"
                client.put_insight_selectors(
                    TrailName=name, InsightSelectors=[{"InsightType": kind}]
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(region,)) for region in regions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for region in regions:
        client = boto3.client("cloudtrail", region_name=region)
        trails = client.describe_trails()["trailList"]
        assert len(trails) == 4 and all(t["HasInsightSelectors"] for t in trails)
        assert client.get_insight_selectors(TrailName="trail-1")["InsightSelectors"] == [
            {"InsightType": "ApiCallRateInsight"}
        ]


def test_the_suite_fails_a_test_that_reaches_the_network():
    import socket

    with socket.socket() as sock, pytest.raises(pytest.fail.Exception, match="reach the network"):
        sock.connect(("192.0.2.1", 443))


def _user_agents(client) -> list[str]:
    sent: list[str] = []
    client.meta.events.register(
        "before-send.cloudtrail",
        lambda request, **_: sent.append(request.headers["User-Agent"].decode()),
        unique_id="ua-spy",
    )
    return sent


def _list_trails_plain_and_paginated(client) -> None:
    client.list_trails()
    list(client.get_paginator("list_trails").paginate())  # adds a request feature


def test_user_agent_is_the_one_botocore_builds_per_feature_set():
    client = boto3.client("cloudtrail", region_name="us-east-1")
    sent = _user_agents(client)
    client.meta.events.register_last("before-send.cloudtrail", _canned([], b'{"Trails":[]}'))
    _list_trails_plain_and_paginated(client)  # inactive: botocore builds every string
    with mock_insights():
        _list_trails_plain_and_paginated(client)
        _list_trails_plain_and_paginated(client)  # reused strings
    plain, paginated = sent[0], sent[1]
    # newer botocore records the paginator as a request feature in the string; older has none
    assert (plain != paginated) == BOTOCORE_RECORDS_REQUEST_FEATURES
    assert sent == [plain, paginated] * 3


def test_a_client_without_parameter_validation_gets_the_errors_aws_gives(insights_mock):
    from botocore.config import Config
    from helpers import raises_code

    client = boto3.client(
        "cloudtrail", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    with raises_code("SerializationException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IncludeGlobalServiceEvents="no")
    with raises_code("ValidationException"):
        client.create_trail(S3BucketName=BUCKET)
    assert client.list_trails()["Trails"] == []
    assert client.create_trail(Name=TRAIL, S3BucketName=BUCKET)["Name"] == TRAIL
