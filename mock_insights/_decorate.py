"""Running test code inside a mock, whatever shape the code has.

The mock must be active whenever the decorated body runs, not merely while it is called:

- functions and methods run inside one activation per call;
- coroutine functions stay coroutine functions, active across every ``await``;
- generator and async generator functions (pytest yield fixtures among them) stay generators,
  active from the first step through the last, so a fixture's setup and teardown share one;
- ``staticmethod``, ``classmethod``, ``functools.partial`` and callable objects are unwrapped
  to see which of these they are;
- a pytest fixture object is refused: pytest would call the function inside it, not ours.

Classes are never proxied: their code is wrapped in place and the class itself is returned. On
a ``unittest.TestCase`` the whole ``run`` (``setUp``, the test, ``tearDown``, cleanups) shares
one activation. On any other class, ``setup_method`` opens an activation that
``teardown_method`` closes (both are added when missing), so a pytest test's setup, body and
teardown share one state; every ``test*`` method, inherited ones too, and nose-style
``setup``/``teardown`` are wrapped as well, so a test called on its own is still mocked.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import AbstractContextManager
from typing import Any

MockFactory = Callable[[], AbstractContextManager[Any]]
_OPEN = "_mock_insights_open"  # per test instance: the activations setup_method opened


def _shape(target: Any) -> str:
    """``asyncgen``, ``coroutine``, ``generator`` or ``function``: what calling gives."""
    while isinstance(target, functools.partial):
        target = target.func
    if not inspect.isroutine(target) and callable(target):
        target = type(target).__call__  # a callable object: its method says what it returns
    if inspect.isasyncgenfunction(target):
        return "asyncgen"
    if inspect.iscoroutinefunction(target):
        return "coroutine"
    if inspect.isgeneratorfunction(target):
        return "generator"
    return "function"


def _is_fixture(target: Any) -> bool:
    return hasattr(target, "_pytestfixturefunction") or (
        type(target).__name__ == "FixtureFunctionDefinition"
    )


def _refuse_fixture(target: Any) -> None:
    if _is_fixture(target):
        raise TypeError(
            "mock_insights cannot decorate a pytest fixture object: pytest would call the "
            "function inside it without the mock. Put @mock_insights below @pytest.fixture, "
            "or use the insights_mock fixture."
        )


def wrap_callable(func: Any, factory: MockFactory) -> Any:
    """Wrap a callable so that its body always runs inside a fresh activation."""
    if isinstance(func, (staticmethod, classmethod)):
        return type(func)(wrap_callable(func.__func__, factory))
    _refuse_fixture(func)
    import wrapt  # imported on first decoration: wrapt pulls in asyncio, too slow for import

    return wrapt.FunctionWrapper(func, _RUNNERS[_shape(func)](factory))


def _run_function(factory: MockFactory) -> Callable[..., Any]:
    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        with factory():
            return wrapped(*args, **kwargs)

    return run


def _run_coroutine(factory: MockFactory) -> Callable[..., Any]:
    async def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        with factory():
            return await wrapped(*args, **kwargs)

    return run


def _run_generator(factory: MockFactory) -> Callable[..., Any]:
    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Generator[Any, Any, Any]:
        with factory():
            result: Any = yield from wrapped(*args, **kwargs)
            return result

    return run


def _run_async_generator(factory: MockFactory) -> Callable[..., Any]:
    async def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> AsyncIterator[Any]:
        with factory():
            inner = wrapped(*args, **kwargs)
            try:
                value = await inner.__anext__()
                while True:
                    try:
                        sent = yield value
                    except GeneratorExit:
                        raise
                    except BaseException as error:  # thrown in: hand it to the body
                        value = await inner.athrow(error)
                    else:
                        value = await inner.asend(sent)
            except StopAsyncIteration:
                return
            finally:
                await inner.aclose()

    return run


_RUNNERS: dict[str, Callable[[MockFactory], Callable[..., Any]]] = {
    "function": _run_function,
    "coroutine": _run_coroutine,
    "generator": _run_generator,
    "asyncgen": _run_async_generator,
}


def wrap_class(cls: type[Any], factory: MockFactory) -> type[Any]:
    """Mock every test of ``cls`` from setup to teardown, and return ``cls`` itself."""
    unittest = sys.modules.get("unittest")  # a TestCase subclass means it is already imported
    if unittest is not None and issubclass(cls, unittest.TestCase):
        cls.run = wrap_callable(cls.run, factory)
        return cls
    for name in dir(cls):
        if name.startswith("test") or name in ("setup", "teardown"):
            attribute = inspect.getattr_static(cls, name)
            routine = inspect.isfunction(attribute) or isinstance(
                attribute, (staticmethod, classmethod)
            )
            if routine and not _is_fixture(attribute):
                setattr(cls, name, wrap_callable(attribute, factory))
    cls.setup_method = _opening(getattr(cls, "setup_method", None), factory)
    cls.teardown_method = _closing(getattr(cls, "teardown_method", None))
    return cls


def _opening(original: Callable[..., Any] | None, factory: MockFactory) -> Any:
    """``setup_method`` that starts an activation for the test, before the original runs."""

    def open_activation(instance: Any) -> None:
        mock = factory()
        mock.__enter__()
        instance.__dict__.setdefault(_OPEN, []).append(mock)

    def close_on_error(instance: Any) -> None:
        instance.__dict__[_OPEN].pop().__exit__(*sys.exc_info())

    if original is None:

        def setup_method(self: Any, method: Any = None) -> None:
            open_activation(self)

        return setup_method

    import wrapt

    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        open_activation(instance)
        try:
            return wrapped(*args, **kwargs)
        except BaseException:
            close_on_error(instance)
            raise

    return wrapt.FunctionWrapper(original, run)


def _closing(original: Callable[..., Any] | None) -> Any:
    """``teardown_method`` that ends the test's activation after the original ran."""

    def close_activation(instance: Any) -> None:
        opened = instance.__dict__.get(_OPEN)
        if opened:
            opened.pop().__exit__(None, None, None)

    if original is None:

        def teardown_method(self: Any, method: Any = None) -> None:
            close_activation(self)

        return teardown_method

    import wrapt

    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        try:
            return wrapped(*args, **kwargs)
        finally:
            close_activation(instance)

    return wrapt.FunctionWrapper(original, run)
