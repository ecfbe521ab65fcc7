from __future__ import annotations

import json
import os
import socket
import threading

import boto3
import pytest
from helpers import BUCKET, OTHER_REGION, REGION, TRAIL

from mock_insights import InsightsMock
from mock_insights._cloudtrail import service_model
from mock_insights._toolkit import faults
from mock_insights._toolkit.harness import Harness


@pytest.fixture
def client(insights_mock: InsightsMock):
    return boto3.client("cloudtrail", region_name=REGION)


@pytest.fixture
def other_region_client(insights_mock: InsightsMock):
    return boto3.client("cloudtrail", region_name=OTHER_REGION)


@pytest.fixture
def trail(client) -> str:
    """A fresh single-region trail with default event selectors; returns its name."""
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    return TRAIL


_LOOPBACK = ("127.", "::1", "localhost")
# Settings a developer's shell may export that change how botocore retries or where it sends
# calls made outside a mock (moto's S3, say); the suite's outcomes must not depend on them.
_SHELL_KNOBS = (
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_DEFAULTS_MODE",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
)


@pytest.fixture(scope="session")
def _no_aws_files(tmp_path_factory):
    return tmp_path_factory.mktemp("no-aws")


@pytest.fixture(autouse=True)
def _credentials_without_the_network(monkeypatch, _no_aws_files):
    """Clients made outside a mock find credentials without asking the instance metadata
    service and without the developer's profile or config files, whichever
    test ran first and whatever the shell exports (CI runs with ``AWS_PROFILE=missing``)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outside-the-mock")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "outside-the-mock")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(_no_aws_files / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(_no_aws_files / "credentials"))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", *_SHELL_KNOBS):
        monkeypatch.delenv(name, raising=False)
    for name in os.environ:
        if name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)


def _loopback(host) -> bool:
    return host is None or (isinstance(host, str) and (host.startswith(_LOOPBACK) or "/" in host))


@pytest.fixture(autouse=True)
def _no_socket_leaves_the_machine(monkeypatch):
    """Fail any test that looks up or connects to a non-loopback address."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _loopback(host):
            pytest.fail(f"a test tried to reach the network: {address!r}", pytrace=True)

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        check((host.decode() if isinstance(host, bytes) else host,))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class AnsweredErrors:
    """The error codes the mock answered during one test, by operation, from the wire bytes:
    exactly what botocore saw, whichever handler, validation step or injection produced it."""

    def __init__(self) -> None:
        self.codes: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def note(self, request, response) -> None:
        prefix, _, operation = (request.target or "").rpartition(".")
        if response.status < 400 or prefix != service_model.target_prefix():
            return
        if operation not in service_model.operation_names():  # UnknownOperationException
            return
        with self._lock:
            self.codes.add((operation, json.loads(response.body)["__type"]))

    def refused(self) -> list[tuple[str, str]]:
        """The answered codes that ``inject_error`` would refuse for their operation."""
        with self._lock:
            codes = sorted(self.codes)
        return [(op, code) for op, code in codes if code not in faults.allowed_codes(op)]


@pytest.fixture(autouse=True)
def _answered_errors_are_injectable(monkeypatch):
    """Fail a test in which the mock answered an error code that ``m.inject_error`` refuses
    for that operation: every code the mock can answer must be injectable. Checking what the
    whole suite provokes keeps that true as handlers gain codes, with no list to keep by hand
    beyond the few codes botocore's model does not list (faults.ANSWERED_BEYOND_MODEL)."""
    answered = AnsweredErrors()
    answer = Harness.answer

    def recording_answer(self, request):
        response = answer(self, request)
        answered.note(request, response)
        return response

    monkeypatch.setattr(Harness, "answer", recording_answer)
    yield answered
    refused = answered.refused()
    if refused:
        lines = [
            f"  {operation}: {code} (m.inject_error({operation!r}, {code!r}) raises UsageError)"
            for operation, code in refused
        ]
        pytest.fail(
            "The mock answered error codes that inject_error refuses for their operation:\n"
            + "\n".join(lines)
            + "\nAdd each to ANSWERED_BEYOND_MODEL in mock_insights/_toolkit/faults.py, with "
            "the reason the mock answers it, so tests can inject every error the mock gives.",
            pytrace=False,
        )
