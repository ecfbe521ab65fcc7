"""Running a callable, a coroutine function or every test of a class inside a mock.

Classes are never proxied: their test methods are wrapped in place and the class itself is
returned, so pytest and unittest see the class they expect. Coroutine functions stay coroutine
functions, and the mock stays active across every ``await`` of the test.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

MockFactory = Callable[[], AbstractContextManager[Any]]


def wrap_callable(func: Callable[..., Any], factory: MockFactory) -> Any:
    """Wrap a function or method so each call runs inside a fresh activation."""
    import wrapt  # imported on first decoration: wrapt pulls in asyncio, too slow for import

    if inspect.iscoroutinefunction(func):

        async def run_async(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
            with factory():
                return await wrapped(*args, **kwargs)

        return wrapt.FunctionWrapper(func, run_async)

    def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        with factory():
            return wrapped(*args, **kwargs)

    return wrapt.FunctionWrapper(func, run)


def wrap_class(cls: type[Any], factory: MockFactory) -> type[Any]:
    """Give every test of ``cls`` its own activation and return ``cls`` itself.

    A ``unittest.TestCase`` is wrapped at ``run`` so ``setUp``, the test, ``tearDown`` and
    cleanups share one activation; for other classes each ``test*`` method is wrapped.
    """
    unittest = sys.modules.get("unittest")  # a TestCase subclass means it is already imported
    if unittest is not None and issubclass(cls, unittest.TestCase):
        cls.run = wrap_callable(cls.run, factory)
        return cls
    for name, attribute in list(vars(cls).items()):
        if name.startswith("test") and inspect.isfunction(attribute):
            setattr(cls, name, wrap_callable(attribute, factory))
    return cls
