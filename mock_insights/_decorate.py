"""Running test code inside a mock, whatever shape the code has.

The mock must be active whenever the decorated body runs, not merely while it is called:

- functions and methods run inside one activation per call;
- a call whose result runs later (a coroutine, a generator, an async generator, a
  ``contextlib`` context manager) runs that result in an activation of its own, whatever
  wrapper, ``functools.partial`` or callable object produced it; coroutine and generator
  functions stay what they are, and a pytest yield fixture's setup and teardown share one;
- ``staticmethod`` and ``classmethod`` objects are unwrapped and wrapped again;
- a pytest fixture object is refused: pytest would call the function inside it, not ours.

Classes are never proxied: their code is wrapped in place and the class itself is returned,
and later subclasses are decorated too. On a ``unittest.TestCase`` the whole ``run``
(``setUp``, the test, ``tearDown``, cleanups) shares one activation. On any other class, a
test instance gets one activation, opened by ``setup_method`` and closed by the outermost
``teardown_method`` (both added when missing), so a pytest test's setup, body and teardown
share one state; every ``test*`` method, inherited ones too, is wrapped as well, so a test
called on its own is still mocked. Class-level setup, teardown and class cleanups get
activations of their own.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any

MockFactory = Callable[[], AbstractContextManager[Any]]


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

    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        with factory():
            result = wrapped(*args, **kwargs)
        return _mocked_later(result, factory)

    return wrapt.FunctionWrapper(func, run)


def _mocked_later(result: Any, factory: MockFactory) -> Any:
    """A call's result whose body runs later (a coroutine, a generator, an async generator,
    a ``contextlib`` context manager), made to run it inside its own activation."""
    if inspect.iscoroutine(result):
        return _awaited(result, factory)
    if inspect.isgenerator(result):
        return _delegated(result, factory)
    if inspect.isasyncgen(result):
        return _delegated_async(result, factory)
    body = getattr(result, "gen", None)  # @contextmanager / @asynccontextmanager objects
    if isinstance(result, (AbstractContextManager, AbstractAsyncContextManager)) and (
        inspect.isgenerator(body) or inspect.isasyncgen(body)
    ):
        setattr(result, "gen", _mocked_later(body, factory))  # noqa: B010 - typed as Any
    return result


async def _awaited(coroutine: Any, factory: MockFactory) -> Any:
    with factory():
        return await coroutine


def _delegated(generator: Any, factory: MockFactory) -> Generator[Any, Any, Any]:
    with factory():
        result: Any = yield from generator
        return result


async def _delegated_async(inner: Any, factory: MockFactory) -> AsyncIterator[Any]:
    with factory():
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


# Class-level code pytest or unittest calls around a class's tests.
_CLASS_LEVEL = ("setup_class", "teardown_class", "setUpClass", "tearDownClass", "doClassCleanups")


def wrap_class(cls: type[Any], factory: MockFactory) -> type[Any]:
    """Mock every test of ``cls`` from setup to teardown, and return ``cls`` itself.

    Subclasses defined later are decorated the same way, so a test class inheriting from a
    decorated one is mocked too. Class-level setup and teardown get short activations of
    their own: never unmocked, but their state is not the tests' (each test starts fresh).
    """
    for name in _CLASS_LEVEL:
        method = inspect.getattr_static(cls, name, None)
        if method is not None:
            setattr(cls, name, _class_level(method, factory))
    _decorate_subclasses(cls, factory)
    unittest = sys.modules.get("unittest")  # a TestCase subclass means it is already imported
    if unittest is not None and issubclass(cls, unittest.TestCase):
        cls.run = wrap_callable(inspect.getattr_static(cls, "run"), factory)
        return cls
    for name in dir(cls):
        if name.startswith("test") or name in ("setup", "teardown"):
            attribute = inspect.getattr_static(cls, name)
            routine = inspect.isfunction(attribute) or isinstance(
                attribute, (staticmethod, classmethod)
            )
            if routine and not _is_fixture(attribute):
                setattr(cls, name, wrap_callable(attribute, factory))
    # pytest 7 calls nose-style ``setup``/``teardown`` only when there is no
    # ``setup_method``/``teardown_method``: open and close in whichever pytest will call.
    opener = "setup" if _has(cls, "setup") and not _has(cls, "setup_method") else "setup_method"
    closer = (
        "teardown"
        if _has(cls, "teardown") and not _has(cls, "teardown_method")
        else "teardown_method"
    )
    setattr(cls, opener, _opening(inspect.getattr_static(cls, opener, None), factory))
    setattr(cls, closer, _closing(inspect.getattr_static(cls, closer, None)))
    return cls


def _class_level(method: Any, factory: MockFactory) -> Any:
    """Class-level code in an activation of its own. Plain functions rather than proxies,
    because pytest unwraps a classmethod (``__func__``) and counts a function's parameters to
    decide whether to pass the class; each keeps the shape (and parameter count) it had."""
    if isinstance(method, classmethod):
        function = method.__func__

        @functools.wraps(function)
        def run_with_class(cls: type[Any], *args: Any, **kwargs: Any) -> Any:
            with factory():
                return function(cls, *args, **kwargs)

        return classmethod(run_with_class)
    if isinstance(method, staticmethod):
        static = method.__func__

        @functools.wraps(static)
        def run_alone(*args: Any, **kwargs: Any) -> Any:
            with factory():
                return static(*args, **kwargs)

        return staticmethod(run_alone)
    if inspect.isfunction(method):  # pytest passes the class to a plain ``setup_class(cls)``
        plain = method

        @functools.wraps(plain)
        def run_plain(cls: Any, *args: Any, **kwargs: Any) -> Any:
            with factory():
                return plain(cls, *args, **kwargs)

        return run_plain
    return method


def _has(cls: type[Any], name: str) -> bool:
    return inspect.getattr_static(cls, name, None) is not None


def _decorate_subclasses(cls: type[Any], factory: MockFactory) -> None:
    """Make every later subclass of ``cls`` decorated as ``cls`` is."""
    own = cls.__dict__.get("__init_subclass__")

    def __init_subclass__(subclass: type[Any], /, **kwargs: Any) -> None:
        if isinstance(own, classmethod):
            own.__func__(subclass, **kwargs)
        else:
            super(cls, subclass).__init_subclass__(**kwargs)
        wrap_class(subclass, factory)

    cls.__init_subclass__ = classmethod(__init_subclass__)  # type: ignore[assignment]


# The activation each test instance's setup opened, and how deep in teardown wrappers it is,
# by instance id: a test class may have ``__slots__``. Entries live from setup to teardown.
_open_activations: dict[int, AbstractContextManager[Any]] = {}
_closing_depth: dict[int, int] = {}


def close_test_activation(instance: Any) -> None:
    """End the activation a test's setup opened, if one is still open (the pytest plugin
    calls this after every test, so a teardown that never ran cannot leave the mock on)."""
    mock = _open_activations.pop(id(instance), None)
    if mock is not None:
        mock.__exit__(None, None, None)


def _open_test_activation(instance: Any, factory: MockFactory) -> bool:
    """Open the test's one activation unless it is open already; whether this call opened it."""
    if id(instance) in _open_activations:
        return False
    mock = factory()
    mock.__enter__()
    _open_activations[id(instance)] = mock
    return True


