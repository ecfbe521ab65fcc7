"""Run a function when a module is first imported, without importing it ourselves.

The async adapter must wrap aiobotocore's classes however late aiobotocore is imported, while
``import mock_insights`` imports neither aiobotocore nor asyncio (wrapt's post-import hooks
would pull in asyncio). A finder at the front of ``sys.meta_path`` answers only for the
watched names: it asks the other finders for the real spec and hands back a loader that runs
the hook once the module has executed. Every other import costs one dictionary lookup.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

Hook = Callable[[ModuleType], None]

_hooks: dict[str, Hook] = {}


class _HookedLoader:
    """The real loader, followed by the hook."""

    def __init__(self, loader: Any, hook: Hook) -> None:
        self._loader = loader
        self._hook = hook

    def create_module(self, spec: Any) -> ModuleType | None:
        create: Callable[[Any], ModuleType | None] | None = getattr(
            self._loader, "create_module", None
        )
        return None if create is None else create(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._hook(module)

    def __getattr__(self, name: str) -> Any:  # get_source, is_package, ...
        return getattr(self._loader, name)


class _Watcher:
    """A ``sys.meta_path`` finder that only wraps the loaders of watched modules."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        hook = _hooks.pop(fullname, None)
        if hook is None:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _HookedLoader(spec.loader, hook)
                return spec
        return None


_WATCHER = _Watcher()


def when_imported(name: str, hook: Hook) -> None:
    """Call ``hook(module)`` once ``name`` is imported: now if it already is."""
    module = sys.modules.get(name)
    if module is not None:
        hook(module)
        return
    _hooks[name] = hook
    if _WATCHER not in sys.meta_path:
        sys.meta_path.insert(0, _WATCHER)
