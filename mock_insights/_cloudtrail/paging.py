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
from collections.abc import Callable, Iterable, Sequence
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
    positioned: Callable[[int | None], Iterable[tuple[int, Item]]],
    operation: str,
    params: dict[str, Any],
    *,
    limit: int,
    error_code: str,
) -> tuple[list[Item], str | None]:
    """One page of a listing whose items have stable positions (a log read newest first):
    the token holds where the page ended, so items added since do not shift the next page.
    ``positioned(below)`` yields ``(position, item)`` for items before ``below``."""
    digest = _digest(operation, params)
    token = params.get("NextToken")
    below = None if token is None else _offset(token, digest, error_code)
    taken = list(itertools.islice(positioned(below), limit + 1))
    items = [item for _, item in taken[:limit]]
    if len(taken) > limit:
        return items, _token(taken[limit - 1][0], digest)
    return items, None


def page_of(
    items: Iterable[Item],
    operation: str,
    params: dict[str, Any],
    *,
    limit: int,
    error_code: str,
) -> tuple[list[Item], str | None]:
    """One page of a lazily produced listing (newest-first events, say): only the items up to
    the end of the page are produced."""
    digest = _digest(operation, params)
    token = params.get("NextToken")
    start = 0 if token is None else _offset(token, digest, error_code)
    taken = list(itertools.islice(items, start, start + limit + 1))
    if len(taken) > limit:
        return taken[:limit], _token(start + limit, digest)
    return taken, None
