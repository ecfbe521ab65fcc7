"""Fuzzing through boto3: any request botocore lets through gets a success or a modeled
ClientError, never a Python exception from the mock, and a rejected request changes no state.

Requests are drawn from botocore's own input shapes, mixed with names and ARNs of things that
exist, so that lookups succeed often enough to reach the deeper rules.
"""

from __future__ import annotations

from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from helpers import cloudtrail_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_insights import mock_insights
from mock_insights._protocol.dispatch import supported_operations

MODEL = cloudtrail_model()
GENERIC = {"SerializationException", "ValidationException"}
KNOWN_STRINGS = [
    "fuzz-trail",
    "arn:aws:cloudtrail:us-east-1:123456789012:trail/fuzz-trail",
    "fuzz-bucket",
    "Management",
    "Data",
    "eventCategory",
    "readOnly",
    "AWS::S3::Object",
    "ApiCallRateInsight",
]


def _strategy(shape, depth: int = 0):
    kind = shape.type_name
    if kind == "structure":
        members = {name: _strategy(member, depth + 1) for name, member in shape.members.items()}
        required = set(shape.required_members)
        return st.fixed_dictionaries(
            {name: members[name] for name in required},
            optional={name: s for name, s in members.items() if name not in required},
        )
    if kind == "list":
        return st.lists(_strategy(shape.member, depth + 1), max_size=3 if depth < 3 else 0)
    if kind == "map":
        return st.dictionaries(st.text(max_size=5), _strategy(shape.value, depth + 1), max_size=2)
    if kind == "string":
        if shape.enum:
            return st.sampled_from(shape.enum)
        return st.one_of(st.sampled_from(KNOWN_STRINGS), st.text(max_size=20))
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "long"):
        return st.integers(min_value=-10, max_value=4000)
    if kind == "timestamp":
        return st.datetimes()
    return st.nothing()


OPERATIONS = supported_operations()
REQUESTS = st.sampled_from(OPERATIONS).flatmap(
    lambda op: st.tuples(st.just(op), _strategy(MODEL.operation_model(op).input_shape))
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(requests=st.lists(REQUESTS, min_size=1, max_size=6))
def test_any_valid_request_gets_a_modeled_answer_and_rejections_change_nothing(requests):
    with mock_insights() as mock:
        client = mock.client(config=Config(retries={"total_max_attempts": 1}))
        client.create_trail(Name="fuzz-trail", S3BucketName="fuzz-bucket")
        for operation, params in requests:
            before = mock.snapshot()
            try:
                getattr(client, xform_name(operation))(**params)
            except ParamValidationError:
                continue  # botocore did not let it through
            except ClientError as error:
                code = error.response["Error"]["Code"]
                assert code in {s.name for s in MODEL.error_shapes} | GENERIC, (operation, code)
                assert mock.snapshot() == before, (operation, params, code)
