"""The toolkit refuses what cannot work, loudly: unknown parameter names in filters and
injections, codes the mock answers but could not inject, unreadable state, hidden types."""

from __future__ import annotations

import configparser
import json
import pydoc
import re
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from helpers import ACCOUNT, BUCKET, OTHER_REGION, REGION, TRAIL, raises_code

import mock_insights
from mock_insights import CallHistory, Injection, RecordedCall, UsageError
from mock_insights._toolkit import faults

CALL_RATE = {"InsightType": "ApiCallRateInsight"}
NO_RETRIES = Config(retries={"total_max_attempts": 1})
ROOT = Path(__file__).resolve().parents[1]


def store_arn(store_id: str, region: str = REGION) -> str:
    return f"arn:aws:cloudtrail:{region}:{ACCOUNT}:eventdatastore/{store_id}"


# --- 1. parameter names in injections and history filters ------------------------------------


def test_inject_error_refuses_a_misspelt_parameter(insights_mock, trail):
    with pytest.raises(UsageError) as caught:
        insights_mock.inject_error("PutInsightSelectors", "ThrottlingException", TrailNmae=trail)
    message = str(caught.value)
    assert "PutInsightSelectors has no parameter 'TrailNmae'" in message
    assert "Did you mean TrailName?" in message
    assert "It takes: TrailName, InsightSelectors, EventDataStore" in message
    assert insights_mock.injections == []


def test_python_spelling_of_a_parameter_suggests_the_wire_name(insights_mock):
    with pytest.raises(
        UsageError, match=r"has no parameter 'trail_name'\. Did you mean TrailName\?"
    ):
        insights_mock.inject_error("put_insight_selectors", "ThrottlingException", trail_name="t")


def test_a_parameter_of_another_operation_is_refused(insights_mock):
    # GetTrail takes Name; TrailName belongs to other operations.
    with pytest.raises(
        UsageError, match="GetTrail has no parameter 'TrailName'.*Did you mean Name"
    ):
        insights_mock.inject_error("GetTrail", "ThrottlingException", TrailName=TRAIL)


@pytest.mark.parametrize(
    "assertion", ["of", "assert_called", "assert_called_once", "assert_not_called"]
)
def test_history_filters_refuse_a_misspelt_parameter(insights_mock, client, trail, assertion):
    client.delete_trail(Name=trail)
    with pytest.raises(UsageError) as caught:
        getattr(insights_mock.calls, assertion)("DeleteTrail", Nmae=trail)
    assert "DeleteTrail has no parameter 'Nmae'. Did you mean Name?" in str(caught.value)


def test_assert_not_called_no_longer_passes_vacuously(insights_mock, client, trail):
    client.delete_trail(Name=trail)
    with pytest.raises(UsageError):
        insights_mock.calls.assert_not_called("DeleteTrail", name=trail)
    with pytest.raises(AssertionError, match="Expected DeleteTrail"):
        insights_mock.calls.assert_not_called("DeleteTrail", Name=trail)


def test_a_filter_without_operation_takes_any_operations_parameters(insights_mock, client, trail):
    assert [call.operation for call in insights_mock.calls.of(Name=trail)] == ["CreateTrail"]
    with pytest.raises(UsageError, match="'Nmae' is not a parameter of any CloudTrail operation"):
        insights_mock.calls.of(Nmae=trail)


