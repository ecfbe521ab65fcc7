"""``mock-insights serve`` as scripts use it: a subprocess whose first line is the URL, that
stops cleanly on SIGINT or SIGTERM, loads and saves state files, and refuses bad options with
exit status 2 (1 for a port in use) and a message.

Every subprocess gets an explicit environment (fake keys, no config files, no metadata service)
and a timeout, and is killed in a ``finally`` if a test fails before stopping it. Tests that do
not stop the server share one per module; trail names are unique per test, so they stay
independent in any order.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import ACCOUNT, BUCKET, OTHER_REGION, REGION, TRAIL

from mock_insights import mock_insights

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SERVER_REGION = OTHER_REGION
SERVER_ACCOUNT = "111122223333"
KEY_ACCOUNT = "444455556666"
SECRET = "do-not-log-this-secret-7f3a9c"
PYTHON_M = (sys.executable, "-m", "mock_insights")
CONSOLE_SCRIPT = Path(sys.executable).parent / "mock-insights"
START_TIMEOUT = 30  # seconds; a start takes about half a second
STOP_TIMEOUT = 10
URL = re.compile(r"http://127\.0\.0\.1:(\d+)")
OPTIONS = (
    "--host",
    "--port",
    "--region",
    "--account-id",
    "--state",
    "--save-state",
    "--history-limit",
    "--idle-timeout",
    "--log",
)


def server_env(folder: Path) -> dict[str, str]:
    """An environment that cannot reach the network or the developer's AWS profile."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"))
    }
    env.update(
        AWS_ACCESS_KEY_ID="outside-the-mock",
        AWS_SECRET_ACCESS_KEY="outside-the-mock",
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(folder / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(folder / "no-credentials"),
    )
    return env


class Server:
    """One ``serve`` subprocess; ``stderr`` goes to a file, so a chatty server never blocks
    on a full pipe."""

    def __init__(
        self, args: Sequence[str], folder: Path, launcher: Sequence[str] = PYTHON_M
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.stderr_path = folder / f"stderr-{uuid.uuid4().hex}.txt"
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [*launcher, "serve", *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=server_env(folder),
                cwd=folder,
            )

    def first_line(self) -> str:
        """The first line printed, waited for at most ``START_TIMEOUT`` seconds."""
        assert self.process.stdout is not None
        lines: list[bytes] = []
        reader = threading.Thread(
            target=lambda: lines.append(self.process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(START_TIMEOUT)
        assert lines, f"no line within {START_TIMEOUT} s; stderr: {self.stderr()}"
        return lines[0].decode().rstrip("\n")

    def url(self) -> str:
        line = self.first_line()
        assert URL.fullmatch(line), f"first line {line!r}; stderr: {self.stderr()}"
        return line

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self, signal_number: int = signal.SIGTERM) -> int:
        """Send the signal and return the exit status."""
        self.process.send_signal(signal_number)
        return self.process.wait(STOP_TIMEOUT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Any]:
    """Start servers for one test; every one still running at the end is killed."""
    started: list[Server] = []

    def start(*args: str, launcher: Sequence[str] = PYTHON_M) -> Server:
        server = Server(args, tmp_path / "run", launcher)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


def run(*args: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """A ``serve`` that is expected to exit by itself (bad options, say)."""
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [*PYTHON_M, "serve", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=server_env(folder),
        cwd=folder,
        timeout=START_TIMEOUT,
    )


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the tests that do not stop it, in its own region and account."""
    server = Server(
        ["--region", SERVER_REGION, "--account-id", SERVER_ACCOUNT],
        tmp_path_factory.mktemp("shared-server"),
    )
    try:
        yield server.url()
    finally:
        server.kill()


def unique(prefix: str = "cli") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def get(url: str, path: str) -> tuple[int, Any]:
    parts = urlsplit(url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def signed(url: str, key: str = ACCOUNT, region: str = REGION, secret: str = "mock") -> Any:
    return boto3.client(
        "cloudtrail",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


def unsigned(url: str) -> Any:
    return boto3.client(
        "cloudtrail",
        endpoint_url=url,
        region_name=REGION,
        config=Config(signature_version=UNSIGNED),
    )


# --- starting, and what the options choose -----------------------------------------------


def test_first_line_is_the_url_and_health_answers(shared):
    """``read -r URL`` gets a URL on a free port; the server behind it is ready."""
    port = int(URL.fullmatch(shared).group(1))  # type: ignore[union-attr]
    assert 0 < port < 65536
    status, health = get(shared, "/_mock_insights/health")
    assert status == 200
    assert (health["status"], health["region"], health["accountId"]) == (
        "ok",
        SERVER_REGION,
        SERVER_ACCOUNT,
    )


def test_region_and_account_options_apply_to_unsigned_requests(shared):
    """A client that signs nothing acts in ``--region`` as ``--account-id``."""
    name = unique()
    arn = unsigned(shared).create_trail(Name=name, S3BucketName=BUCKET)["TrailARN"]
    assert arn == f"arn:aws:cloudtrail:{SERVER_REGION}:{SERVER_ACCOUNT}:trail/{name}"


def test_a_12_digit_access_key_overrides_the_account(shared):
    """As in Python: the key is the account, the signing region the region."""
    name = unique()
    client = signed(shared, key=KEY_ACCOUNT)
    arn = client.create_trail(Name=name, S3BucketName=BUCKET)["TrailARN"]
    assert arn == f"arn:aws:cloudtrail:{REGION}:{KEY_ACCOUNT}:trail/{name}"
    assert name not in {trail["Name"] for trail in unsigned(shared).list_trails()["Trails"]}


def test_a_port_in_use_exits_1_with_a_message(shared, tmp_path):
    port = URL.fullmatch(shared).group(1)  # type: ignore[union-attr]
    result = run("--port", port, folder=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert result.stdout == ""
    assert get(shared, "/_mock_insights/health")[0] == 200  # the first server is untouched


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--port", "70000"),
        ("--port", "http"),
        ("--account-id", "12"),
        ("--region", "Mars"),
        ("--idle-timeout", "nan"),
        ("--idle-timeout", "0"),
        ("--history-limit", "-1"),
    ],
)
def test_a_bad_option_exits_2_naming_it(tmp_path, option, value):
    result = run(option, value, folder=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"argument {option}:" in result.stderr
    assert value in result.stderr
    assert result.stdout == ""


def test_help_lists_every_option(tmp_path):
    result = run("--help", folder=tmp_path)
    assert result.returncode == 0, result.stderr
    for option in OPTIONS:
        assert option in result.stdout


# --- stopping --------------------------------------------------------------------------------


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_it_cleanly(launch, signal_number):
    """Ctrl-C and ``kill`` end it with status 0, no traceback, and the port released."""
    server = launch()
    url = server.url()
    assert get(url, "/_mock_insights/health")[0] == 200
    assert server.stop(signal_number) == 0
    assert "Traceback" not in server.stderr()
    with pytest.raises(ConnectionRefusedError):
        get(url, "/_mock_insights/health")


def test_the_console_script_serves_and_stops(launch):
    """The installed ``mock-insights`` command is the same server as ``python -m``."""
    if not CONSOLE_SCRIPT.exists():
        pytest.skip(f"no console script at {CONSOLE_SCRIPT} (not installed in this environment)")
    server = launch("--account-id", SERVER_ACCOUNT, launcher=[str(CONSOLE_SCRIPT)])
    url = server.url()
    assert get(url, "/_mock_insights/health")[1]["accountId"] == SERVER_ACCOUNT
    assert server.stop() == 0


# --- state files -----------------------------------------------------------------------------


def test_a_state_file_written_by_snapshot_is_loaded(launch, tmp_path):
    with mock_insights() as m:
        m.seed_trail(Name=TRAIL, S3BucketName=BUCKET, IsLogging=True)
        snapshot = m.snapshot()
    state = tmp_path / "state.json"
    state.write_text(json.dumps(snapshot))

    url = launch("--state", str(state)).url()

    client = signed(url)
    assert client.get_trail(Name=TRAIL)["Trail"]["TrailARN"] == (
        f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"
    )
    assert client.get_trail_status(Name=TRAIL)["IsLogging"] is True


def test_a_missing_state_file_without_save_state_exits_2_naming_it(tmp_path):
    result = run("--state", "missing.json", folder=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "missing.json" in result.stderr
    assert result.stdout == ""


def test_save_state_round_trip(launch, tmp_path):
    """A new file is written on SIGTERM with the trails created through the server, and a
    later start restores them."""
    state = tmp_path / "new.json"
    first = launch("--state", str(state), "--save-state")
    signed(first.url()).create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    assert not state.exists()  # written on exit, not before

    assert first.stop() == 0, first.stderr()

    saved = json.loads(state.read_text())
    assert [(entry["Name"], entry["IsMultiRegionTrail"]) for entry in saved["trails"]] == [
        (TRAIL, True)
    ]
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["new.json"]
    assert f"saved the state to {state}" in first.stderr()

    url = launch("--state", str(state)).url()
    assert signed(url).get_trail(Name=TRAIL)["Trail"]["IsMultiRegionTrail"] is True


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{not json", "state.json"), (json.dumps({"trails": 5}), "'trails' must be a list")],
)
def test_an_invalid_state_file_exits_2_with_a_message(tmp_path, content, expected):
    state = tmp_path / "state.json"
    state.write_text(content)
    for extra in ((), ("--save-state",)):  # an invalid file is never overwritten
        result = run("--state", str(state), *extra, folder=tmp_path)
        assert result.returncode == 2, result.stderr
        assert expected in result.stderr
        assert "Traceback" not in result.stderr
    assert state.read_text() == content


def test_save_state_without_state_exits_2(tmp_path):
    result = run("--save-state", folder=tmp_path)
    assert result.returncode == 2
    assert "--save-state needs --state FILE" in result.stderr


def test_save_state_into_a_missing_folder_exits_2_before_serving(tmp_path):
    """Refused at start: found only at exit, the session's state would be lost."""
    result = run(
        "--state", str(tmp_path / "absent" / "state.json"), "--save-state", folder=tmp_path
    )
    assert result.returncode == 2, result.stderr
    assert "absent" in result.stderr
    assert result.stdout == ""


# --- logging ---------------------------------------------------------------------------------


def test_log_writes_request_lines_and_never_credentials(launch):
    """Request lines and statuses go to stderr; no header, key or secret does."""
    server = launch("--log")
    url = server.url()
    client = signed(url, key=KEY_ACCOUNT, secret=SECRET)
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    client.list_trails()
    assert get(url, "/_mock_insights/calls")[0] == 200
    assert get(url, "/_mock_insights/calls?X-Amz-Signature=presigned-secret")[0] == 400
    assert server.stop() == 0

    log = server.stderr()
    assert log.count('"POST / HTTP/1.1" 200') == 2, log
    target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"
    assert f"{target}.CreateTrail as {KEY_ACCOUNT} in {REGION}: ok" in log, log
    assert '"GET /_mock_insights/calls HTTP/1.1" 200' in log
    assert server.process.stdout is not None
    assert server.process.stdout.read() == b""  # only the URL line goes to stdout
    for secret_text in (
        SECRET,
        "Authorization",
        "Credential=",
        "Signature=",
        "AWS4-HMAC",
        "presigned-secret",
    ):
        assert secret_text not in log, f"{secret_text!r} was logged"


def test_an_error_is_logged_with_its_code(launch):
    server = launch("--log")
    with pytest.raises(ClientError):
        signed(server.url()).get_trail(Name="missing-trail")
    assert server.stop() == 0
    assert f"GetTrail as {ACCOUNT} in {REGION}: TrailNotFoundException" in server.stderr()


def test_listening_beyond_loopback_warns(launch):
    """The server checks no signature: serving on every interface is said out loud."""
    server = launch("--host", "0.0.0.0")
    assert server.first_line().startswith("http://0.0.0.0:")
    assert server.stop() == 0
    assert "warning: listening on 0.0.0.0, beyond this machine" in server.stderr()
    assert "warning" not in run_and_stop(launch)


def run_and_stop(launch: Any) -> str:
    server = launch()
    server.url()
    server.stop()
    return server.stderr()


def test_without_log_nothing_is_written_per_request(launch):
    server = launch()
    signed(server.url()).list_trails()
    assert server.stop() == 0
    assert server.stderr() == ""
