"""The pytest plugin as users load it, and the examples as users run them."""

from __future__ import annotations

import json
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


def test_marker_configures_region_account_and_state(pytester):
    pytester.makefile(
        ".json",
        state=json.dumps(
            {
                "trails": [
                    {
                        "Name": "seeded-trail",
                        "S3BucketName": "bucket-a",
                        "Region": "eu-west-1",
                        "InsightSelectors": [{"InsightType": "ApiCallRateInsight"}],
                    }
                ]
            }
        ),
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.insights_mock(region="eu-west-1", account_id="111122223333", state="state.json")
        def test_configured(insights_mock):
            client = boto3.client("cloudtrail")  # the region comes from the marker
            trail = client.get_trail(Name="seeded-trail")["Trail"]
            assert trail["TrailARN"] == (
                "arn:aws:cloudtrail:eu-west-1:111122223333:trail/seeded-trail"
            )
            assert trail["HasInsightSelectors"] is True

        @pytest.mark.insights_mock(state={"trails": [{"Name": "inline", "S3BucketName": "b-1"}]})
        def test_marker_alone_switches_the_mock_on():
            client = boto3.client("cloudtrail", region_name="us-east-1")
            assert [t["Name"] for t in client.list_trails()["Trails"]] == ["inline"]

        @pytest.mark.insights_mock(regoin="eu-west-1")
        def test_typo_in_an_option():
            pass
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*takes the keyword options region, account_id, state, organization, history_limit, retry_delays only*regoin*"
        ]
    )


def test_readme_toolkit_snippet_runs():
    readme = (EXAMPLES.parent / "README.md").read_text()
    snippet = next(b for b in readme.split("```python\n")[1:] if "inject_error" in b)
    code = "import time\ntime.sleep = lambda seconds: None\n" + snippet.split("```")[0]
    code += "\nprint(saved['s3_buckets'][0]['Exists'], saved['trails'][0]['InsightSelectors'])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False [{'InsightType': 'ApiCallRateInsight'}]"


def test_readme_insights_snippet_runs():
    readme = (EXAMPLES.parent / "README.md").read_text()
    blocks = [b.split("```")[0] for b in readme.split("```python\n")[1:]]
    snippet = next(b for b in blocks if "m.simulate_insight(" in b)
    code = snippet + "\nprint(spike.start_event['insightDetails']['state'])\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Start"  # and the snippet's own assert held