def test_valid_names_keep_partial_and_nested_matching(insights_mock, client, trail):
    client.put_event_selectors(
        TrailName=trail,
        AdvancedEventSelectors=[
            {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
        ],
    )
    insights_mock.inject_error("PutInsightSelectors", "ThrottlingException", TrailName=trail)
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    attempts = insights_mock.calls.of("put_insight_selectors", TrailName=trail)
    assert [attempt.error for attempt in attempts] == ["ThrottlingException", None]
    assert len(insights_mock.calls.of("PutInsightSelectors", InsightSelectors=[CALL_RATE])) == 2
    # Nested keys are matched, not checked: a key no selector has matches nothing.
    assert insights_mock.calls.of("PutEventSelectors", AdvancedEventSelectors=[{"Nope": 1}]) == []


def test_a_misspelt_error_code_is_refused_with_a_suggestion(insights_mock):
    with pytest.raises(UsageError, match="Did you mean EventDataStoreNotFoundException"):
        insights_mock.inject_error("PutInsightSelectors", "EventDataStoreNotFound")


# --- 2. every code the mock answers can be injected --------------------------------------------


def _missing_store(client):
    client.put_insight_selectors(
        EventDataStore=store_arn("missing-source"),
        InsightsDestination=store_arn("missing-destination"),
        InsightSelectors=[CALL_RATE],
    )


# Each code the mock answers for an operation beyond the operation's modeled list, provoked
# the way a user would, with a valid request of the same operation to inject it on.
NATURAL = {
    ("PutInsightSelectors", "EventDataStoreNotFoundException"): (
        _missing_store,
        lambda c: c.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[]),
    ),
    ("PutInsightSelectors", "EventDataStoreARNInvalidException"): (
        lambda c: c.put_insight_selectors(
            EventDataStore=store_arn("other", OTHER_REGION), InsightSelectors=[]
        ),
        lambda c: c.put_insight_selectors(TrailName=TRAIL, InsightSelectors=[]),
    ),
    ("GetInsightSelectors", "EventDataStoreNotFoundException"): (
        lambda c: c.get_insight_selectors(EventDataStore=store_arn("missing")),
        lambda c: c.get_insight_selectors(TrailName=TRAIL),
    ),
    ("GetInsightSelectors", "EventDataStoreARNInvalidException"): (
        lambda c: c.get_insight_selectors(EventDataStore="arn:aws:cloudtrail:nonsense"),
        lambda c: c.get_insight_selectors(TrailName=TRAIL),
    ),
    ("PutEventSelectors", "InvalidParameterCombinationException"): (
        lambda c: c.put_event_selectors(TrailName=TRAIL),
        lambda c: c.put_event_selectors(TrailName=TRAIL, EventSelectors=[{}]),
    ),
    ("DescribeTrails", "CloudTrailARNInvalidException"): (
        lambda c: c.describe_trails(trailNameList=["arn:aws:cloudtrail:broken"]),
        lambda c: c.describe_trails(),
    ),
    ("ListTags", "InvalidParameterException"): (
        lambda c: c.list_tags(
            ResourceIdList=[f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/t{n}" for n in range(21)]
        ),
        lambda c: c.list_tags(
            ResourceIdList=[f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL}"]
        ),
    ),
}


def test_every_code_beyond_the_model_has_a_natural_case_here():
    declared = {(op, code) for op, codes in faults.ANSWERED_BEYOND_MODEL.items() for code in codes}
    assert declared == set(NATURAL), (
        "each entry of faults.ANSWERED_BEYOND_MODEL needs a case in NATURAL that provokes it"
    )


@pytest.mark.parametrize(("operation", "code"), sorted(NATURAL))
def test_a_code_the_mock_answers_can_be_injected(insights_mock, client, trail, operation, code):
    provoke, valid_call = NATURAL[operation, code]
    with raises_code(code):
        provoke(client)
    insights_mock.inject_error(operation, code, message="injected")
    with raises_code(code, "injected"):
        valid_call(client)
    assert [call.error for call in insights_mock.calls.of(operation)] == [code, code]


def test_protocol_errors_can_be_injected_as_the_mock_answers_them(insights_mock, trail):
    unchecked = boto3.client(
        "cloudtrail", region_name=REGION, config=Config(parameter_validation=False)
    )
    with raises_code("SerializationException"):
        unchecked.get_trail(Name=5)
    with raises_code("ValidationException"):
        unchecked.get_trail()
    insights_mock.inject_error("GetTrail", "SerializationException")
    insights_mock.inject_error("GetTrail", "ValidationException")
    for code in ("SerializationException", "ValidationException"):
        with raises_code(code, f"{code} (injected)"):
            unchecked.get_trail(Name=trail)


def test_the_suite_guard_reports_a_code_inject_error_would_refuse(
    insights_mock, client, monkeypatch, _answered_errors_are_injectable
):
    answered = _answered_errors_are_injectable
    with raises_code("EventDataStoreNotFoundException"):
        _missing_store(client)
    assert answered.refused() == []
    with monkeypatch.context() as patched:
        beyond = dict(faults.ANSWERED_BEYOND_MODEL)
        del beyond["PutInsightSelectors"]
        patched.setattr(faults, "ANSWERED_BEYOND_MODEL", beyond)
        assert answered.refused() == [("PutInsightSelectors", "EventDataStoreNotFoundException")]
        with pytest.raises(UsageError):
            insights_mock.inject_error("PutInsightSelectors", "EventDataStoreNotFoundException")


# --- 3. state files and snapshots ---------------------------------------------------------------


@pytest.fixture
def seeded(insights_mock):
    """A mock holding one trail, to show that a refused restore changes nothing."""
    insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET)
    return insights_mock


