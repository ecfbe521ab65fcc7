"""The in-memory state model: trails, event data stores, and the S3/KMS conditions they meet.

Plain data and lookups only. Validation lives with the operations that change state; nothing
here knows about the wire format or botocore. Every lookup by ARN is a dict access, so the
cost of a call does not grow with the number of trails.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import insight_events
from .event_log import EventLog
from .event_selectors import DEFAULT_BASIC_SELECTORS, Coverage, advanced_coverage, basic_coverage
from .insight_events import Insight

Selector = dict[str, Any]


@dataclass(slots=True)
class Trail:
    """One trail, stored once under its home ARN; shadow copies are views of it."""

    name: str
    home_region: str
    account_id: str
    arn: str
    s3_bucket_name: str
    s3_key_prefix: str | None = None
    sns_topic_arn: str | None = None
    include_global_service_events: bool = True
    is_multi_region: bool = False
    log_file_validation: bool = False
    cloud_watch_logs_log_group_arn: str | None = None
    cloud_watch_logs_role_arn: str | None = None
    kms_key_id: str | None = None
    is_organization_trail: bool = False
    recursive_logging: bool = True
    tags: list[dict[str, str]] = field(default_factory=list)
    event_selectors: list[Selector] | None = field(
        default_factory=lambda: [dict(s) for s in DEFAULT_BASIC_SELECTORS]
    )
    advanced_event_selectors: list[Selector] | None = None
    has_custom_event_selectors: bool = False
    insight_selectors: list[Selector] = field(default_factory=list)
    is_logging: bool = False
    start_logging_time: float | None = None
    stop_logging_time: float | None = None

    def coverage(self) -> Coverage:
        """Which events the trail's current selectors log."""
        if self.advanced_event_selectors is not None:
            return advanced_coverage(self.advanced_event_selectors)
        return basic_coverage(self.event_selectors or [])

    def visible_in(self, account_id: str, region: str) -> bool:
        """Whether the trail shows in ``region`` of ``account_id``: at home, or as a shadow."""
        return self.account_id == account_id and (
            self.home_region == region or self.is_multi_region
        )


@dataclass(slots=True)
class EventDataStore:
    """One CloudTrail Lake event data store; a source may carry Insights selectors."""

    name: str
    region: str
    account_id: str
    arn: str
    advanced_event_selectors: list[Selector]
    multi_region: bool = True
    organization_enabled: bool = False
    billing_mode: str = "EXTENDABLE_RETENTION_PRICING"
    retention_period: int = 366
    termination_protection: bool = True
    kms_key_id: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    status: str = "ENABLED"
    created: float = 0.0
    updated: float = 0.0
    insight_selectors: list[Selector] = field(default_factory=list)
    insights_destination: str | None = None

    def coverage(self) -> Coverage:
        """Which events the store's advanced selectors collect."""
        return advanced_coverage(self.advanced_event_selectors)

    def collects(self, category: str) -> bool:
        """Whether one of the store's selectors selects this ``eventCategory``."""
        return any(
            category in (fs.get("Equals") or [])
            for selector in self.advanced_event_selectors
            for fs in selector["FieldSelectors"]
            if fs["Field"] == "eventCategory"
        )

    @property
    def is_insights_store(self) -> bool:
        """Whether the store collects Insights events (a possible Insights destination)."""
        return self.collects("Insight")


@dataclass(slots=True)
class BucketCondition:
    """What a test declared about an S3 bucket; undeclared buckets exist and allow CloudTrail.

    ``origin`` names where an undeclared condition came from (moto's S3, say), for messages.
    """

    exists: bool = True
    policy_sufficient: bool = True
    origin: str | None = None


@dataclass(slots=True)
class KeyCondition:
    """What a test declared about a KMS key; undeclared keys are enabled and allow CloudTrail."""

    exists: bool = True
    state: str = "Enabled"
    policy_sufficient: bool = True
    origin: str | None = None


@dataclass(slots=True)
class TopicCondition:
    """What a test declared about an SNS topic; undeclared topics exist and let CloudTrail
    publish."""

    exists: bool = True
    policy_sufficient: bool = True
    origin: str | None = None


@dataclass(slots=True)
class Organization:
    """The AWS Organization the test declared: who manages it, who is in it, who administers
    CloudTrail for it, and whether CloudTrail's service-linked role exists in it."""

    management_account_id: str
    member_account_ids: list[str] = field(default_factory=list)
    delegated_administrator_ids: list[str] = field(default_factory=list)
    service_linked_role: bool = True
    # Sets of the same accounts, so a call's cost does not grow with the organization's size.
    _accounts: frozenset[str] = field(init=False, repr=False, compare=False)
    _administrators: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._administrators = frozenset(
            [self.management_account_id, *self.delegated_administrator_ids]
        )
        self._accounts = self._administrators.union(self.member_account_ids)

    def includes(self, account_id: str) -> bool:
        return account_id in self._accounts

    def administers(self, account_id: str) -> bool:
        """The management account and delegated administrators may change org resources."""
        return account_id in self._administrators


class ExternalConditions(Protocol):
    """Where undeclared buckets and keys get their condition (moto's S3 and KMS, say).

    The model is handed one; it never imports whoever answers. ``None`` means "no opinion".
    """

    def bucket(self, name: str) -> BucketCondition | None: ...

    def key(self, key_arn: str) -> KeyCondition | None: ...

    def topic(self, topic_arn: str) -> TopicCondition | None: ...

    def deliver(self, bucket: str, key: str, body: bytes) -> bool:
        """Write a log file into the bucket if it exists there; whether it was written."""
        ...

    def answers(self) -> bool:
        """Whether it may answer now (moto is active); when not, nothing outside the state
        decides a check."""
        ...


