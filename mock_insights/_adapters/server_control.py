"""The loopback server's control endpoints: the Python toolkit, over HTTP, under one prefix.

Non-Python tests drive the same harness a Python test drives through ``InsightsMock``: health,
reset, the state as a snapshot (get and put), the call history, and fault injection. Each
endpoint calls the toolkit function the Python method calls, so the semantics and the
``UsageError`` messages are the same; a ``UsageError`` is answered as HTTP 400 with
``{"__type": "UsageError", "Message": ...}``, the envelope AWS errors use. A query parameter an
endpoint does not take (only ``GET calls`` takes one, ``operation``) is such a 400 too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from mock_insights._toolkit.faults import Injection
from mock_insights._toolkit.harness import Harness
from mock_insights._toolkit.history import CallHistory, RecordedCall
from mock_insights._version import __version__
from mock_insights.errors import UsageError

PREFIX = "/_mock_insights/"


@dataclass(frozen=True, slots=True)
class Served:
    """What the server answers from: the harness and the account and region of unsigned calls."""

    harness: Harness
    region: str
    account_id: str


@dataclass(frozen=True, slots=True)
class ControlAnswer:
    """One control endpoint's answer: HTTP status, JSON body, extra headers."""

    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()


class ControlError(Exception):
    """A control request that cannot be served, answered with ``status`` and an AWS-style
    error body."""

    def __init__(
        self, status: int, code: str, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


Endpoint = Callable[[Served, dict[str, list[str]], Any], Any]


def _health(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    from mock_insights._protocol.dispatch import supported_operations

    return {
        "status": "ok",
        "version": __version__,
        "region": served.region,
        "accountId": served.account_id,
        "operations": supported_operations(),
    }


def _reset(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    served.harness.reset()
    return {}


def _where(served: Served) -> Any:
    from mock_insights._toolkit.seed import Where

    return Where(served.region, served.account_id)


def _get_state(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    from mock_insights._toolkit.snapshot import snapshot

    return snapshot(served.harness.backend)  # taken under the state's lock


def _put_state(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    from mock_insights._toolkit.snapshot import restore

    if not isinstance(body, dict):
        raise UsageError("PUT state takes a snapshot: a JSON object such as GET state returns")
    restore(served.harness.backend, body, _where(served))  # swapped in under the lock
    return {}


def call_entry(call: RecordedCall) -> dict[str, Any]:
    """One recorded call as JSON, with the names the Python ``RecordedCall`` has."""
    return {
        "operation": call.operation,
        "region": call.region,
        "accountId": call.account_id,
        "error": call.error,
        "params": call.params,
        "response": call.response,
    }


def _single(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise UsageError(f"give the query parameter {name!r} once, not {len(values)} times")
    return values[0]


def _get_calls(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    unknown = sorted(set(query) - {"operation"})
    if unknown:
        raise UsageError(f"GET calls takes the query parameter 'operation' only, not {unknown}")
    calls = CallHistory(served.harness.calls).of(_single(query, "operation"))
    return {"calls": [call_entry(call) for call in calls]}


def _delete_calls(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    CallHistory(served.harness.calls).clear()
    return {}


def fault_entry(injection: Injection) -> dict[str, Any]:
    """One pending fault as JSON, with the names ``inject_error`` takes."""
    return {
        "operation": injection.operation,
        "code": injection.code,
        "message": injection.message,
        "times": injection.remaining,
        "params": injection.params,
    }


_FAULT_KEYS = ("operation", "code", "times", "message", "params")


def _post_fault(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    from mock_insights._toolkit.faults import make_injection

    if not isinstance(body, dict):
        raise UsageError(
            'POST faults takes a JSON object: {"operation": ..., "code": ..., "times": 1, '
            '"message": ..., "params": {...}}'
        )
    unknown = sorted(set(body) - set(_FAULT_KEYS))
    missing = [key for key in ("operation", "code") if not isinstance(body.get(key), str)]
    if unknown or missing:
        raise UsageError(
            f"POST faults takes {', '.join(_FAULT_KEYS)}; 'operation' and 'code' are strings "
            f"and required (unknown: {unknown}, missing or not a string: {missing})"
        )
    params = body.get("params", {})
    if not isinstance(params, dict):
        raise UsageError(f"a fault's params is a JSON object, not {params!r}")
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        raise UsageError(f"a fault's message is a string, not {message!r}")
    injection = make_injection(
        body["operation"],
        body["code"],
        times=body.get("times", 1),
        message=message,
        params=params,
    )
    served.harness.faults.add(injection)
    return fault_entry(injection)


def _get_faults(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    return {"faults": [fault_entry(injection) for injection in served.harness.faults.pending()]}


def _delete_faults(served: Served, query: dict[str, list[str]], body: Any) -> Any:
    served.harness.faults.clear()
    return {}


ROUTES: dict[str, dict[str, Endpoint]] = {
    "health": {"GET": _health},
    "reset": {"POST": _reset},
    "state": {"GET": _get_state, "PUT": _put_state},
    "calls": {"GET": _get_calls, "DELETE": _delete_calls},
    "faults": {"GET": _get_faults, "POST": _post_fault, "DELETE": _delete_faults},
}


def parse_body(raw: bytes) -> Any:
    """A control request's JSON body (None when empty)."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise UsageError(f"the request body is not JSON: {error}") from None


def handle(served: Served, method: str, path: str, raw_body: bytes) -> ControlAnswer:
    """Answer one control request (``path`` starts with ``PREFIX``)."""
    route, _, query_text = path[len(PREFIX) :].partition("?")
    methods = ROUTES.get(route.rstrip("/"))
    if methods is None:
        raise ControlError(
            404,
            "NotFound",
            f"no control endpoint {path.partition('?')[0]!r}; the endpoints are "
            + ", ".join(f"{PREFIX}{name}" for name in ROUTES),
        )
    endpoint = methods.get(method)
    if endpoint is None:
        allowed = ", ".join(methods)
        raise ControlError(
            405,
            "MethodNotAllowed",
            f"{PREFIX}{route.rstrip('/')} takes {allowed}, not {method}",
            (("Allow", allowed),),
        )
    try:
        query = parse_qs(query_text, keep_blank_values=True, strict_parsing=False)
        if query and endpoint is not _get_calls:  # a misspelt filter must not be ignored
            raise UsageError(
                f"{method} {PREFIX}{route.rstrip('/')} takes no query parameters, "
                f"not {sorted(query)}"
            )
        result = endpoint(served, query, parse_body(raw_body))
    except UsageError as error:
        raise ControlError(400, "UsageError", str(error)) from None
    return ControlAnswer(200, result)
