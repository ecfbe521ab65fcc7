"""Explaining a request the handlers could not read, the way the AWS JSON protocol would.

botocore validates parameters before sending, so handlers trust their types. A request that
did not pass that validation (a client with ``parameter_validation=False``, or raw wire
input) can still reach the core. Such a request is checked against botocore's model before
its handler runs, and the error AWS gives is named: ``SerializationException`` for a value of
the wrong type, ``ValidationException`` for a missing or out-of-range member. Unknown members
are ignored, as AWS JSON services do. Requests botocore validated skip the check.
"""

from __future__ import annotations

import re
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
    """The error AWS would answer for these params, or None if the model accepts them.

    A value of the wrong type stops the request before validation (``SerializationException``,
    the first one); the validation problems are then all listed in one ``ValidationException``,
    as AWS's JSON services list them.
    """
    report = validate(operation, params)
    problems = [error for error in report._errors if error[0] not in _IGNORED]
    if not problems:
        return None
    for kind, name, details in problems:
        if kind == "invalid type":
            return ServiceError(
                "SerializationException",
                f"Unexpected value type for {name.lstrip('.') or 'the request'}: expected "
                f"{_expected(details.get('valid_types', []))}.",
            )
    failures = [_failure(kind, name, details, params) for kind, name, details in problems]
    count = f"{len(failures)} validation error{'s' if len(failures) > 1 else ''}"
    return ServiceError("ValidationException", f"{count} detected: {'; '.join(failures)}")


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(name: str) -> list[str | int]:
    """botocore's path (``.TagsList[0].Key``) as keys and list indexes."""
    return [key if key else int(index) for key, index in _STEP.findall(name)]


def _aws_path(steps: list[str | int]) -> str:
    """The path as AWS writes it: ``tagsList.1.member.key`` (lowerCamel, lists 1-based)."""
    parts = [
        f"{step + 1}.member" if isinstance(step, int) else step[:1].lower() + step[1:]
        for step in steps
    ]
    return ".".join(parts)


def _value_at(params: Any, steps: list[str | int]) -> Any:
    """The value at the path, or None if the path cannot be walked (a map key holding a dot
    or a bracket reads as several steps)."""
    try:
        for step in steps:
            params = params[step]
    except (KeyError, IndexError, TypeError):
        return None
    return params


def _failure(kind: str, name: str, details: dict[str, Any], params: dict[str, Any]) -> str:
    """One problem, in AWS's words: ``Value '0' at 'maxResults' failed to satisfy ...``."""
    steps = _steps(name)
    if kind == "missing required field":
        path = _aws_path([*steps, details["required_name"]])
        return f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
    value = _value_at(params, steps)
    if isinstance(value, list):
        value = f"[{', '.join(map(str, value))}]"  # as AWS's Java services print a list
    shown = "null" if value is None else f"'{value}'"
    at = f"Value {shown} at '{_aws_path(steps)}' failed to satisfy constraint"
    if kind == "invalid length":
        return f"{at}: Member must have length greater than or equal to {details['min_allowed']}"
    if kind == "invalid range":
        return f"{at}: Member must have value greater than or equal to {details['min_allowed']}"
    return f"{at}: Member is not valid ({kind})"
