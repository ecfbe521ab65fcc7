"""Fault injection: make the next matching calls fail with an error real CloudTrail can give.

An injected error is answered before the operation runs, so it changes no state, and it goes
out as a wire-format error body, so botocore's own parser and retry logic handle it exactly as
they would handle AWS's answer.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from mock_insights._cloudtrail import service_model
from mock_insights.errors import ServiceError, UsageError

from .match import check_names, contains, describe, suggestions

# The errors every AWS API can answer besides its modeled ones, with their HTTP status
# (AWS API references, "Common Errors"); they are not in botocore's service models.
COMMON_ERRORS: dict[str, int] = {
    "AccessDeniedException": 400,
    "ExpiredTokenException": 400,
    "IncompleteSignature": 400,
    "InternalFailure": 500,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "NotAuthorized": 400,
    "OptInRequired": 403,
    "RequestExpired": 400,
    "ServiceUnavailable": 503,
    "ThrottlingException": 400,
    "UnrecognizedClientException": 400,
    "ValidationError": 400,
}
# The JSON protocol's own errors, which AWS answers for any operation (the mock too, for a
# request botocore did not validate): a value of the wrong type, a missing or out-of-range member.
PROTOCOL_ERRORS: dict[str, int] = {"SerializationException": 400, "ValidationException": 400}

# Codes the mock's handlers answer for an operation although botocore's model does not list
# them for it (in the newest model or in the oldest one supported, botocore 1.34.0). The rule is
# that every code the mock can answer can be injected; tests/conftest.py fails any test in which
# the mock answers a code that ``inject_error`` would refuse, so a new one is added here.
ANSWERED_BEYOND_MODEL: dict[str, frozenset[str]] = {
    # A trail ARN in trailNameList is parsed (unlisted in botocore 1.34.0's model).
    "DescribeTrails": frozenset({"CloudTrailARNInvalidException"}),
    # Both or neither of EventSelectors and AdvancedEventSelectors.
    "PutEventSelectors": frozenset({"InvalidParameterCombinationException"}),
    # The EventDataStore and InsightsDestination lookups.
    "PutInsightSelectors": frozenset(
        {"EventDataStoreARNInvalidException", "EventDataStoreNotFoundException"}
    ),
    "GetInsightSelectors": frozenset(
        {"EventDataStoreARNInvalidException", "EventDataStoreNotFoundException"}
    ),
    # More than 20 ARNs.
    "ListTags": frozenset({"InvalidParameterException"}),
}
_DEFAULT_MESSAGES = {
    "ThrottlingException": "Rate exceeded",
    "InternalFailure": "The request processing has failed because of an unknown error.",
    "ServiceUnavailable": "Service Unavailable",
}


def allowed_codes(operation: str) -> list[str]:
    """The codes ``operation`` may be made to fail with: its modeled errors, the common and
    protocol ones, and any other the mock itself answers for it."""
    return sorted(
        service_model.operation_error_codes(operation)
        | COMMON_ERRORS.keys()
        | PROTOCOL_ERRORS.keys()
        | ANSWERED_BEYOND_MODEL.get(operation, frozenset())
    )


@dataclass(slots=True)
class Injection:
    """One pending fault: ``remaining`` more calls of ``operation`` containing ``params``
    fail with ``code``."""

    operation: str
    code: str
    message: str
    remaining: int
    params: dict[str, Any] = field(default_factory=dict)
    status: int = 400

    def __repr__(self) -> str:
        return (
            f"<Injection {describe(self.operation, self.params)} -> {self.code}, "
            f"{self.remaining} left>"
        )


def make_injection(
    operation: str, code: str, *, times: int, message: str | None, params: dict[str, Any]
) -> Injection:
    """Validate an ``inject_error`` request against botocore's model."""
    name = service_model.operation_name(operation)
    allowed = allowed_codes(name)
    if code not in allowed:
        close = suggestions(code, allowed)
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(
            f"{code!r} is not an error CloudTrail {name} can answer.{hint} "
            f"Choose one of: {', '.join(allowed)}."
        )
    check_names(name, params)
    if type(times) is not int or times < 1:
        raise UsageError(f"times must be a positive whole number, not {times!r}")
    if message is not None and not isinstance(message, str):
        raise UsageError(f"message is the error's text, a string, not {message!r}")
    return Injection(
        operation=name,
        code=code,
        message=message
        if message is not None
        else _DEFAULT_MESSAGES.get(code, f"{code} (injected)"),
        remaining=times,
        params=params,
        status={**PROTOCOL_ERRORS, **COMMON_ERRORS}.get(code, 400),
    )


class Faults:
    """The pending injections, consumed oldest first.

    Kept by operation as well as in order, so a call's cost does not grow with the number of
    injections pending for other operations.
    """

    def __init__(self) -> None:
        self._pending: dict[int, Injection] = {}  # by when added: dicts keep insertion order
        self._by_operation: dict[str, dict[int, Injection]] = {}
        self._added = itertools.count()
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, injection: Injection) -> None:
        with self._lock:
            number = next(self._added)
            self._pending[number] = injection
            self._by_operation.setdefault(injection.operation, {})[number] = injection

    def pending(self) -> list[Injection]:
        with self._lock:
            return list(self._pending.values())

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self._by_operation.clear()

    def take(self, operation: str, params: dict[str, Any]) -> ServiceError | None:
        """The error for this call if an injection matches it, using up one of its times."""
        with self._lock:
            candidates = self._by_operation.get(operation)
            if not candidates:
                return None
            for number, injection in candidates.items():
                if contains(params, injection.params):
                    injection.remaining -= 1
                    if injection.remaining == 0:
                        del candidates[number], self._pending[number]
                    return ServiceError(injection.code, injection.message, status=injection.status)
        return None
