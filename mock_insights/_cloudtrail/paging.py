"""``NextToken`` paging for list operations: opaque tokens bound to the request they came from.

A token records where the next page starts and a digest of the other parameters, so a token
used with different parameters, or one the mock never issued, is refused with the
operation's modeled error instead of answering a page of some other listing.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from mock_insights.errors import ServiceError

Item = TypeVar("Item")


_PAGING_PARAMS = ("NextToken", "MaxResults")


def _digest(operation: str, params: dict[str, Any]) -> str:
    rest = {key: value for key, value in params.items() if key not in _PAGING_PARAMS}
    text = json.dumps([operation, rest], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _token(offset: int, digest: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, digest]).encode()).decode()


def _offset(token: str, digest: str, error_code: str) -> int:
    try:
        offset, token_digest = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        offset, token_digest = None, None
    if not isinstance(offset, int) or token_digest != digest or offset < 0:
        raise ServiceError(error_code, f"The NextToken {token} is not valid for this request.")
    return offset


def page(
    items: Sequence[Item],
    operation: str,
    params: dict[str, Any],
    *,
    limit: int | None,
    error_code: str,
) -> tuple[list[Item], str | None]:
    """One page of ``items`` for the request ``params`` and the token for the next, if any.

    The token is bound to every parameter but ``NextToken`` and ``MaxResults``.
    """
    digest = _digest(operation, params)
    token = params.get("NextToken")
    start = 0 if token is None else _offset(token, digest, error_code)
    end = len(items) if limit is None else start + limit
    next_token = _token(end, digest) if end < len(items) else None
    return list(items[start:end]), next_token


def cursor_page(
    newest_first: Callable[[float | None], Iterable[Item]],
    cursor_of: Callable[[Item], tuple[float, str]],
    operation: str,
    params: dict[str, Any],
    *,
    limit: int,
    error_code: str,
) -> tuple[list[Item], str | None]:
    """One page of a listing read newest first, whose items have a time and an ID (events).

    The token holds the time and ID of the page's last item, so items recorded since, or
    inserted further back, neither repeat nor hide anything on the next page.
    ``newest_first(until)`` yields the items at or before ``until`` (all when None).
    """
    digest = _digest(operation, params)
    token = params.get("NextToken")
    after: tuple[float, str] | None = None
    if token is not None:
        after = _cursor(token, digest, error_code)
    items = newest_first(None if after is None else after[0])
    if after is not None:
        items = _past(items, cursor_of, after)
    taken = list(itertools.islice(items, limit + 1))
    if len(taken) > limit:
        last_time, last_id = cursor_of(taken[limit - 1])
        return taken[:limit], _encode([last_time, last_id, digest])
    return taken, None


def _past(
    items: Iterable[Item], cursor_of: Callable[[Item], tuple[float, str]], after: tuple[float, str]
) -> Iterator[Item]:
    """The items after ``after`` in newest-first order: older ones, and among those of the same
    time, the ones listed after it."""
    seen_it = False
    for item in items:
        when, ident = cursor_of(item)
        if when == after[0] and not seen_it:
            if ident == after[1]:
                seen_it = True
            continue
        yield item


def _encode(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def _cursor(token: str, digest: str, error_code: str) -> tuple[float, str]:
    try:
        when, ident, token_digest = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        when, ident, token_digest = None, None, None
    if not isinstance(when, int | float) or not isinstance(ident, str) or token_digest != digest:
        raise ServiceError(error_code, f"The NextToken {token} is not valid for this request.")
    return float(when), ident
