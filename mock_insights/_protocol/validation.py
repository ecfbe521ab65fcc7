"""Explaining a request the handlers could not read, the way the AWS JSON protocol would.

botocore validates parameters before sending, so handlers trust their types. A request that
did not pass that validation (a client with ``parameter_validation=False``, or raw wire
input) can still reach the core. Such a request is checked against botocore's model before
its handler runs, and the error AWS gives is named: ``SerializationException`` for a value of
the wrong type, ``ValidationException`` for a missing or out-of-range member. Unknown members
are ignored, as AWS JSON services do. Requests botocore validated skip the check.
"""

from __future__ import annotations

from typing import Any

from botocore.validate import ParamValidator

from mock_insights._cloudtrail import service_model
from mock_insights.errors import ServiceError

_IGNORED = {"unknown field"}


def validate(operation: str, params: dict[str, Any]) -> Any:
    """botocore's own validation report for ``params`` against the operation's input shape."""
    shape = service_model.service_model().operation_model(operation).input_shape
    return ParamValidator().validate(params, shape)


_TYPE_NAMES = {
    "bool": "boolean",
    "str": "string",
    "list": "list",
    "tuple": "list",
    "dict": "structure",
    "int": "integer",
    "float": "number",
    "Decimal": "number",
    "datetime": "timestamp",
    "bytes": "blob",
    "bytearray": "blob",
}


def _expected(valid_types: list[str]) -> str:
    """botocore names Python types (``<class 'bool'>``); AWS names the wire's."""
    names = [text.split("'")[1].rpartition(".")[2] if "'" in text else text for text in valid_types]
    return " or ".join(dict.fromkeys(_TYPE_NAMES.get(name, name) for name in names))


def explain(operation: str, params: dict[str, Any]) -> ServiceError | None:
    """The error AWS would answer for these params, or None if the model accepts them."""
    report = validate(operation, params)
    problems = [error for error in report._errors if error[0] not in _IGNORED]
    if not problems:
        return None
    kind, name, details = problems[0]
    path = name.lstrip(".")
    if kind == "invalid type":
        return ServiceError(
            "SerializationException",
            f"Unexpected value type for {path or 'the request'}: expected "
            f"{_expected(details.get('valid_types', []))}.",
        )
    if kind == "missing required field":
        path = f"{path}.{details['required_name']}".lstrip(".")
        constraint = "Member must not be null"
        return _invalid(f"Value null at '{path}'", constraint)
    if kind == "invalid length":
        constraint = f"Member must have length greater than or equal to {details['min_allowed']}"
        return _invalid(f"Value at '{path}'", constraint)
    if kind == "invalid range":
        constraint = f"Member must have value greater than or equal to {details['min_allowed']}"
        return _invalid(f"Value at '{path}'", constraint)
    return _invalid(f"Value at '{path}'", f"Member is not valid ({kind})")


def _invalid(value: str, constraint: str) -> ServiceError:
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: {value} failed to satisfy constraint: {constraint}",
    )
