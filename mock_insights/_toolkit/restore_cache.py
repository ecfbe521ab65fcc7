"""Restored states remembered by what they came from, so a suite that restores the same state
file or snapshot before every test validates it once.

A restore replays every entry through the API's handlers: about a millisecond for 20 trails,
seconds for 10,000. Its result depends only on the data and on the account and region entries
default to, as long as no outside source (moto) answers for buckets, keys and topics. Then the
result is remembered, and a later restore of the same data takes a copy of it. A file counts as
the same while its path, size and modification time are; data, while it compares equal.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mock_insights._cloudtrail.state import Backend, copy_json

LIMIT = 4  # the states remembered at once, newest kept


@dataclass(frozen=True, slots=True)
class _Remembered:
    key: tuple[Any, ...]
    data: Any  # a copy of the snapshot data restored (None for a file: its key says enough)
    state: Backend


_remembered: list[_Remembered] = []
_lock = threading.Lock()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while copying a whole state: the copies make no cycles, and the
    collector would otherwise walk every object of the state several times (twice the cost
    of a 10,000-trail snapshot, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def file_key(path: Path, region: str, account_id: str) -> tuple[Any, ...] | None:
    """What makes a state file the same file as before; None if it cannot be read."""
    try:
        status = os.stat(path)
        resolved = os.path.realpath(path)
    except (OSError, ValueError):
        return None
    # The inode and change time too: a rewrite of the same size within one tick of a coarse
    # modification time still counts as another file.
    stamp = (status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_size)
    return ("file", resolved, *stamp, region, account_id)


def data_key(region: str, account_id: str) -> tuple[Any, ...]:
    return ("data", region, account_id)


def recall(key: tuple[Any, ...], data: Any = None) -> Backend | None:
    """A fresh copy of the state restored from this source before, if remembered."""
    with _lock:
        for index, entry in enumerate(_remembered):
            if entry.key == key and (data is None or _same(entry.data, data)):
                _remembered.append(_remembered.pop(index))  # most recently used last
                state = entry.state
                break
        else:
            return None
    with gc_paused():
        return state.copied()


def same_json(kept: Any, given: Any) -> bool:
    """Equal and of the same types throughout: ``1 == True`` and ``7 == 7.0`` in Python, but
    a restore refuses ``1`` where it takes ``True``."""
    if type(kept) is not type(given):
        return False
    if type(kept) is dict:
        return kept.keys() == given.keys() and all(
            same_json(value, given[key]) for key, value in kept.items()
        )
    if type(kept) is list:
        return len(kept) == len(given) and all(map(same_json, kept, given))
    return bool(kept == given)


def _same(kept: Any, given: Any) -> bool:
    try:
        return same_json(kept, given)
    except RecursionError:  # nested deeper than any snapshot: the load will say so
        return False


def remember(key: tuple[Any, ...], data: Any, state: Backend) -> None:
    """Keep a copy of a state just restored from ``data`` (or a file: ``data`` None)."""
    with gc_paused():
        entry = _Remembered(key, None if data is None else copy_json(data), state.copied())
    with _lock:
        _remembered[:] = [old for old in _remembered if old.key != key or data is not None]
        _remembered.append(entry)
        del _remembered[:-LIMIT]


def forget() -> None:
    """Drop every remembered state (for tests of the cache itself)."""
    with _lock:
        _remembered.clear()
