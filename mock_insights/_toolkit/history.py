"""The record of every CloudTrail call a mock answered, and assertions over it.

A record keeps the request and response bodies as the bytes that crossed the wire and decodes
them only when a test reads them: recording must cost next to nothing on every call, and bytes
cannot be changed afterwards by the code under test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableSequence, Sequence
from typing import Any, NoReturn, overload

from mock_insights._cloudtrail import service_model

from .match import check_names, contains, describe

Params = dict[str, Any]
_ANY: Any = object()


class RecordedCall:
    """One answered CloudTrail request: ``operation``, ``params``, ``region``,
    ``account_id``, ``error`` (the code, or ``None`` on success) and ``response``."""

    __slots__ = ("_request_body", "_response_body", "account_id", "error", "operation", "region")

    def __init__(
        self,
        operation: str,
        region: str,
        account_id: str,
        error: str | None,
        request_body: bytes,
        response_body: bytes,
    ) -> None:
        self.operation = operation
        self.region = region
        self.account_id = account_id
        self.error = error
        self._request_body = request_body
        self._response_body = response_body

    @property
    def params(self) -> Params:
        """The request parameters as sent (a fresh copy on every read)."""
        try:
            decoded = json.loads(self._request_body) if self._request_body else {}
        except (ValueError, RecursionError):  # a body AWS refused to parse: no parameters
            return {}
        return decoded if isinstance(decoded, dict) else {}

    @property
    def response(self) -> Params:
        """The answer as sent on the wire: the output members on success, and on failure
        ``{"Error": {"Code": ..., "Message": ...}}`` as in ``ClientError.response``."""
        body = json.loads(self._response_body)
        if self.error is None:
            return dict(body)
        return {"Error": {"Code": self.error, "Message": body.get("Message", "")}}

    def matches(self, operation: str | None, params: Params, error: Any = _ANY) -> bool:
        """Whether this call is of ``operation`` (any if None), has ``params`` and ``error``."""
        return (
            (operation is None or self.operation == operation)
            and (error is _ANY or self.error == error)
            and contains(self.params, params)
        )

    def __repr__(self) -> str:
        outcome = "ok" if self.error is None else self.error
        return (
            f"{describe(self.operation, self.params)} "
            f"in {self.region} as {self.account_id} -> {outcome}"
        )


class CallHistory(Sequence[RecordedCall]):
    """Every call answered while the mock was active, oldest first, retried attempts included.

    Filters and assertions take an operation name (``"PutInsightSelectors"`` or
    ``"put_insight_selectors"``) and any parameters the call must contain, by their wire names
    (``TrailName``); nested dicts match partially. A failed assertion lists every recorded call.
    """

    def __init__(self, calls: MutableSequence[RecordedCall]) -> None:
        self._calls = calls

    @overload
    def __getitem__(self, index: int) -> RecordedCall: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RecordedCall]: ...
    def __getitem__(self, index: int | slice) -> RecordedCall | Sequence[RecordedCall]:
        return list(self._calls)[index] if isinstance(index, slice) else self._calls[index]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[RecordedCall]:
        return iter(list(self._calls))

    def __repr__(self) -> str:
        return f"CallHistory({list(self._calls)!r})"

    def clear(self) -> None:
        """Forget the calls so far, for example after a test's setup."""
        self._calls.clear()

    def of(
        self, operation: str | None = None, /, *, error: Any = _ANY, **params: Any
    ) -> list[RecordedCall]:
        """The calls of ``operation`` (every call if None) containing ``params``.

        ``error`` narrows to calls that failed with that code, or succeeded if ``None``. A
        parameter name the operation does not have is a ``UsageError``, not an empty answer.
        """
        name = None if operation is None else service_model.operation_name(operation)
        check_names(name, params)
        return [call for call in list(self._calls) if call.matches(name, params, error)]

    def assert_called(
        self, operation: str, /, *, times: int | None = None, error: Any = _ANY, **params: Any
    ) -> list[RecordedCall]:
        """Assert a matching call happened (exactly ``times`` times, if given)."""
        found = self.of(operation, error=error, **params)
        if (not found) if times is None else len(found) != times:
            expected = "at least once" if times is None else _times(times)
            self._fail(f"Expected {self._wanted(operation, params, error)} {expected}", found)
        return found

    def assert_called_once(
        self, operation: str, /, *, error: Any = _ANY, **params: Any
    ) -> RecordedCall:
        """Assert exactly one matching call happened, and return it."""
        return self.assert_called(operation, times=1, error=error, **params)[0]

    def assert_not_called(
        self, operation: str | None = None, /, *, error: Any = _ANY, **params: Any
    ) -> None:
        """Assert no matching call happened; with no arguments, that no CloudTrail call did."""
        found = self.of(operation, error=error, **params)
        if found:
            if operation is None and not params and error is _ANY:
                self._fail("Expected no CloudTrail call", found, counted="recorded")
            self._fail(f"Expected {self._wanted(operation, params, error)} not to be called", found)

    @staticmethod
    def _wanted(operation: str | None, params: Params, error: Any) -> str:
        name = "any operation" if operation is None else service_model.operation_name(operation)
        wanted = describe(name, params)
        if error is not _ANY:
            wanted += " succeeding" if error is None else f" failing with {error}"
        return wanted

    def _fail(self, expectation: str, found: list[RecordedCall], counted: str = "") -> NoReturn:
        calls = list(self._calls)
        count = len(found)
        outcome = (
            f"{count} {'call was' if count == 1 else 'calls were'} {counted}"
            if counted
            else f"it was called {_times(count)}"
        )
        lines = [f"{expectation}, but {outcome}."]
        lines.append(f"Recorded CloudTrail calls ({len(calls)}):")
        lines += [f"  {number}. {call!r}" for number, call in enumerate(calls, 1)] or ["  (none)"]
        raise AssertionError("\n".join(lines))


def _times(count: int) -> str:
    return {0: "0 times", 1: "once", 2: "twice"}.get(count, f"{count} times")
