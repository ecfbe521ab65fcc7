"""Restoring the same state file or snapshot again: validated once, yet always the state the
data describes, never one a test changed, and never past a check moto's state decides."""

from __future__ import annotations

import json
import os

import boto3
import pytest
from helpers import BUCKET, OTHER_REGION, REGION, TRAIL, allow_cloudtrail

from mock_insights import UsageError, mock_insights
from mock_insights._toolkit import snapshot as snapshot_module

CALL_RATE = {"InsightType": "ApiCallRateInsight"}


def _state(*names: str, region: str | None = REGION) -> dict:
    trails = [
        {"Name": name, "S3BucketName": BUCKET, "InsightSelectors": [CALL_RATE]} for name in names
    ]
    if region is not None:
        for trail in trails:
            trail["Region"] = region
    return {"trails": trails}


def _names(client) -> list[str]:
    return sorted(trail["Name"] for trail in client.list_trails()["Trails"])


@pytest.fixture
def state_file(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(_state(TRAIL, "second-trail")))
    return path


def test_a_state_file_restored_again_is_not_replayed_again(
    insights_mock, client, state_file, monkeypatch
):
    """The second restore of an unchanged file takes the state remembered from the first."""
    insights_mock.restore(state_file)

    def no_replay(*_args, **_kwargs):
        raise AssertionError("the state file was validated and replayed again")

    monkeypatch.setattr(snapshot_module, "load", no_replay)
    insights_mock.restore(state_file)
    assert _names(client) == sorted(["second-trail", TRAIL])
    assert client.get_insight_selectors(TrailName=TRAIL)["InsightSelectors"] == [CALL_RATE]


def test_changes_a_test_made_do_not_survive_the_next_restore(insights_mock, client, state_file):
    insights_mock.restore(state_file)
    client.delete_trail(Name=TRAIL)
    client.put_insight_selectors(TrailName="second-trail", InsightSelectors=[])
    client.create_trail(Name="added-trail", S3BucketName=BUCKET)
    insights_mock.restore(state_file)
    assert _names(client) == sorted(["second-trail", TRAIL])
    assert client.get_insight_selectors(TrailName="second-trail")["InsightSelectors"] == [CALL_RATE]


def test_a_changed_state_file_is_read_again(insights_mock, client, state_file):
    insights_mock.restore(state_file)
    state_file.write_text(json.dumps(_state("only-trail-now")))
    os.utime(state_file, ns=(1, 1))  # a new modification time, however fast the clock
    insights_mock.restore(state_file)
    assert _names(client) == ["only-trail-now"]


def test_a_changed_snapshot_is_loaded_again(insights_mock, client):
    data = _state(TRAIL)
    insights_mock.restore(data)
    data["trails"].append(_state("second-trail")["trails"][0])
    insights_mock.restore(data)
    assert _names(client) == sorted(["second-trail", TRAIL])
    data["trails"][0]["InsightSelectors"] = []
    insights_mock.restore(data)
    assert client.get_trail(Name=TRAIL)["Trail"]["HasInsightSelectors"] is False


def test_the_same_data_restored_with_another_default_region_lands_there(client):
    data = _state(TRAIL, region=None)
    with mock_insights(region=REGION) as first:
        first.restore(data)
        assert _names(boto3.client("cloudtrail", region_name=REGION)) == [TRAIL]
    with mock_insights(region=OTHER_REGION) as second:
        second.restore(data)
        assert _names(boto3.client("cloudtrail", region_name=REGION)) == []
        assert _names(boto3.client("cloudtrail", region_name=OTHER_REGION)) == [TRAIL]


def test_an_invalid_state_file_is_refused_every_time(insights_mock, client, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"trails": [{"Name": "x", "S3BucketName": BUCKET}]}))
    for _ in range(2):
        with pytest.raises(UsageError, match="InvalidTrailNameException"):
            insights_mock.restore(path)
    assert _names(client) == []


def test_moto_decides_again_whether_a_bucket_exists(state_file):
    """A file restored without moto is checked again while moto is active: its S3 has no
    bucket, so CloudTrail would refuse the trail."""
    moto = pytest.importorskip("moto")
    with mock_insights() as m:
        m.restore(state_file)
        with moto.mock_aws():
            with pytest.raises(UsageError, match="S3BucketDoesNotExistException"):
                m.restore(state_file)
            s3 = boto3.client("s3", region_name=REGION)
            s3.create_bucket(Bucket=BUCKET)
            policy = allow_cloudtrail("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*")
            s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
            m.restore(state_file)
            client = boto3.client("cloudtrail", region_name=REGION)
            assert _names(client) == sorted(["second-trail", TRAIL])


def test_a_state_that_leaves_a_time_to_stamp_is_replayed_every_time(
    insights_mock, client, tmp_path, monkeypatch
):
    """A logging trail without ``StartLoggingTime`` starts logging at each restore, as a fresh
    replay would; a remembered state would keep the first restore's time."""
    data = _state(TRAIL)
    data["trails"][0]["IsLogging"] = True
    insights_mock.restore(data)

    def replay(*_args, **_kwargs):
        raise AssertionError("replayed")

    monkeypatch.setattr(snapshot_module, "load", replay)
    with pytest.raises(AssertionError, match="replayed"):
        insights_mock.restore(data)
    data["trails"][0]["StartLoggingTime"] = 1_700_000_000.0  # now nothing is left to stamp
    monkeypatch.undo()
    insights_mock.restore(data)
    monkeypatch.setattr(snapshot_module, "load", replay)
    insights_mock.restore(data)
    status = client.get_trail_status(Name=TRAIL)
    assert status["IsLogging"] is True
    assert status["StartLoggingTime"].timestamp() == 1_700_000_000.0


def test_equal_but_differently_typed_data_is_checked_again(insights_mock, client):
    """``1 == True`` in Python, but a restore refuses 1 where the API takes a boolean."""
    data = _state(TRAIL)
    data["trails"][0]["IncludeGlobalServiceEvents"] = True
    insights_mock.restore(data)
    data["trails"][0]["IncludeGlobalServiceEvents"] = 1
    with pytest.raises(UsageError, match="IncludeGlobalServiceEvents"):
        insights_mock.restore(data)
    assert _names(client) == [TRAIL]


def test_only_a_clients_model_from_the_installed_botocore_is_adopted(tmp_path):
    """A session with its own data path holding a CloudTrail model must not decide the
    model every later test is answered from."""
    from mock_insights._cloudtrail import service_model

    client = boto3.client("cloudtrail", region_name=REGION)
    assert service_model.installed(client._loader)
    (tmp_path / "cloudtrail").mkdir()
    session = boto3.Session(region_name=REGION)
    session._session.get_component("data_loader").search_paths.insert(0, str(tmp_path))
    custom = session._session.get_component("data_loader")
    assert not service_model.installed(custom)