def _bound(instance: Any, args: Any) -> Any:
    """The test instance a wrapt wrapper was called for (also when called on the class)."""
    return instance if instance is not None else args[0]


def _opening(original: Callable[..., Any] | None, factory: MockFactory) -> Any:
    """A setup method that opens the test's activation before the original runs."""
    if isinstance(original, (staticmethod, classmethod)):
        return original  # no test instance to keep the activation on: tests open their own
    if original is None:

        def setup_method(self: Any, method: Any = None) -> None:
            _open_test_activation(self, factory)

        return setup_method

    import wrapt

    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        test = _bound(instance, args)
        opened = _open_test_activation(test, factory)
        try:
            return wrapped(*args, **kwargs)
        except BaseException:
            if opened:  # a failed setup is not torn down: close now
                close_test_activation(test)
            raise

    return wrapt.FunctionWrapper(original, run)


def _closing(original: Callable[..., Any] | None) -> Any:
    """A teardown method that closes the test's activation once the outermost one is done."""
    if isinstance(original, (staticmethod, classmethod)):
        return original
    if original is None:

        def teardown_method(self: Any, method: Any = None) -> None:
            close_test_activation(self)

        return teardown_method

    import wrapt

    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        test = _bound(instance, args)
        depth = _closing_depth.get(id(test), 0)
        _closing_depth[id(test)] = depth + 1
        try:
            return wrapped(*args, **kwargs)
        finally:
            if depth == 0:
                del _closing_depth[id(test)]
                close_test_activation(test)
            else:
                _closing_depth[id(test)] = depth

    return wrapt.FunctionWrapper(original, run)