class Backend:
    """All trails and event data stores of every account, indexed by account then ARN.

    ``buckets`` (by name), ``keys`` and ``topics`` (by ARN) hold the S3, KMS and SNS conditions
    a test declared;
    CloudTrail checks them where it delivers Insights events; ``external`` answers for the
    ones a test did not declare.
    """

    def __init__(self, external: ExternalConditions | None = None) -> None:
        self.lock = threading.RLock()
        self._trails: dict[str, dict[str, Trail]] = {}
        self._stores: dict[str, dict[str, EventDataStore]] = {}
        self.buckets: dict[str, BucketCondition] = {}
        self.keys: dict[str, KeyCondition] = {}
        self.topics: dict[str, TopicCondition] = {}
        self.organization: Organization | None = None
        self.external = external
        self._event_logs: dict[tuple[str, str], EventLog] = {}
        self.insights: list[Insight] = []

    def replace_with(self, other: Backend) -> None:
        """Take over ``other``'s whole state (restoring a snapshot), keeping this lock."""
        self._trails, self._stores = other._trails, other._stores
        self.buckets, self.keys, self.topics = other.buckets, other.keys, other.topics
        self.organization = other.organization
        self._event_logs, self.insights = other._event_logs, other.insights

    def copied(self) -> Backend:
        """A copy that shares nothing a call can change: trails, stores and event logs are
        copied; conditions, the organization, events and Insights are replaced, never changed,
        so they are shared."""
        clone = Backend(self.external)
        clone._trails = {
            account: {arn: _copied(trail) for arn, trail in trails.items()}
            for account, trails in self._trails.items()
        }
        clone._stores = {
            account: {arn: _copied(store) for arn, store in stores.items()}
            for account, stores in self._stores.items()
        }
        clone.buckets, clone.keys = dict(self.buckets), dict(self.keys)
        clone.topics, clone.organization = dict(self.topics), self.organization
        clone._event_logs = {key: log.copied() for key, log in self._event_logs.items()}
        clone.insights = list(self.insights)
        return clone

    def events(self, account_id: str, region: str) -> EventLog:
        """The events recorded for an account in a region (an empty log if none yet)."""
        key = (account_id, region)
        log = self._event_logs.get(key)
        if log is None:
            log = self._event_logs[key] = EventLog()
        return log

    def add_insight(self, insight: Insight) -> None:
        """Keep a declared Insight and log its Start and End events where it happened."""
        self.insights.append(insight)
        if insight.trail_arn is not None:
            log = self.events(insight.account_id, insight.region)
            for event in insight_events.events(insight):
                log.add(event)

    def all_trails(self) -> list[Trail]:
        """Every trail of every account, in creation order within each account."""
        return [trail for trails in self._trails.values() for trail in trails.values()]

    def all_stores(self) -> list[EventDataStore]:
        """Every event data store of every account, in creation order within each account."""
        return [store for stores in self._stores.values() for store in stores.values()]

    def store(self, account_id: str, arn: str) -> EventDataStore | None:
        """The event data store with this ARN, if it exists."""
        account_stores = self._stores.get(account_id)
        return None if account_stores is None else account_stores.get(arn)

    def stores_of(self, account_id: str) -> list[EventDataStore]:
        """Every event data store an account owns, in creation order."""
        return list(self._stores.get(account_id, {}).values())

    def stores_in(self, account_id: str, region: str) -> list[EventDataStore]:
        """An account's event data stores in one region, in creation order."""
        return [s for s in self._stores.get(account_id, {}).values() if s.region == region]

    def add_store(self, store: EventDataStore) -> None:
        self._stores.setdefault(store.account_id, {})[store.arn] = store

    def remove_store(self, store: EventDataStore) -> None:
        del self._stores[store.account_id][store.arn]

    def trail(self, account_id: str, arn: str) -> Trail | None:
        """The trail whose home ARN is ``arn``, if it exists."""
        account_trails = self._trails.get(account_id)
        return None if account_trails is None else account_trails.get(arn)

    def trails_of(self, account_id: str) -> list[Trail]:
        """Every trail an account owns, in creation order."""
        return list(self._trails.get(account_id, {}).values())

    def visible_trails(self, account_id: str, region: str) -> list[Trail]:
        """Trails listed in a region: those at home there, multi-region shadows, and for the
        other accounts of an organization, its organization trails."""
        own = [t for t in self.trails_of(account_id) if t.visible_in(account_id, region)]
        org = self.organization
        if org is None or account_id == org.management_account_id or not org.includes(account_id):
            return own
        shared = [
            trail
            for trail in self.trails_of(org.management_account_id)
            if trail.is_organization_trail and trail.visible_in(org.management_account_id, region)
        ]
        return own + shared

    def add_trail(self, trail: Trail) -> None:
        self._trails.setdefault(trail.account_id, {})[trail.arn] = trail

    def remove_trail(self, trail: Trail) -> None:
        del self._trails[trail.account_id][trail.arn]


_SCALARS = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """A copy of JSON-compatible data: several times faster than ``copy.deepcopy`` on dicts,
    lists and scalars; other mappings become dicts, tuples lists, anything else deep-copied."""
    kind = type(value)
    if kind is dict:
        return {key: copy_json(item) for key, item in value.items()}
    if kind is list:
        return [copy_json(item) for item in value]
    if kind in _SCALARS:
        return value
    if isinstance(value, Mapping):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [copy_json(item) for item in value]
    return copy.deepcopy(value)


def _copied(record: Any) -> Any:
    """A trail or store whose lists and maps (selectors, tags) are its own."""
    clone = object.__new__(type(record))
    for name in type(record).__slots__:
        setattr(clone, name, copy_json(getattr(record, name)))
    return clone
