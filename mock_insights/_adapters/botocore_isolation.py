"""Answer botocore's credential, profile, region and metadata lookups in memory while active.

Nothing here writes the environment: each lookup is a class-level wrap, installed once at
import, that passes straight through while no mock is active. So there is nothing to restore
on stop, and another tool that saves and restores variables (moto, ``monkeypatch``) cannot
leave the mock's values behind or bring real ones back into reach.

- ``Session.get_credentials``: a session without keys set in code gets fake static
  credentials, not cached, so no provider runs (credentials file, ``credential_process``,
  STS, SSO, container, instance metadata). Keys set in code are kept: they pick the account.
- ``Session.get_config_variable("region")``: the mock's region, unless the session was given
  one in code. ``AWS_DEFAULT_REGION`` and config files do not decide where a call acts.
- ``Session.get_scoped_config`` and ``Session.full_config``: a profile that does not exist
  reads as empty instead of raising ``ProfileNotFound``, and a malformed file as no file;
  while a CloudTrail client is being built, the config files are not read at all, so
  ``~/.aws`` settings (retries, say) do not change a test's outcome. Other services keep
  their config (a local endpoint, for instance).
- ``IMDSFetcher._assert_enabled``: the instance metadata service counts as disabled, for
  fetchers made before the block too.

Signing, the other place credentials are read, is skipped for CloudTrail by the hook.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import botocore.session
import botocore.utils
from botocore.credentials import Credentials
from botocore.exceptions import ConfigParseError, ProfileNotFound

from mock_insights._adapters import active

MOCKED_SERVICES = frozenset({"cloudtrail", "cloudtrail-data"})
FAKE_KEY = "mock_insights"
_MARK = "mock_insights_isolation"
_building_mocked_client = contextvars.ContextVar("mock_insights_building", default=False)


def marked(function: Callable[..., Any], original: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``function`` as mock_insights' wrapper of ``original``."""
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

    return marked(get_credentials, original)


def _get_config_variable(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_config_variable(session: Any, logical_name: str, methods: Any = None) -> Any:
        current = active.current
        if (
            current is not None
            and logical_name == "region"
            and session._session_instance_vars.get("region") is None
        ):
            return current.region
        return original(session, logical_name, methods)

    return marked(get_config_variable, original)


def _get_scoped_config(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def get_scoped_config(session: Any) -> Any:
        if active.current is not None and _building_mocked_client.get():
            return {}
        try:
            return original(session)
        except ProfileNotFound:
            if active.current is None:
                raise
            return {}

    return marked(get_scoped_config, original)


def _full_config(original: property) -> property:
    read = original.fget
    assert read is not None

    def full_config(session: Any) -> Any:
        if active.current is None:
            return read(session)
        if _building_mocked_client.get():
            return {"profiles": {}}
        try:
            return read(session)
        except ConfigParseError:  # a malformed file of the developer's: as if there were none
            return {"profiles": {}}

    return property(marked(full_config, read))


@contextlib.contextmanager
def building(service_name: str) -> Iterator[None]:
    """While a mocked service's client is built under an active mock, config files read as
    empty (see ``get_scoped_config`` and ``full_config``)."""
    if active.current is None or service_name not in MOCKED_SERVICES:
        yield
        return
    token = _building_mocked_client.set(True)
    try:
        yield
    finally:
        _building_mocked_client.reset(token)


def _create_client(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_client(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        with building(service_name):
            return original(session, service_name, *args, **kwargs)

    return marked(create_client, original)


def _assert_enabled(original: Callable[[Any], None]) -> Callable[[Any], None]:
    def assert_enabled(fetcher: Any) -> None:
        if active.current is not None:
            raise fetcher._RETRIES_EXCEEDED_ERROR_CLS()
        original(fetcher)

    return marked(assert_enabled, original)


_WRAPS = (
    (botocore.session.Session, "get_credentials", _get_credentials),
    (botocore.session.Session, "get_config_variable", _get_config_variable),
    (botocore.session.Session, "get_scoped_config", _get_scoped_config),
    (botocore.session.Session, "full_config", _full_config),
    (botocore.session.Session, "create_client", _create_client),
    (botocore.utils.IMDSFetcher, "_assert_enabled", _assert_enabled),
)


def wrap_once(owner: Any, name: str, wrap: Callable[[Any], Any]) -> None:
    """Replace ``owner.name`` by ``wrap(original)`` unless it is wrapped already (a property's
    getter counts). The wrapper keeps the original as ``__wrapped__``."""
    original = inspect.getattr_static(owner, name)
    marked = original.fget if isinstance(original, property) else original
    if not getattr(marked, _MARK, False):
        setattr(owner, name, wrap(original))


def install() -> None:
    """Wrap botocore's classes once per process; safe to call again."""
    for owner, name, wrap in _WRAPS:
        wrap_once(owner, name, wrap)
