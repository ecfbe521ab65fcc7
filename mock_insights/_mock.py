"""``InsightsMock``: one object that is a context manager, an async one and a decorator."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, overload

from . import _activation
from ._activation import Settings
from ._adapters import botocore_hook
from ._cloudtrail.account_ids import is_account_id
from ._decorate import wrap_callable, wrap_class
from .errors import NotStartedError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from ._adapters.http_server import RunningServer
    from ._cloudtrail.state import Backend
    from ._toolkit.faults import Injection
    from ._toolkit.harness import Harness
    from ._toolkit.history import CallHistory
    from ._toolkit.scenarios import SimulatedInsight
    from ._toolkit.seed import Where

FAKE_SECRET = "mock_insights"

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type[Any])

assert botocore_hook.HANDLERS  # importing _hook wires botocore; keep the import visible


class InsightsMock:
    """Answers every CloudTrail call from in-memory state while it is started.

    ``region`` is the region of clients created without one and of seeds without ``Region``;
    ``account_id`` is the account calls act as unless the client's static access key is another
    account ID. Without them, an enclosing mock's apply, else ``us-east-1`` and
    ``123456789012``. ``history_limit`` keeps only the newest calls in ``calls`` (``0``: record
    nothing). ``retry_delays=False`` makes botocore and aiobotocore retry mocked calls without
    waiting (an enclosing mock's choice applies when it is not given). While started, the mock
    also records every call (``calls``), injects faults (``inject_error``), seeds state
    (``seed_trail``, ``seed_event_data_store``, ``set_s3_bucket``, ``set_sns_topic``,
    ``set_kms_key``, ``set_organization``) and saves and loads it (``snapshot``, ``restore``);
    ``client`` and ``session`` make boto3 clients that act as a given account.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        account_id: str | None = None,
        history_limit: int | None = None,
        retry_delays: bool | None = None,
    ) -> None:
        if history_limit is not None and (isinstance(history_limit, bool) or history_limit < 0):
            raise UsageError(f"history_limit is a number of calls, 0 or more: {history_limit!r}")
        if retry_delays is not None and not isinstance(retry_delays, bool):
            raise UsageError(f"retry_delays is True or False, not {retry_delays!r}")
        self.region = region
        self._account_id = account_id
        self.history_limit = history_limit
        self.retry_delays = retry_delays
        self._activations: list[Settings] = []
        self._harness: Harness | None = None
        self._servers: list[RunningServer] = []

    def start(self) -> InsightsMock:
        """Activate; the outermost activation starts from empty state."""
        settings = Settings(self.region, self._account_id, self.history_limit, self.retry_delays)
        self._harness = _activation.push(settings)
        self._activations.append(settings)
        return self

    def stop(self) -> None:
        """Undo the latest ``start`` of this mock; the outermost stop clears all state."""
        if not self._activations:
            raise NotStartedError("stop() called on a mock_insights mock that is not started")
        if len(self._activations) == 1:
            self._stop_servers()
        _activation.pop(self._activations.pop())

    @property
    def account_id(self) -> str:
        """The account calls act as: this mock's, else an enclosing mock's, else the default."""
        return self._account_id or _activation.account_id()

    def _active_harness(self) -> Harness:
        if not self._activations or self._harness is None:
            raise NotStartedError("the mock_insights mock is not started")
        return self._harness

    def _where(self) -> Where:
        from ._toolkit.seed import Where

        return Where(self.region or _activation.region(), self.account_id)

    @contextmanager
    def _locked_backend(self) -> Iterator[Backend]:
        """The active state, held against concurrent calls while a test changes it."""
        backend = self._active_harness().backend
        with backend.lock:
            yield backend

    @property
    def backend(self) -> Backend:
        """The state the active mock answers from (for inspection in tests)."""
        return self._active_harness().backend

    # --- accounts ------------------------------------------------------------------------

    def session(self, *, account_id: str | None = None, region_name: str | None = None) -> Any:
        """A boto3 session whose CloudTrail calls act as ``account_id`` (default: the mock's).

        Its access key is the account ID, which is how the mock tells accounts apart; no real
        credentials are involved.
        """
        import boto3

        account = account_id or self.account_id
        if not is_account_id(account):
            raise UsageError(f"an account ID is 12 digits, not {account!r}")
        return boto3.Session(
            aws_access_key_id=account,
            aws_secret_access_key=FAKE_SECRET,
            region_name=region_name or self._where().region,
        )

    def client(
        self,
        service_name: str = "cloudtrail",
        *,
        account_id: str | None = None,
        region_name: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """A boto3 client acting as ``account_id``; see ``session``."""
        session = self.session(account_id=account_id, region_name=region_name)
        return session.client(service_name, **kwargs)

    # --- server mode -------------------------------------------------------------------

    def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve this mock's state over HTTP, so the AWS CLI, Terraform or an SDK in another
        language (in a subprocess, say) and in-process boto3 share it; returns the URL.

        The server answers until this mock stops. Requests act in the region their SigV4
        credential was signed for and as the account of a 12-digit access key, else in this
        mock's region and account. Control endpoints are under ``/_mock_insights/``.
        """
        from ._adapters import http_server

        where = self._where()
        running = http_server.start(
            self._active_harness(),
            region=where.region,
            account_id=where.account_id,
            host=host,
            port=port,
        )
        self._servers.append(running)
        return running.url

    def _stop_servers(self) -> None:
        while self._servers:
            self._servers.pop().stop()

    # --- call history ------------------------------------------------------------------

    @property
    def calls(self) -> CallHistory:
        """Every CloudTrail call answered so far, oldest first; still readable after stop."""
        from ._toolkit.history import CallHistory

        if self._harness is None:
            raise NotStartedError("the mock_insights mock was never started")
        return CallHistory(self._harness.calls)

    # --- fault injection ---------------------------------------------------------------

    def inject_error(
        self,
        operation: str,
        code: str,
        *,
        times: int = 1,
        message: str | None = None,
        **params: Any,
    ) -> Injection:
        """Make the next ``times`` calls of ``operation`` whose params contain ``params`` fail
        with ``code``, one of the operation's modeled errors or the common AWS ones."""
        from ._toolkit.faults import make_injection

        harness = self._active_harness()
        injection = make_injection(operation, code, times=times, message=message, params=params)
        harness.faults.add(injection)
        return injection

    @property
    def injections(self) -> list[Injection]:
        """The injected errors not used up yet, oldest first."""
        return self._active_harness().faults.pending()

    def clear_injections(self) -> None:
        """Drop every pending injected error."""
        self._active_harness().faults.clear()

    # --- seeded state ------------------------------------------------------------------

    def seed_trail(self, **entry: Any) -> str:
        """Create a trail directly (CreateTrail's parameters plus ``EventSelectors``,
        ``AdvancedEventSelectors``, ``InsightSelectors``, ``IsLogging``, ``AccountId`` and
        ``Region``), validated as the API would. Returns its ARN."""
        from ._toolkit.seed import seed_trail

        with self._locked_backend() as backend:
            return seed_trail(backend, entry, self._where()).arn

    def seed_event_data_store(self, **entry: Any) -> str:
        """Create an event data store directly (CreateEventDataStore's parameters plus
        ``InsightSelectors``, ``InsightsDestination``, ``Status``, ``AccountId`` and
        ``Region``), validated as the API would. Returns its ARN."""
        from ._toolkit.seed import seed_stores

        with self._locked_backend() as backend:
            return seed_stores(backend, [entry], self._where())[0].arn

    def set_s3_bucket(
        self, name: str, *, exists: bool = True, policy_sufficient: bool = True
    ) -> None:
        """Declare a bucket missing or its policy insufficient for CloudTrail's checks."""
        from ._toolkit.seed import set_bucket

        with self._locked_backend() as backend:
            set_bucket(backend, name, exists=exists, policy_sufficient=policy_sufficient)

    def simulate_insight(
        self,
        *,
        insight_type: str,
        event_source: str,
        event_name: str,
        start: datetime | float,
        end: datetime | float,
        baseline: float,
        insight: float,
        trail: str | None = None,
        event_data_store: str | None = None,
        error_code: str | None = None,
        category: str = "Management",
        region: str | None = None,
        attributions: list[dict[str, Any]] | dict[str, list[dict[str, Any]]] | None = None,
        ids: dict[str, str] | None = None,
        start_insight: float | None = None,
        baseline_duration: int | None = None,
    ) -> SimulatedInsight:
        """Make an Insight happen on a trail (or an event data store's Insights source).

        ``baseline`` and ``insight`` are per-minute averages; ``start``/``end`` datetimes
        (naive means UTC) or epoch seconds in the last 90 days. ``category="Data"`` for
        Insights on data events; ``region`` for a multi-region trail's other regions;
        ``ids`` (``shared_event_id``, ``start_event_id``, ``end_event_id``) for fixed IDs.
        ``insight`` is the average over the whole Insight (the End record's); ``start_insight``
        the first minute's (the Start record's; default ``insight``). ``attributions`` replaces
        the default attributions (``[]`` for none; ``{"Start": ..., "End": ...}`` per record);
        ``baseline_duration`` is in minutes (default 10080, the 7-day baseline).
        A scenario real CloudTrail could not produce is a ``UsageError`` giving the reason.
        LookupEvents, ListInsightsData and ListInsightsMetricData then answer it; the
        records are ``.start_event`` and ``.end_event``.
        """
        from ._toolkit import scenarios

        with self._locked_backend() as backend:
            return scenarios.simulate(
                backend,
                self._where(),
                trail=trail,
                event_data_store=event_data_store,
                insight_type=insight_type,
                event_source=event_source,
                event_name=event_name,
                start=start,
                end=end,
                baseline=baseline,
                insight=insight,
                error_code=error_code,
                category=category,
                region=region,
                attributions=attributions,
                ids=ids,
                start_insight=start_insight,
                baseline_duration=baseline_duration,
            )

    def add_event(
        self,
        event_name: str,
        *,
        event_source: str,
        time: datetime | float | None = None,
        read_only: bool | None = None,
        username: str | None = None,
        resources: list[dict[str, str]] | None = None,
        record: dict[str, Any] | None = None,
    ) -> str:
        """Record other API activity (``RunInstances`` on ``ec2.amazonaws.com``, say) as a
        management event that LookupEvents answers; ``record`` adds or overrides record
        fields. Returns the event ID."""
        from ._toolkit import scenarios

        with self._locked_backend() as backend:
            return scenarios.add_event(
                backend,
                self._where(),
                event_name=event_name,
                event_source=event_source,
                when=time,
                read_only=read_only,
                username=username,
                resources=resources,
                record=record,
            )

    def set_sns_topic(
        self, topic: str, *, exists: bool = True, policy_sufficient: bool = True
    ) -> str:
        """Declare an SNS topic (name or ARN) missing, or with a policy that does not let
        CloudTrail publish, for CreateTrail's and UpdateTrail's checks. Returns its ARN."""
        from ._toolkit.seed import set_topic

        with self._locked_backend() as backend:
            return set_topic(
                backend, topic, self._where(), exists=exists, policy_sufficient=policy_sufficient
            )

    def set_kms_key(
        self,
        key: str,
        *,
        exists: bool = True,
        state: str = "Enabled",
        policy_sufficient: bool = True,
    ) -> str:
        """Declare a KMS key (ARN, key ID or alias) missing, in a KMS ``KeyState`` such as
        ``Disabled`` or ``PendingDeletion``, or with a policy that does not allow CloudTrail.
        Returns the key's ARN."""
        from ._toolkit.seed import set_key

        with self._locked_backend() as backend:
            return set_key(
                backend,
                key,
                self._where(),
                exists=exists,
                state=state,
                policy_sufficient=policy_sufficient,
            )

    def set_organization(
        self,
        *,
        management_account_id: str | None = None,
        member_account_ids: list[str] | tuple[str, ...] = (),
        delegated_administrator_ids: list[str] | tuple[str, ...] = (),
        service_linked_role: bool = True,
    ) -> None:
        """Declare the AWS Organization the accounts belong to (management account: the
        mock's account by default), its CloudTrail delegated administrators, and whether
        CloudTrail's service-linked role exists."""
        from ._toolkit.seed import set_organization

        with self._locked_backend() as backend:
            set_organization(
                backend,
                management_account_id=management_account_id or self.account_id,
                member_account_ids=member_account_ids,
                delegated_administrator_ids=delegated_administrator_ids,
                service_linked_role=service_linked_role,
            )

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-compatible data, to save or to ``restore`` later."""
        from ._toolkit.snapshot import snapshot

        return snapshot(self._active_harness().backend)  # taken under the state's lock

    def restore(self, snapshot: Mapping[str, Any] | str | os.PathLike[str]) -> None:
        """Replace the whole state with a snapshot, or with a JSON state file at a path.

        Every entry is validated as the API would; if one is invalid, nothing changes. A
        missing, unreadable or malformed file, or JSON text given in place of a path, is a
        ``UsageError`` that says which.
        """
        from ._toolkit.snapshot import restore

        restore(self._active_harness().backend, snapshot, self._where())  # swapped in locked

    def __enter__(self) -> InsightsMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> InsightsMock:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _fresh(self) -> InsightsMock:
        return InsightsMock(
            region=self.region,
            account_id=self._account_id,
            history_limit=self.history_limit,
            retry_delays=self.retry_delays,
        )

    @overload
    def __call__(self, target: C) -> C: ...
    @overload
    def __call__(
        self, target: Callable[P, Coroutine[Any, Any, R]]
    ) -> Callable[P, Coroutine[Any, Any, R]]: ...
    @overload
    def __call__(self, target: Callable[P, R]) -> Callable[P, R]: ...
    def __call__(self, target: Any) -> Any:
        """Decorate a test function, coroutine or generator function, method or class."""
        if inspect.isclass(target):
            return wrap_class(target, self._fresh)
        if callable(target) or isinstance(target, (staticmethod, classmethod)):
            return wrap_callable(target, self._fresh)
        raise TypeError(f"mock_insights cannot decorate {target!r}: expected a function or a class")


@overload
def mock_insights(target: C, /) -> C: ...
@overload
def mock_insights(
    target: Callable[P, Coroutine[Any, Any, R]], /
) -> Callable[P, Coroutine[Any, Any, R]]: ...
@overload
def mock_insights(target: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def mock_insights(
    target: None = None,
    /,
    *,
    region: str | None = None,
    account_id: str | None = None,
    history_limit: int | None = None,
    retry_delays: bool | None = None,
) -> InsightsMock: ...
def mock_insights(
    target: Any = None,
    /,
    *,
    region: str | None = None,
    account_id: str | None = None,
    history_limit: int | None = None,
    retry_delays: bool | None = None,
) -> Any:
    """Mock CloudTrail: bare or configured decorator, or ``with mock_insights() as m:``.

    ``@mock_insights`` decorates a test function, coroutine, generator or class;
    ``@mock_insights(region=..., account_id=..., history_limit=..., retry_delays=...)``
    configures it. Called
    without a target it returns an ``InsightsMock``: ``with mock_insights() as m:`` (or
    ``async with``) yields it, with its toolkit (``m.calls``, ``m.inject_error``,
    ``m.seed_trail``, ``m.snapshot``, ...). See ``help(InsightsMock)``.
    """
    mock = InsightsMock(
        region=region,
        account_id=account_id,
        history_limit=history_limit,
        retry_delays=retry_delays,
    )
    return mock if target is None else mock(target)
