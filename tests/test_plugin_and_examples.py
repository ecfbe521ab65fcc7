"""The pytest plugin as users load it, and the examples as users run them."""

from __future__ import annotations

import pathlib
import subprocess
import sys

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


def test_fixture_is_registered_through_the_entry_point(pytester):
    pytester.makepyfile(
        """
        import boto3

        def test_uses_fixture(insights_mock):
            client = boto3.client("cloudtrail", region_name="us-east-1")
            client.create_trail(Name="fixture-trail", S3BucketName="bucket-a")
            assert [t["Name"] for t in client.list_trails()["Trails"]] == ["fixture-trail"]

        def test_state_is_fresh(insights_mock):
            client = boto3.client("cloudtrail", region_name="us-east-1")
            assert client.list_trails()["Trails"] == []
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)


def _run_example(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_quickstart_example_runs():
    output = _run_example("quickstart.py")
    assert "enabled on arn:aws:cloudtrail:us-east-1:123456789012:trail/management-trail" in output
    assert "after disabling: InsightNotEnabledException" in output
    assert (
        "unknown trail: Unknown trail: arn:aws:cloudtrail:us-east-1:123456789012:trail/no-such-trail"
        in output
    )


def test_event_data_store_example_runs():
    output = _run_example("event_data_store.py")
    assert "destination: arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/" in output
    assert "stopping the Insights store: InvalidEventDataStoreCategoryException" in output
