"""Explaining a request the handlers could not read, the way the AWS JSON protocol would.

botocore validates parameters before sending, so handlers trust their types. A request that
did not pass that validation (a client with ``parameter_validation=False``, or raw wire
input) can still reach the core; when a handler trips over it, this module checks it against
botocore's model and names the error AWS gives: ``SerializationException`` for a value of
the wrong type, ``ValidationException`` for a missing or out-of-range member. Unknown members
are ignored, as AWS JSON services do. Checking only after a failure keeps the hot path free.
"""

from __future__ import annotations

from typing import Any

from botocore.validate import ParamValidator

from . import _model
from .errors import ServiceError

_IGNORED = {"unknown field"}


def validate(operation: str, params: dict[str, Any]) -> Any:
    """botocore's own validation report for ``params`` against the operation's input shape."""
    shape = _model.service_model().operation_model(operation).input_shape
    return ParamValidator().validate(params, shape)


def explain(operation: str, params: dict[str, Any]) -> ServiceError | None:
    """The error AWS would answer for these params, or None if the model accepts them."""
    report = validate(operation, params)
    problems = [error for error in report._errors if error[0] not in _IGNORED]
    if not problems:
        return None
    kind, name, details = problems[0]
    if kind == "invalid type":
        return ServiceError(
            "SerializationException",
            f"Unexpected value for {name or 'the request'}: expected "
            f"{', '.join(details.get('valid_types', []))}.",
        )
    return ServiceError(
        "ValidationException", f"1 validation error detected: {kind} at '{name}': {details}"
    )
