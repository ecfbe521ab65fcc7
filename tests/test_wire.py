"""The pure core: a wire request in, a wire response out, without botocore's event system."""

from __future__ import annotations

import json

from mock_insights._cloudtrail.state import Backend
from mock_insights._protocol.dispatch import handle
from mock_insights._protocol.wire import WireRequest

PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."


def _call(target: str | None, body: bytes) -> tuple[int, dict]:
    response = handle(WireRequest(target, body, "us-east-1", "123456789012"), Backend()).response
    return response.status, json.loads(response.body)


def test_success_is_200_json():
    status, body = _call(PREFIX + "ListTrails", b"{}")
    assert status == 200 and body == {"Trails": []}


def test_error_envelope():
    status, body = _call(PREFIX + "GetTrail", b'{"Name": "missing-trail"}')
    assert status == 400
    assert body == {
        "__type": "TrailNotFoundException",
        "Message": "Unknown trail: missing-trail for the user: 123456789012",
    }


def test_the_short_target_of_other_sdks_is_understood():
    """The Go, JavaScript and Java SDKs send ``CloudTrail_20131101.<Op>``, without botocore's
    namespace; AWS answers both forms."""
    assert _call("CloudTrail_20131101.ListTrails", b"{}") == (200, {"Trails": []})
    status, body = _call("CloudTrail_20131101.GetTrail", b'{"Name": "missing-trail"}')
    assert (status, body["__type"]) == (400, "TrailNotFoundException")
    assert _call("CloudTrail_20131102.ListTrails", b"{}")[1]["__type"] == (
        "UnknownOperationException"
    )
    assert _call("v20131101.CloudTrail_20131101.ListTrails", b"{}")[1]["__type"] == (
        "UnknownOperationException"
    )


def test_unknown_target():
    assert _call("com.example.Nope", b"{}")[1]["__type"] == "UnknownOperationException"
    assert _call(None, b"{}")[1]["__type"] == "UnknownOperationException"


def test_invalid_json():
    assert _call(PREFIX + "ListTrails", b"{not json")[1]["__type"] == "SerializationException"
    assert _call(PREFIX + "ListTrails", b"[1, 2]")[1]["__type"] == "SerializationException"


def test_empty_body_means_no_parameters():
    assert _call(PREFIX + "ListTrails", b"")[0] == 200


def test_every_code_the_mock_raises_is_modeled():
    """Codes are written in handlers; botocore's model is the list they must come from."""
    import pathlib
    import re

    from mock_insights._cloudtrail import service_model as _model

    source = "\n".join(p.read_text() for p in pathlib.Path(_model.__file__).parent.glob("*.py"))
    raised = set(re.findall(r'ServiceError\(\s*"(\w+)"', source))
    protocol_level = {"UnknownOperationException", "SerializationException", "ValidationException"}
    assert raised - protocol_level, "no codes found: the pattern above is stale"
    assert raised - protocol_level <= _model.error_codes()


def test_wrong_types_get_a_serialization_exception():
    status, body = _call(PREFIX + "GetTrail", b'{"Name": 5}')
    assert (status, body["__type"]) == (400, "SerializationException")
    body = _call(
        PREFIX + "PutInsightSelectors", b'{"TrailName": "t-1", "InsightSelectors": "all"}'
    )[1]
    assert body["__type"] == "SerializationException"
    body = _call(PREFIX + "CreateTrail", b'{"Name": "t-1", "S3BucketName": ["b"]}')[1]
    assert body["__type"] == "SerializationException"


def test_missing_required_members_get_a_validation_exception():
    body = _call(PREFIX + "GetTrail", b"{}")[1]
    assert body == {
        "__type": "ValidationException",
        "Message": "1 validation error detected: Value null at 'name' failed to satisfy "
        "constraint: Member must not be null",
    }
    assert _call(PREFIX + "CreateTrail", b'{"Name": "t-1"}')[1]["__type"] == "ValidationException"


def test_validation_messages_name_members_and_values_as_aws_does():
    """AWS's JSON services write member paths in lowerCamel with 1-based list items, quote
    the value, and list every problem in one message."""
    assert _call(PREFIX + "CreateTrail", b"{}")[1]["Message"] == (
        "2 validation errors detected: Value null at 'name' failed to satisfy constraint: "
        "Member must not be null; Value null at 's3BucketName' failed to satisfy constraint: "
        "Member must not be null"
    )
    assert _call(PREFIX + "LookupEvents", b'{"MaxResults": 0}')[1]["Message"] == (
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    body = b'{"ResourceId": "arn:aws:cloudtrail:us-east-1:123456789012:trail/t-1", '
    body += b'"TagsList": [{"Key": "a"}, {"Value": "x"}]}'
    assert _call(PREFIX + "AddTags", body)[1]["Message"] == (
        "1 validation error detected: Value null at 'tagsList.2.member.key' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_a_wrong_type_no_handler_trips_over_is_still_rejected_and_changes_nothing():
    backend = Backend()
    body = b'{"Name": "t-1", "S3BucketName": "bucket-1", "IsMultiRegionTrail": "yes"}'
    answer = handle(WireRequest(PREFIX + "CreateTrail", body, "us-east-1", "123456789012"), backend)
    assert json.loads(answer.response.body) == {
        "__type": "SerializationException",
        "Message": "Unexpected value type for IsMultiRegionTrail: expected boolean.",
    }
    assert list(backend.all_trails()) == []


def test_unknown_members_are_ignored():
    assert _call(PREFIX + "ListTrails", b'{"Unexpected": 1}')[0] == 200


def test_a_huge_body_is_answered():
    names = json.dumps({"trailNameList": [f"trail-{i}" for i in range(20000)]}).encode()
    assert _call(PREFIX + "DescribeTrails", names) == (200, {"trailList": []})


def test_nesting_too_deep_to_parse_is_a_serialization_error():
    deep = b'{"Name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    status, body = _call(PREFIX + "GetTrail", deep)
    assert status == 400 and body["__type"] == "SerializationException"


def test_deep_nesting_that_parses_gets_a_modeled_answer():
    depth = 500  # parses within Python's recursion limit; the model still says no
    nested = b'{"Name": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"
    status, body = _call(PREFIX + "GetTrail", nested)
    assert status == 400 and body["__type"] == "SerializationException"


def test_a_map_key_with_a_dot_does_not_break_the_validation_message():
    """botocore names a map entry ``map.key``; a key holding a dot is not a path to walk."""
    from mock_insights._protocol.validation import _steps, _value_at

    assert _value_at({"Dimensions": {"Event.Id": ""}}, _steps(".Dimensions.Event.Id")) is None
    assert _value_at({"Dimensions": {"EventId": "x"}}, _steps(".Dimensions.EventId")) == "x"