def _still_seeded(mock) -> None:
    trails = boto3.client("cloudtrail", region_name=REGION).list_trails()["Trails"]
    assert [trail["Name"] for trail in trails] == [TRAIL]
    assert mock.calls.of("ListTrails")


def test_restore_refuses_json_text_in_place_of_a_path(seeded):
    text = json.dumps(seeded.snapshot())
    with pytest.raises(UsageError, match=r"was given JSON text: pass json\.loads\(text\)"):
        seeded.restore(text)
    _still_seeded(seeded)


def test_restore_names_a_missing_file(seeded, tmp_path, monkeypatch):
    missing = tmp_path / "nope.json"
    with pytest.raises(UsageError, match=f"state file {re.escape(str(missing))} does not exist"):
        seeded.restore(missing)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        UsageError,
        match=rf"state file nope\.json does not exist \(looked for {re.escape(str(missing))}\)",
    ):
        seeded.restore("nope.json")
    _still_seeded(seeded)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b'{"trails": [{"Name": "half',
            r" is not valid JSON \(truncated\?\): Unterminated string starting at \(line 1, column 22\)",
        ),
        (b"", r" is empty; an empty state is \{\}"),
        (b"\xff\xfe{}", r" is not UTF-8 text \(byte 0\)"),
        (b"[]", r": a snapshot must be a mapping, not list"),
        (
            b'{"trails": [{"Name": "ab", "S3BucketName": "b-1"}]}',
            r": cannot seed trail 'ab': InvalidTrailNameException",
        ),
        (
            b'{"s3_buckets": [{"Name": "b-1", "Exists": "false"}]}',
            r": cannot seed S3 bucket 'b-1': Exists must be true or false, not 'false'",
        ),
        (b'{"kms_keys": [{"KeyId": 7}]}', r": a KMS key is an ARN, key ID or alias, not 7"),
        (
            b'{"organization": {"MemberAccountIds": "111122223333"}}',
            r": member_account_ids must be a list of account IDs",
        ),
        (
            b'{"trails": [{"Name": "t-1", "S3BucketName": "b-1", "Region": ["x"]}]}',
            r": Region must be a region name",
        ),
    ],
)
def test_restore_says_which_file_is_wrong_and_how(seeded, tmp_path, content, problem):
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=f"^state file {re.escape(str(path))}{problem}"):
        seeded.restore(path)
    with pytest.raises(UsageError, match=f"^state file {re.escape(str(path))}{problem}"):
        seeded.restore(str(path))
    _still_seeded(seeded)


def test_restore_names_a_directory(seeded, tmp_path):
    with pytest.raises(UsageError, match=f"state file {re.escape(str(tmp_path))} is a directory"):
        seeded.restore(tmp_path)
    _still_seeded(seeded)


