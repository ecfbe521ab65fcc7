"""Nothing leaves the process while the mock is active, however the client was made.

Every test here runs under the suite's socket guard (conftest: any lookup of or connection to a
non-loopback address fails the test), and the credentials a test plants fail it if anything
refreshes them: reading the key of a refreshable credential is what would call STS, SSO or the
metadata service for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.credentials import DeferredRefreshableCredentials, RefreshableCredentials
from helpers import ACCOUNT, BUCKET, TRAIL

from mock_insights import UnsupportedOperationError, mock_insights

CALL_RATE = {"InsightType": "ApiCallRateInsight"}


@pytest.fixture
def refreshes() -> list[str]:
    """Credentials that record and fail any refresh; the list must stay empty."""
    return []


def _failing_refresh(refreshes: list[str], name: str):
    def refresh():
        refreshes.append(name)
        raise AssertionError(f"{name} credentials were refreshed while the mock was active")

    return refresh


def _deferred(refreshes: list[str]) -> DeferredRefreshableCredentials:
    """What SSO, assume-role and web-identity providers hand out: nothing fetched yet."""
    return DeferredRefreshableCredentials(_failing_refresh(refreshes, "deferred"), "assume-role")


def _expired(refreshes: list[str]) -> RefreshableCredentials:
    """A refreshable credential whose real key sits in memory but has expired."""
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    return RefreshableCredentials.create_from_metadata(
        {"access_key": "AKIAREALKEY", "secret_key": "real", "token": "real", "expiry_time": past},
        _failing_refresh(refreshes, "expired"),
        "sso",
    )


def _session_with(credentials) -> boto3.Session:
    core = botocore.session.Session()
    core._credentials = credentials  # as a provider chain would have cached them
    return boto3.Session(botocore_session=core)


def _spy_headers(client) -> list[dict]:
    seen: list[dict] = []
    client.meta.events.register(
        "before-send.cloudtrail", lambda request, **_: seen.append(dict(request.headers))
    )
    return seen


def _enable_insights(client) -> str:
    arn = client.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"]
    client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[CALL_RATE])
    assert client.get_trail(Name=TRAIL)["Trail"]["HasInsightSelectors"] is True
    return arn


# --- 1. refreshable credentials -------------------------------------------------------------


@pytest.mark.parametrize("make", [_deferred, _expired], ids=["deferred", "expired"])
def test_refreshable_credentials_are_never_refreshed(make, refreshes):
    session = _session_with(make(refreshes))
    before = session.client("cloudtrail", region_name="eu-west-1")
    with mock_insights():
        headers = _spy_headers(before)
        arn = _enable_insights(before)
        inside = session.client("cloudtrail", region_name="eu-west-1")
        assert len(inside.list_trails()["Trails"]) == 1
    assert refreshes == []
    assert arn == f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/{TRAIL}"
    assert headers and all("Authorization" not in h for h in headers)


# --- 4. clients made before ``import mock_insights`` ----------------------------------------

_GUARDED_SCRIPT = """
import json, os, socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("the network was used")
socket.getaddrinfo = refuse
socket.socket.connect = refuse
import boto3, botocore.session
from botocore.credentials import DeferredRefreshableCredentials
refreshed = []
def refresh():
    refreshed.append(1)
    raise AssertionError("refreshed")
bare = boto3.client("cloudtrail", region_name="eu-west-1")
held = botocore.session.Session()
held._credentials = DeferredRefreshableCredentials(refresh, "sso")
with_keys = held.create_client("cloudtrail", region_name="ap-south-1")
import mock_insights
with mock_insights.mock_insights():
    arns = [
        bare.create_trail(Name="bare", S3BucketName="bucket-a")["TrailARN"],
        with_keys.create_trail(Name="held", S3BucketName="bucket-a")["TrailARN"],
    ]
    later = boto3.client("cloudtrail", region_name="eu-west-1")
    listed = len(later.list_trails()["Trails"])
