"""The real AWS CLI (v1) against ``python -m mock_insights serve``, end to end.

Server mode exists for clients that are not Python in the test's process: the CLI is the one a
shell script or a Makefile uses, and it builds, signs and parses requests with its own botocore
and its own rules (client-side validation, ``AWS_ENDPOINT_URL_CLOUDTRAIL``, exit status 255 on
a service error). These tests run in CI's awscli stage only, in an environment with the
``awscli`` extra installed; the main suite ignores this folder (``--ignore=tests/awscli``).

Each ``aws`` process costs most of a second, so the tests make about a dozen of them and set
up or inspect state through the control endpoints and plain boto3 instead.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

ACCOUNT = "123456789012"  # the server's account: an access key that is not 12 digits
OTHER_ACCOUNT = "111122223333"
REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
BUCKET = "cli-bucket"
CALL_RATE = [{"InsightType": "ApiCallRateInsight"}]
TIMEOUT = 60  # seconds for one process; none of them should take more than a few


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of every subprocess: fake keys, a fixed region, no profile, no config
    or credentials file, no metadata service and no endpoint from the shell."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") or name == "AWS_CA_BUNDLE"
    }
    env.update(
        AWS_ACCESS_KEY_ID="AKIDMOCKINSIGHTS",
        AWS_SECRET_ACCESS_KEY="not-a-secret",
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(home / "missing-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "missing-credentials"),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def aws() -> Path:
    """The ``aws`` command installed next to this Python."""
    for name in ("aws", "aws.cmd"):
        path = Path(sys.executable).parent / name
        if path.exists():
            return path
    pytest.fail(
        f"the AWS CLI is not installed next to {sys.executable}: these tests need the awscli "
        "extra (pip install -e '.[awscli]'); CI runs them in its awscli stage",
        pytrace=False,
    )


@dataclass
class Server:
    """The ``mock_insights serve`` subprocess: its URL and a small client for its controls."""

    url: str
    process: subprocess.Popen[str]

    def control(self, method: str, route: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_mock_insights/{route}", data=data, method=method
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read())

    def calls(self) -> list[dict[str, Any]]:
        return self.control("GET", "calls")["calls"]


@pytest.fixture(scope="module")
def _serving(tmp_path_factory) -> Iterator[Server]:
    """One server process for the module; SIGTERM stops it, and it must exit cleanly."""
    home = tmp_path_factory.mktemp("aws-home")
    stderr_path = home / "server.stderr"
    with (
        stderr_path.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-m", "mock_insights", "serve", "--region", REGION],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=_clean_env(home),
        ) as process,
    ):
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], TIMEOUT)
            url = process.stdout.readline().strip() if ready else ""
            if not url.startswith("http://127.0.0.1:"):
                pytest.fail(
                    f"mock_insights serve printed {url!r} instead of its URL; its stderr:\n"
                    + stderr_path.read_text(),
                    pytrace=False,
                )
            yield Server(url, process)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                status = process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                status = process.wait(TIMEOUT)
    assert status == 0, (
        f"mock_insights serve exited with {status} on SIGTERM; its stderr:\n"
        + stderr_path.read_text()
    )


@pytest.fixture
def server(_serving: Server) -> Server:
    """The module's server, reset: each test starts from empty state and no calls."""
    assert _serving.control("POST", "reset") == {}
    return _serving


@dataclass
class Result:
    status: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.status == 0, f"aws exited with {self.status}: {self.stderr}"
        return json.loads(self.stdout)


@pytest.fixture
def cli(aws: Path, server: Server, tmp_path: Path):
    """Run ``aws cloudtrail ...`` against the server: ``--endpoint-url`` unless
    ``endpoint=False``, with ``env`` added to the clean environment."""

    def run(*args: str, endpoint: bool = True, **env: str) -> Result:
        command = [str(aws), "cloudtrail", *args, "--output", "json"]
        if endpoint:
            command += ["--endpoint-url", server.url]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**_clean_env(tmp_path), **env},
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


def _boto3(server: Server, account: str = ACCOUNT, region: str = REGION) -> Any:
    """A plain boto3 client of the same server (no mock is active in this process)."""
    session = boto3.Session(
        aws_access_key_id=account, aws_secret_access_key="x", region_name=region
    )
    return session.client("cloudtrail", endpoint_url=server.url)


