"""No async request reaches the network while the mock is active, whatever session made the
client and whatever the import order (a fresh interpreter per case)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

_SCRIPT = r"""
import asyncio, json, socket, sys
attempts = []
phase = ["before import"]
real_connect = socket.socket.connect
def refuse(*args, **kwargs):
    if phase[0] != "before import":
        attempts.append(repr(args[:2]))
    raise OSError("the network was used")
socket.getaddrinfo = refuse
socket.socket.connect = refuse
IMPORT_AIOBOTOCORE_FIRST = sys.argv[1] == "aiobotocore-first"
if IMPORT_AIOBOTOCORE_FIRST:
    from aiobotocore.session import get_session
    early = get_session()
    early.set_credentials("AKIDEXAMPLE", "secret")
import mock_insights
phase[0] = "imported"
if not IMPORT_AIOBOTOCORE_FIRST:
    from aiobotocore.session import get_session
    early = get_session()
assert "asyncio" in sys.modules  # aiobotocore's doing, not ours

async def main():
    arns = []
    with mock_insights.mock_insights():
        phase[0] = "active"
        async with early.create_client("cloudtrail", region_name="eu-west-1") as held:
            arns.append((await held.create_trail(Name="held", S3BucketName="bucket-a"))["TrailARN"])
        bare_session = get_session()  # no credentials anywhere: the mock's fake ones
        async with bare_session.create_client("cloudtrail", region_name="ap-south-1") as bare:
            arns.append((await bare.create_trail(Name="bare", S3BucketName="bucket-a"))["TrailARN"])
        async with bare_session.create_client("cloudtrail-data", region_name="us-east-1") as data:
            try:
                await data.put_audit_events(
                    auditEvents=[{"id": "event-1", "eventData": "{}"}],
                    channelArn="arn:aws:cloudtrail:us-east-1:123456789012:channel/x",
                )
            except NotImplementedError as error:
                arns.append(type(error).__name__)
    return arns

print(json.dumps({"arns": asyncio.run(main()), "attempts": attempts}))
"""


def _run(order: str, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(tmp_path), AWS_PROFILE="missing")  # metadata service left enabled
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, order],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_async_clients_made_before_import_reach_no_network(tmp_path):
    outcome = _run("aiobotocore-first", tmp_path)
    assert outcome["arns"] == [
        "arn:aws:cloudtrail:eu-west-1:123456789012:trail/held",
        "arn:aws:cloudtrail:ap-south-1:123456789012:trail/bare",
        "UnsupportedOperationError",
    ]
    assert outcome["attempts"] == []


def test_async_clients_imported_after_mock_insights_reach_no_network(tmp_path):
    outcome = _run("mock-insights-first", tmp_path)
    assert outcome["arns"][1:] == [
        "arn:aws:cloudtrail:ap-south-1:123456789012:trail/bare",
        "UnsupportedOperationError",
    ]
    assert outcome["attempts"] == []


def test_importing_mock_insights_loads_neither_aiobotocore_nor_asyncio():
    script = (
        "import sys, boto3, mock_insights; "
        "print(sorted(m for m in sys.modules if m.startswith(('asyncio', 'aiobotocore'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
