"""Process-wide activation: which mocks are active, the shared state, and the environment.

Activation is reference counted. The outermost start creates a fresh harness (state, call
history, pending faults) and fakes the credentials; the outermost stop lets go of the harness
and restores the environment exactly. The hot path reads ``current`` only: ``None`` means
inactive.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeGuard

from ._adapters import moto_coexistence

if TYPE_CHECKING:
    from ._toolkit.harness import Harness

DEFAULT_ACCOUNT_ID = "123456789012"
FALLBACK_REGION = "us-east-1"  # where a call acts when nothing names a region
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "mock_insights", "AWS_SECRET_ACCESS_KEY": "mock_insights"}
_MANAGED_ENV = (*FAKE_CREDENTIALS, "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_REGION")


def is_account_id(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a 12-digit AWS account ID (cheap: it runs on every call)."""
    return isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()


@dataclass(frozen=True, slots=True)
class Settings:
    """What one activation asks for."""

    region: str | None
    account_id: str


@dataclass(frozen=True, slots=True)
class Active:
    """What the hook needs while active: the harness and the account calls act as."""

    harness: Harness
    account_id: str


current: Active | None = None
_lock = threading.Lock()
_stack: list[Settings] = []
_saved_env: dict[str, str | None] = {}


def _apply_environment() -> None:
    """Fake credentials always; the innermost configured region, if any."""
    for key in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(key, None)
    os.environ.update(FAKE_CREDENTIALS)
    region = next((s.region for s in reversed(_stack) if s.region), None)
    _set_env("AWS_DEFAULT_REGION", region or _saved_env["AWS_DEFAULT_REGION"])


def _set_env(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


def push(settings: Settings) -> Harness:
    """Activate one more mock and return the harness it shares; the first creates it."""
    global current
    with _lock:
        if not _stack:
            from ._toolkit.harness import Harness  # loaded on first activation, not at import

            _saved_env.clear()
            _saved_env.update({key: os.environ.get(key) for key in _MANAGED_ENV})
            harness = Harness()
        else:
            assert current is not None
            harness = current.harness
        _stack.append(settings)
        _apply_environment()
        moto_coexistence.claim_cloudtrail()
        current = Active(harness, settings.account_id)
        return harness


def pop(settings: Settings) -> None:
    """Deactivate one mock (the caller only passes settings it pushed)."""
    global current
    with _lock:
        for index in range(len(_stack) - 1, -1, -1):
            if _stack[index] is settings:
                del _stack[index]
                break
        if _stack:
            assert current is not None
            _apply_environment()
            current = Active(current.harness, _stack[-1].account_id)
        else:
            current = None
            for key, value in _saved_env.items():
                _set_env(key, value)
