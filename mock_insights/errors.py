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
    """An operation the mock does not implement was called while it was active; it was
    answered with this error and never sent."""

    def __init__(
        self, operation: str, region: str, supported: list[str], *, service: str = "CloudTrail"
    ) -> None:
        self.operation = operation
        self.service = service
        answered = (
            f"Supported operations: {', '.join(supported)}"
            if supported
            else f"mock_insights answers CloudTrail only; no {service} operation is mocked"
        )
        super().__init__(
            f"mock_insights does not implement {service} {operation} (called in {region}). "
            f"The call was not sent to AWS. {answered}. See README.md#supported-operations."
        )


class NotStartedError(MockInsightsError, RuntimeError):
    """``stop()`` was called on a mock that is not started."""


class UsageError(MockInsightsError, ValueError):
    """A toolkit call named something that cannot be: an unknown operation or error code,
    or seeded state that real CloudTrail would refuse."""