print(json.dumps({"arns": arns, "listed": listed, "attempts": attempts, "refreshed": refreshed}))
"""


def test_clients_made_before_import_work_without_credentials_or_network(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(tmp_path), AWS_EC2_METADATA_DISABLED="true")  # no credentials anywhere
    result = subprocess.run(
        [sys.executable, "-c", _GUARDED_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["arns"] == [
        f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/bare",
        f"arn:aws:cloudtrail:ap-south-1:{ACCOUNT}:trail/held",  # the client's own region
    ]
    assert outcome["listed"] == 1
    assert outcome["attempts"] == [] and outcome["refreshed"] == []


# --- 5. credentials, profiles and metadata inside the block ---------------------------------


def test_the_default_session_with_cached_real_keys_lends_them_to_no_client(refreshes):
    boto3.setup_default_session()
    boto3.DEFAULT_SESSION._session._credentials = _expired(refreshes)
    with mock_insights():
        client = boto3.client("cloudtrail", region_name="us-east-1")
        _enable_insights(client)
        assert client._request_signer._credentials.access_key == "mock_insights"
    assert refreshes == []
    boto3.DEFAULT_SESSION = None


def test_named_profiles_run_no_credential_provider(monkeypatch, tmp_path):
    marker = tmp_path / "credential_process_ran"
    config = tmp_path / "config"
    config.write_text(
        textwrap.dedent(
            f"""
            [profile prod]
            region = ap-south-1
            credential_process = {sys.executable} -c "open({str(marker)!r}, 'w')"
            [profile assume]
            role_arn = arn:aws:iam::111111111111:role/deploy
            source_profile = prod
            [profile sso]
            sso_start_url = https://example.awsapps.com/start
            sso_region = us-east-1
            sso_account_id = 111111111111
            sso_role_name = Admin
            """
        )
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    read_before = {name: boto3.Session(profile_name=name) for name in ("prod", "assume", "sso")}
    with mock_insights():
        for name, session in read_before.items():
            client = session.client("cloudtrail", region_name="us-east-1")
            assert client.list_trails()["Trails"] == [], name
        made_inside = boto3.Session(profile_name="prod").client("cloudtrail")
        assert made_inside.meta.region_name == "us-east-1"  # the mock's, not the profile's
        _enable_insights(made_inside)
    assert not marker.exists()


def test_container_and_web_identity_settings_are_not_used(monkeypatch, tmp_path):
    token = tmp_path / "token"
    token.write_text("oidc-token")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/creds")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/ci")
    with mock_insights():
        client = botocore.session.Session().create_client("cloudtrail", region_name="us-east-1")
        _enable_insights(client)


def test_defaults_mode_auto_does_not_ask_the_metadata_service(monkeypatch):
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    with mock_insights():
        session = botocore.session.Session()
        client = session.create_client(
            "cloudtrail", region_name="us-east-1", config=Config(defaults_mode="auto")
        )
        _enable_insights(client)
    assert "AWS_EC2_METADATA_DISABLED" not in os.environ


def test_a_metadata_fetcher_made_before_the_block_makes_no_call(monkeypatch):
    from botocore.utils import InstanceMetadataRegionFetcher

    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    fetcher = InstanceMetadataRegionFetcher()  # reads the variable now: enabled
    with mock_insights():
        assert fetcher.retrieve_region() is None  # no lookup of 169.254.169.254


def test_a_malformed_config_file_breaks_nothing(monkeypatch, tmp_path):
    broken = tmp_path / "config"
    broken.write_text("[default\nregion = nowhere\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(broken))
    with mock_insights():
        _enable_insights(boto3.Session().client("cloudtrail"))
        client = botocore.session.get_session().create_client("cloudtrail")
        assert len(client.list_trails()["Trails"]) == 1


def test_a_missing_profile_in_the_shell_breaks_nothing(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "missing")
    with mock_insights():
        client = boto3.Session().client("cloudtrail")
        assert client.meta.region_name == "us-east-1"
        _enable_insights(client)
        explicit = boto3.Session(profile_name="also-missing").client("cloudtrail")
        assert len(explicit.list_trails()["Trails"]) == 1


def test_keys_given_in_code_still_pick_the_account():
    other = "210987654321"
    with mock_insights():
        session = boto3.Session(aws_access_key_id=other, aws_secret_access_key="x")
        arn = session.client("cloudtrail", region_name="us-east-1").create_trail(
            Name=TRAIL, S3BucketName=BUCKET
        )["TrailARN"]
    assert arn.split(":")[4] == other


# --- 6. cloudtrail-data ------------------------------------------------------------------


def test_cloudtrail_data_is_refused_and_never_sent(refreshes):
    client = _session_with(_deferred(refreshes)).client("cloudtrail-data", region_name="us-east-1")
    with mock_insights() as mock, pytest.raises(UnsupportedOperationError) as caught:
        client.put_audit_events(
            auditEvents=[{"id": "1", "eventData": "{}"}],
            channelArn=f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:channel/c",
        )
    assert caught.value.operation == "PutAuditEvents"
    assert "CloudTrail Data PutAuditEvents" in str(caught.value)
    assert "not sent to AWS" in str(caught.value)
    assert len(mock.calls) == 0 and refreshes == []


# --- 7. interleaved stops with moto -------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    ["moto mi moto mi", "moto mi mi moto", "mi moto mi moto", "mi moto moto mi"],
)
def test_interleaved_stops_with_moto_restore_exactly(order, monkeypatch):
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "real-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    before = dict(os.environ)
    default_before = boto3.DEFAULT_SESSION
    mocks = {"moto": mock_aws(), "mi": mock_insights()}
    started: set[str] = set()
    for name in order.split():
        if name in started:
            mocks[name].stop()
            started.discard(name)
        else:
            mocks[name].start()
            started.add(name)
        if "mi" in started:  # whatever moto did to the environment, no real key is used
            client = boto3.Session().client("cloudtrail", region_name="us-east-1")
            assert client._request_signer._credentials.access_key == "mock_insights"
            assert client.list_trails()["Trails"] == []
    assert dict(os.environ) == before
    assert boto3.DEFAULT_SESSION is default_before


# --- 9. the developer's AWS environment does not change outcomes --------------------------


def test_outcomes_do_not_depend_on_the_shell(monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[default]\nregion = ap-south-1\nmax_attempts = 9\nretry_mode = standard\n")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_PROFILE", "missing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _: None)
    with mock_insights() as mock:
        seeded = mock.seed_trail(Name="seeded", S3BucketName=BUCKET)
        client = botocore.session.Session().create_client("cloudtrail")
        assert client.meta.region_name == "us-east-1"
        assert seeded == f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/seeded"
        mock.inject_error("ListTrails", "ThrottlingException", times=1)
        assert [t["Name"] for t in client.list_trails()["Trails"]] == ["seeded"]
        assert len(mock.calls.of("ListTrails")) == 2  # botocore's defaults, not the file's
    with mock_insights(region="eu-west-2") as mock:
        assert mock.seed_trail(Name="eu-trail", S3BucketName=BUCKET).split(":")[3] == "eu-west-2"
        client = botocore.session.Session().create_client("cloudtrail")
        assert client.meta.region_name == "eu-west-2"
        assert len(client.list_trails()["Trails"]) == 1


def test_a_nested_mock_without_a_region_keeps_the_outer_region():
    with mock_insights(region="eu-west-2") as outer:
        with mock_insights() as inner:
            assert boto3.Session().client("cloudtrail").meta.region_name == "eu-west-2"
            assert inner.seed_trail(Name=TRAIL, S3BucketName=BUCKET).split(":")[3] == "eu-west-2"
        assert len(outer.snapshot()["trails"]) == 1
