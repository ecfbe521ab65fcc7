"""``InsightsMock``: one object that is a context manager, an async one and a decorator."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, overload

from . import _activation, _hook
from ._activation import DEFAULT_ACCOUNT_ID, Settings
from ._decorate import wrap_callable, wrap_class
from .errors import NotStartedError

if TYPE_CHECKING:
    from ._state import Backend

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type[Any])

assert _hook.HANDLERS  # importing _hook wires botocore; keep the import visible


class InsightsMock:
    """Answers every CloudTrail call from in-memory state while it is started.

    ``region`` is given to clients created without one (through ``AWS_DEFAULT_REGION``);
    ``account_id`` is the account every call acts as.
    """

    def __init__(self, *, region: str | None = None, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.region = region
        self.account_id = account_id
        self._activations: list[Settings] = []

    def start(self) -> InsightsMock:
        """Activate; the outermost activation starts from empty state."""
        settings = Settings(self.region, self.account_id)
        _activation.push(settings)
        self._activations.append(settings)
        return self

    def stop(self) -> None:
        """Undo the latest ``start`` of this mock; the outermost stop clears all state."""
        if not self._activations:
            raise NotStartedError("stop() called on a mock_insights mock that is not started")
        _activation.pop(self._activations.pop())

    @property
    def backend(self) -> Backend:
        """The state the active mock answers from (for inspection in tests)."""
        active = _activation.current
        if active is None or not self._activations:
            raise NotStartedError("the mock_insights mock is not started")
        return active.backend

    def __enter__(self) -> InsightsMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> InsightsMock:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _fresh(self) -> InsightsMock:
        return InsightsMock(region=self.region, account_id=self.account_id)

    @overload
    def __call__(self, target: C) -> C: ...
    @overload
    def __call__(self, target: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]: ...
    @overload
    def __call__(self, target: Callable[P, R]) -> Callable[P, R]: ...
    def __call__(self, target: Any) -> Any:
        """Decorate a test function, coroutine function, method or class."""
        if inspect.isclass(target):
            return wrap_class(target, self._fresh)
        if callable(target):
            return wrap_callable(target, self._fresh)
        raise TypeError(f"mock_insights cannot decorate {target!r}: expected a function or a class")


@overload
def mock_insights(target: C, /) -> C: ...
@overload
def mock_insights(target: Callable[P, Awaitable[R]], /) -> Callable[P, Awaitable[R]]: ...
@overload
def mock_insights(target: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def mock_insights(
    target: None = None, /, *, region: str | None = None, account_id: str = DEFAULT_ACCOUNT_ID
) -> InsightsMock: ...
def mock_insights(
    target: Any = None, /, *, region: str | None = None, account_id: str = DEFAULT_ACCOUNT_ID
) -> Any:
    """Mock CloudTrail: bare or configured decorator, or ``with mock_insights() as m:``."""
    mock = InsightsMock(region=region, account_id=account_id)
    return mock if target is None else mock(target)
