"""Partial matching of request parameters, shared by call filters and fault injection."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from mock_insights._cloudtrail import service_model
from mock_insights.errors import UsageError


def contains(actual: Any, expected: Any) -> bool:
    """Whether ``actual`` has everything ``expected`` has.

    Mappings match when each expected key is present with a matching value, so a test names
    only the parameters it cares about, at any depth. A list matches when each expected item
    matches some item of the actual list (``TagsList=[{"Key": "env"}]`` finds a call that
    tagged ``env`` among others); an empty list matches only an empty list. Any other value
    must be equal.
    """
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    if isinstance(expected, list) and expected:
        return isinstance(actual, list) and all(
            any(contains(item, wanted) for item in actual) for wanted in expected
        )
    return bool(actual == expected)


def describe(operation: str, params: Mapping[str, Any]) -> str:
    """``Operation(Key='value', ...)``, the way the call would be written in Python."""
    arguments = ", ".join(f"{key}={value!r}" for key, value in params.items())
    return f"{operation}({arguments})"


def check_names(operation: str | None, params: Mapping[str, Any]) -> None:
    """Refuse top-level parameter names ``operation`` does not have (any operation's if None).

    A misspelt name would otherwise make a filter match nothing, so that ``assert_not_called``
    passes vacuously, or an injection never fire. Names are the wire names (``TrailName``).
    """
    known = (
        service_model.all_input_members()
        if operation is None
        else frozenset(service_model.input_members(operation))
    )
    for name in params:
        if name not in known:
            raise UsageError(_unknown_name(operation, name, known))


def _unknown_name(operation: str | None, name: str, known: frozenset[str]) -> str:
    close = suggestions(name, known)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    if operation is None:
        return f"{name!r} is not a parameter of any CloudTrail operation.{hint}"
    takes = ", ".join(service_model.input_members(operation)) or "no parameters"
    return f"CloudTrail {operation} has no parameter {name!r}.{hint} It takes: {takes}."


def suggestions(name: str, known: Iterable[str]) -> list[str]:
    """The known names closest to ``name``; ``trail_name`` and ``trailname`` find
    ``TrailName`` first, since Python spellings are the likeliest slip."""
    by_folded = {_fold(candidate): candidate for candidate in sorted(known)}
    exact = by_folded.get(_fold(name))
    if exact is not None:
        return [exact]
    close = difflib.get_close_matches(_fold(name), list(by_folded), n=3, cutoff=0.6)
    return [by_folded[folded] for folded in close]


def _fold(name: str) -> str:
    return name.replace("_", "").lower()
