"""Keep botocore's credential and profile lookups in memory while a mock is active.

Two class-level wraps of botocore's ``Session``, installed once at import, each a
pass-through while inactive:

- ``Session.get_credentials``: a session without explicit keys gets fake static credentials,
  not cached, so no provider runs (no credentials file, ``credential_process``, STS, SSO,
  container or instance metadata) and no real key reaches a client made inside the block.
  Keys set in code (``boto3.Session(aws_access_key_id=...)``) are kept: they pick the account.
- ``Session.get_scoped_config``: a profile that does not exist (``AWS_PROFILE=missing``,
  ``boto3.Session(profile_name="prod")`` with the config files set aside) reads as empty
  instead of raising ``ProfileNotFound``.

Signing, the other place credentials are read, is skipped for CloudTrail by the hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.credentials import Credentials
from botocore.exceptions import ProfileNotFound

from mock_insights._adapters import active

FAKE_KEY = "mock_insights"
_MARK = "mock_insights_isolation"


def _marked(function: Callable[..., Any], original: Callable[..., Any]) -> Callable[..., Any]:
    setattr(function, _MARK, True)
    function.__wrapped__ = original  # type: ignore[attr-defined]
    return function


def _get_credentials(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def get_credentials(session: Any) -> Any:
        if active.current is None:
            return original(session)
        explicit = session._credentials
        if explicit is not None and getattr(explicit, "method", None) == "explicit":
            return explicit
        return Credentials(FAKE_KEY, FAKE_KEY, method="mock_insights")

    return _marked(get_credentials, original)


def _get_scoped_config(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def get_scoped_config(session: Any) -> Any:
        try:
            return original(session)
        except ProfileNotFound:
            if active.current is None:
                raise
            return {}

    return _marked(get_scoped_config, original)


_WRAPS = (
    (botocore.session.Session, "get_credentials", _get_credentials),
    (botocore.session.Session, "get_scoped_config", _get_scoped_config),
)


def install() -> None:
    """Wrap botocore's classes once per process; safe to call again."""
    for owner, name, wrap in _WRAPS:
        original = getattr(owner, name)
        if not getattr(original, _MARK, False):
            setattr(owner, name, wrap(original))