def test_create_trail_and_insight_selectors(cli, server):
    """The CLI's requests are answered and its JSON output parses: the everyday workflow of a
    setup script, seen by the control endpoint as the calls the CLI sent."""
    created = cli("create-trail", "--name", "cli-trail", "--s3-bucket-name", BUCKET).json()
    assert created["TrailARN"] == f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/cli-trail"
    put = cli(
        "put-insight-selectors",
        "--trail-name",
        "cli-trail",
        "--insight-selectors",
        json.dumps(CALL_RATE),
    ).json()
    assert put == {"TrailARN": created["TrailARN"], "InsightSelectors": CALL_RATE}
    got = cli("get-insight-selectors", "--trail-name", "cli-trail").json()
    assert got == put

    calls = server.calls()
    assert [(c["operation"], c["accountId"], c["region"], c["error"]) for c in calls] == [
        ("CreateTrail", ACCOUNT, REGION, None),
        ("PutInsightSelectors", ACCOUNT, REGION, None),
        ("GetInsightSelectors", ACCOUNT, REGION, None),
    ]
    assert calls[1]["params"] == {"TrailName": "cli-trail", "InsightSelectors": CALL_RATE}
    assert calls[2]["response"] == got
    assert _boto3(server).get_trail(Name="cli-trail")["Trail"]["HasInsightSelectors"] is True


def test_modeled_error_exits_255_with_its_code(cli, server):
    """A service error reaches the CLI as the modeled error: exit status 255 and botocore's
    message naming the code, which is what scripts check."""
    result = cli("get-trail", "--name", "missing-trail")
    assert result.status == 255, result
    assert result.stdout == ""
    assert (
        "An error occurred (TrailNotFoundException) when calling the GetTrail operation: "
        f"Unknown trail: missing-trail for the user: {ACCOUNT}"
    ) in result.stderr
    assert [(c["operation"], c["error"]) for c in server.calls()] == [
        ("GetTrail", "TrailNotFoundException")
    ]


def test_injected_fault_reaches_the_cli(cli, server):
    """A fault posted to the control endpoint fails the CLI's next matching call, once."""
    fault = {"operation": "CreateTrail", "code": "InsufficientS3BucketPolicyException"}
    assert server.control("POST", "faults", fault)["code"] == fault["code"]
    result = cli("create-trail", "--name", "cli-trail", "--s3-bucket-name", BUCKET)
    assert result.status == 255, result
    assert "(InsufficientS3BucketPolicyException)" in result.stderr
    assert server.control("GET", "faults") == {"faults": []}
    assert _boto3(server).list_trails()["Trails"] == []  # an injected error changes nothing


def test_access_key_chooses_the_account(cli, server):
    """A 12-digit access key is the account the CLI acts as, with state of its own: the same
    trail name is free in the other account, and the default account's trail is not seen."""
    _boto3(server).create_trail(Name="shared-name", S3BucketName=BUCKET)
    missing = cli("get-trail", "--name", "shared-name", AWS_ACCESS_KEY_ID=OTHER_ACCOUNT)
    assert missing.status == 255, missing
    assert f"Unknown trail: shared-name for the user: {OTHER_ACCOUNT}" in missing.stderr
    created = cli(
        "create-trail",
        "--name",
        "shared-name",
        "--s3-bucket-name",
        BUCKET,
        AWS_ACCESS_KEY_ID=OTHER_ACCOUNT,
    ).json()
    assert created["TrailARN"] == f"arn:aws:cloudtrail:{REGION}:{OTHER_ACCOUNT}:trail/shared-name"
    mine = _boto3(server).list_trails()["Trails"]
    theirs = _boto3(server, OTHER_ACCOUNT).list_trails()["Trails"]
    assert [t["TrailARN"].split(":")[4] for t in mine] == [ACCOUNT]
    assert [t["TrailARN"].split(":")[4] for t in theirs] == [OTHER_ACCOUNT]
    cli_calls = [(c["operation"], c["accountId"]) for c in server.calls()][1:3]
    assert cli_calls == [("GetTrail", OTHER_ACCOUNT), ("CreateTrail", OTHER_ACCOUNT)]


def test_endpoint_from_the_environment(cli, server):
    """``AWS_ENDPOINT_URL_CLOUDTRAIL`` points the CLI at the server without --endpoint-url,
    as the server's help suggests for scripts that call other services too."""
    _boto3(server).create_trail(Name="env-trail", S3BucketName=BUCKET)
    listed = cli("list-trails", endpoint=False, AWS_ENDPOINT_URL_CLOUDTRAIL=server.url).json()
    assert [trail["Name"] for trail in listed["Trails"]] == ["env-trail"]
    assert server.calls()[-1]["operation"] == "ListTrails"


def test_region_flag_chooses_the_region(cli, server):
    """``--region`` is the region the CLI signs for, so it is the region the call acts in:
    the trail's ARN and home region, and where it is listed."""
    created = cli(
        "create-trail", "--name", "eu-trail", "--s3-bucket-name", BUCKET, "--region", OTHER_REGION
    ).json()
    assert created["TrailARN"] == f"arn:aws:cloudtrail:{OTHER_REGION}:{ACCOUNT}:trail/eu-trail"
    trail = _boto3(server, region=OTHER_REGION).get_trail(Name="eu-trail")["Trail"]
    assert trail["HomeRegion"] == OTHER_REGION
    assert _boto3(server).list_trails()["Trails"] == []  # not in the default region
    first = server.calls()[0]
    assert (first["operation"], first["region"]) == ("CreateTrail", OTHER_REGION)
