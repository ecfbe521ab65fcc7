"""What an AWS account ID looks like; its own module, so checking one imports nothing else."""

from __future__ import annotations

from typing import TypeGuard


def is_account_id(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a 12-digit AWS account ID (cheap: it runs on every call)."""
    return isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()
