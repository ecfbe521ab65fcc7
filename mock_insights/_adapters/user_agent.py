"""Build a CloudTrail client's User-Agent once per feature set while the mock is active.

botocore rebuilds the User-Agent string twice per call (about 35 µs each, a fifth of a
call), although nothing receives it while mocked. ``reuse`` hands a client's builder to a
``UserAgentString`` subclass that, while a mock is active, returns the string botocore built
for the same client and the same request features. The header is the one botocore would
send; inactive, every call builds it as before.
"""

from __future__ import annotations

import weakref
from typing import Any

from botocore.useragent import UserAgentString

from mock_insights._adapters import active

try:  # botocore >= 1.35: per-request features live in a context variable
    from botocore.context import get_context
except ImportError:  # pragma: no cover - older botocore has no request features

    def get_context() -> Any:
        return None


_NO_FEATURES: frozenset[str] = frozenset()
# One dict per builder: request features -> the string botocore built for them.
_built: weakref.WeakKeyDictionary[UserAgentString, dict[frozenset[str], str]] = (
    weakref.WeakKeyDictionary()
)


class ReusedUserAgent(UserAgentString):  # type: ignore[misc]
    """botocore's builder, remembering its strings while a mock is active."""

    def to_string(self) -> str:
        if active.current is None:
            return str(super().to_string())
        context = get_context()
        features = _NO_FEATURES if context is None else frozenset(context.features)
        strings = _built.get(self)
        if strings is None:
            strings = _built[self] = {}
        text = strings.get(features)
        if text is None:
            text = strings[features] = str(super().to_string())
        return text


def reuse(builder: object) -> None:
    """Make a client's builder a ``ReusedUserAgent``, in place.

    In place, because the same object is also registered as botocore's per-call rebuild
    handler; both builds then go through the subclass. A builder of another type is left
    alone.
    """
    if type(builder) is UserAgentString:
        builder.__class__ = ReusedUserAgent