def test_a_saved_state_file_still_restores(seeded, tmp_path):
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(seeded.snapshot()), encoding="utf-8")
    seeded.restore({})
    assert seeded.snapshot()["trails"] == []
    seeded.restore(str(path))
    _still_seeded(seeded)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"AccountId": "12345"}, "AccountId must be a 12-digit account ID, not '12345'"),
        ({"Region": "Moon"}, "Region must be a region name such as us-east-1, not 'Moon'"),
        ({"IsLogging": "false"}, "IsLogging must be true or false, not 'false'"),
    ],
)
def test_seeds_refuse_values_no_client_could_reach(insights_mock, entry, problem):
    with pytest.raises(UsageError, match=problem):
        insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET, **entry)
    assert insights_mock.snapshot()["trails"] == []


def test_declarations_refuse_malformed_values(insights_mock):
    with pytest.raises(UsageError, match="member_account_ids must be a list of account IDs"):
        insights_mock.set_organization(member_account_ids="111122223333")
    with pytest.raises(UsageError, match="Exists must be true or false"):
        insights_mock.set_s3_bucket(BUCKET, exists="no")
    with pytest.raises(UsageError, match="a KMS key is an ARN, key ID or alias"):
        insights_mock.set_kms_key(None)
    with pytest.raises(UsageError, match="cannot declare SNS topic"):
        insights_mock.set_sns_topic("not a topic!")
    assert insights_mock.snapshot() == {
        "format": "mock_insights/1",
        "trails": [],
        "event_data_stores": [],
        "s3_buckets": [],
        "sns_topics": [],
        "kms_keys": [],
        "insights": [],
    }


def test_marker_state_errors_name_the_file(pytester):
    pytester.makefile(".json", truncated='{"trails": [')
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.insights_mock(state="truncated.json")
        def test_truncated():
            pass

        @pytest.mark.insights_mock(state="absent.json")
        def test_absent():
            pass
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=2)
    output = result.stdout.str()
    assert re.search(r"UsageError: state file \S+/truncated\.json is not valid JSON", output)
    assert re.search(r"UsageError: state file \S+/absent\.json does not exist", output)


def test_marker_state_of_the_wrong_type_is_a_usage_error(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.insights_mock(state=5)
        def test_number():
            pass
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    assert "UsageError: the insights_mock marker's state must be a snapshot mapping" in (
        result.stdout.str()
    )


# --- 4. the package's public face -----------------------------------------------------------------


def test_public_toolkit_types_are_exported_and_are_what_the_mock_returns(insights_mock, trail):
    assert {"CallHistory", "RecordedCall", "Injection", "InsightsMock", "UsageError"} <= set(
        mock_insights.__all__
    )
    for name in mock_insights.__all__:
        assert getattr(mock_insights, name) is not None
    injection = insights_mock.inject_error("GetTrail", "ThrottlingException", Name=trail)
    assert isinstance(injection, Injection)
    assert isinstance(insights_mock.calls, CallHistory)
    assert isinstance(insights_mock.calls[0], RecordedCall)


def test_help_shows_usage_and_the_toolkit_types():
    text = pydoc.render_doc(mock_insights, renderer=pydoc.plaintext)
    for shown in ("@mock_insights", "insights_mock", "with mock_insights() as m"):
        assert shown in text
    for name in ("CallHistory", "RecordedCall", "Injection", "InsightsMock", "UsageError"):
        assert f"class {name}" in text
    assert {"CallHistory", "Injection"} <= set(dir(mock_insights))


def test_project_urls_point_at_the_repository():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["metadata"]["project_urls"].strip().splitlines()
    urls = dict(line.split(" = ", 1) for line in lines)
    assert set(urls) == {"Homepage", "Source", "Issues", "Changelog", "Documentation"}
    assert all(
        url.startswith("https://github.com/mock-insights/mock_insights") for url in urls.values()
    )
