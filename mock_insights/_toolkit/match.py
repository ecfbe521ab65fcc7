"""Partial matching of request parameters, shared by call filters and fault injection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def contains(actual: Any, expected: Any) -> bool:
    """Whether ``actual`` has everything ``expected`` has.

    Mappings match when each expected key is present with a matching value, so a test names
    only the parameters it cares about, at any depth; any other value must be equal.
    """
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    return bool(actual == expected)


def describe(operation: str, params: Mapping[str, Any]) -> str:
    """``Operation(Key='value', ...)``, the way the call would be written in Python."""
    arguments = ", ".join(f"{key}={value!r}" for key, value in params.items())
    return f"{operation}({arguments})"
