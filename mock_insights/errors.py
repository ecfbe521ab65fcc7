"""The two error families of mock_insights, kept apart on purpose.

``ServiceError`` is what real CloudTrail would answer: the state model raises it and the wire
layer renders it as a JSON 1.1 error body, so users only ever see botocore's own ``ClientError``.
``MockInsightsError`` and its subclasses are mistakes in how the mock itself is used; they are
raised as plain Python exceptions and are never retried by botocore.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An AWS error answer: ``code`` becomes ``Error.Code``, ``message`` ``Error.Message``."""

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class MockInsightsError(Exception):
    """Base class for errors in the use of mock_insights itself."""


class UnsupportedOperationError(MockInsightsError, NotImplementedError):
    """A CloudTrail operation the mock does not implement was called while it was active."""

    def __init__(self, operation: str, region: str, supported: list[str]) -> None:
        self.operation = operation
        super().__init__(
            f"mock_insights does not implement CloudTrail {operation} (called in {region}). "
            f"The call was not sent to AWS. Supported operations: {', '.join(supported)}. "
            "See README.md#supported-operations."
        )


class NotStartedError(MockInsightsError, RuntimeError):
    """``stop()`` was called on a mock that is not started."""


class UsageError(MockInsightsError, ValueError):
    """A toolkit call named something that cannot be: an unknown operation or error code,
    or seeded state that real CloudTrail would refuse."""
