"""Seeding: put trails, event data stores and S3/KMS conditions into state without boto3.

A seeded entry is what a user would send to CloudTrail, so it goes through the very handlers
the API uses, after botocore's own parameter validation: seeding a state that real CloudTrail
could never reach is a ``UsageError`` naming the AWS error that stopped it, and leaves the state
as it was. The same entries make up snapshots (see ``_snapshot``).

A trail entry holds CreateTrail's parameters plus ``EventSelectors`` or
``AdvancedEventSelectors``, ``InsightSelectors``, ``IsLogging``, ``StartLoggingTime`` and
``StopLoggingTime``; a store entry holds CreateEventDataStore's plus ``EventDataStoreArn``,
``Status``, ``CreatedTimestamp``, ``UpdatedTimestamp``, ``InsightSelectors`` and
``InsightsDestination``. Either may name its ``AccountId`` and ``Region``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mock_insights._cloudtrail import service_model
from mock_insights._cloudtrail.account_ids import is_account_id
from mock_insights._cloudtrail.call import Call, Params
from mock_insights._cloudtrail.delivery import kms_key_arn, sns_topic_arn
from mock_insights._cloudtrail.names import REGION_FORM
from mock_insights._cloudtrail.state import (
    Backend,
    BucketCondition,
    EventDataStore,
    KeyCondition,
    Organization,
    TopicCondition,
    Trail,
)
from mock_insights._cloudtrail.store_lookup import resolve_store_arn
from mock_insights._protocol import dispatch
from mock_insights._protocol.validation import validate
from mock_insights.errors import ServiceError, UsageError

_WHERE = ("AccountId", "Region")
_TRAIL_EXTRAS = (
    "EventSelectors",
    "AdvancedEventSelectors",
    "InsightSelectors",
    "IsLogging",
    "StartLoggingTime",
    "StopLoggingTime",
)
_STORE_EXTRAS = (
    "EventDataStoreArn",
    "Status",
    "CreatedTimestamp",
    "UpdatedTimestamp",
    "InsightSelectors",
    "InsightsDestination",
)
_STORE_STATUSES = ("ENABLED", "STOPPED_INGESTION", "PENDING_DELETION")
_TIMESTAMP_TYPES = (int, float)
_REGION = re.compile(REGION_FORM)  # what ARNs can carry, as the handlers parse them


class Where:
    """The account and region an entry lands in when it does not name its own."""

    def __init__(self, region: str, account_id: str) -> None:
        self.region = region
        self.account_id = account_id

    def call(self, backend: Backend, entry: Mapping[str, Any]) -> Call:
        """The call an entry is seeded as; a malformed ``Region`` or ``AccountId`` would
        otherwise seed state that no client can ever reach."""
        region = entry.get("Region", self.region)
        account_id = entry.get("AccountId", self.account_id)
        if not isinstance(region, str) or not _REGION.fullmatch(region):
            raise UsageError(f"Region must be a region name such as us-east-1, not {region!r}")
        if not is_account_id(account_id):
            raise UsageError(f"AccountId must be a 12-digit account ID, not {account_id!r}")
        return Call(region, account_id, backend)


def _check_keys(kind: str, entry: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    if not isinstance(entry, Mapping):
        raise UsageError(f"a {kind} entry must be a mapping, not {type(entry).__name__}")
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise UsageError(
            f"unknown {kind} key(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}"
        )


def _run(operation: str, call: Call, params: Params, subject: str, *, ours: bool = False) -> Params:
    """Run one operation as the API would, after botocore's own parameter validation (not
    for ``ours``: params the seeder built itself, valid by construction)."""
    if not ours:
        report = validate(operation, params)  # unknown members are errors here: they are typos
        if report.has_errors():
            raise UsageError(f"cannot seed {subject}: {report.generate_report()}")
    try:
        return dispatch.run(operation, call, params)
    except ServiceError as error:
        raise UsageError(f"cannot seed {subject}: {error.code}: {error.message}") from error


def _timestamp(entry: Mapping[str, Any], key: str, subject: str) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, _TIMESTAMP_TYPES):
        raise UsageError(f"cannot seed {subject}: {key} must be seconds since the epoch")
    return float(value)


def _flag(entry: Mapping[str, Any], key: str, subject: str, default: bool = False) -> bool:
    """A true/false setting; ``"false"`` from a hand-written file must not read as true."""
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise UsageError(f"cannot seed {subject}: {key} must be true or false, not {value!r}")
    return value


# Advanced selectors that log every management and data event: every Insights prerequisite.
_EVERY_EVENT = [
    {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
    {
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        ]
    },
]


def _reset_event_selectors(trail: Trail) -> None:
    """Back to the selectors a new trail has, as if never changed."""
    fresh = Trail(trail.name, trail.home_region, trail.account_id, trail.arn, "")
    trail.event_selectors = fresh.event_selectors
    trail.advanced_event_selectors = fresh.advanced_event_selectors
    trail.has_custom_event_selectors = fresh.has_custom_event_selectors


def seed_trail(backend: Backend, entry: Mapping[str, Any], where: Where) -> Trail:
    """Create one trail with its selectors and logging state; all of it or nothing."""
    create_keys = service_model.members("CreateTrailRequest")
    _check_keys("trail", entry, (*_WHERE, *create_keys, *_TRAIL_EXTRAS))
    call = where.call(backend, entry)
    subject = f"trail {entry.get('Name')!r}"
    created = _run("CreateTrail", call, {k: entry[k] for k in create_keys if k in entry}, subject)
    trail = backend.trail(call.account_id, created["TrailARN"])
    assert trail is not None
    try:
        selectors = {
            k: entry[k] for k in ("EventSelectors", "AdvancedEventSelectors") if k in entry
        }
        if entry.get("InsightSelectors"):
            # As a user reaches it: Insights turned on while every event was logged, the
            # selectors narrowed afterwards (which CloudTrail allows).
            every_event = {"TrailName": trail.arn, "AdvancedEventSelectors": _EVERY_EVENT}
            _run("PutEventSelectors", call, every_event, subject, ours=True)
            insights = {"TrailName": trail.arn, "InsightSelectors": entry["InsightSelectors"]}
            _run("PutInsightSelectors", call, insights, subject)
            if not selectors:
                _reset_event_selectors(trail)
        if selectors:
            _run("PutEventSelectors", call, {"TrailName": trail.arn, **selectors}, subject)
        if _flag(entry, "IsLogging", subject):
            _run("StartLogging", call, {"Name": trail.arn}, subject)
        for key, attribute in (
            ("StartLoggingTime", "start_logging_time"),
            ("StopLoggingTime", "stop_logging_time"),
        ):
            if key in entry:
                setattr(trail, attribute, _timestamp(entry, key, subject))
    except Exception:
        backend.remove_trail(trail)
        raise
    return trail


def seed_stores(
    backend: Backend, entries: list[Mapping[str, Any]], where: Where
) -> list[EventDataStore]:
    """Create event data stores, then their Insights, then their status; all or nothing.

    Insights come after every store exists, so a source may name a destination seeded with
    it; the status comes last, because a store pending deletion takes no more changes.
    """
    create_keys = service_model.members("CreateEventDataStoreRequest")
    created: list[tuple[Mapping[str, Any], Call, EventDataStore]] = []
    try:
        for entry in entries:
            _check_keys("event data store", entry, (*_WHERE, *create_keys, *_STORE_EXTRAS))
            call = where.call(backend, entry)
            subject = f"event data store {entry.get('Name')!r}"
            params = {k: entry[k] for k in create_keys if k in entry}
            result = _run("CreateEventDataStore", call, params, subject)
            store = backend.store(call.account_id, result["EventDataStoreArn"])
            assert store is not None
            created.append((entry, call, store))
            if "EventDataStoreArn" in entry:
                _keep_arn(backend, call, store, entry["EventDataStoreArn"], subject)
        for entry, call, store in created:
            if entry.get("InsightSelectors"):
                insights = {
                    "EventDataStore": store.arn,
                    "InsightSelectors": entry["InsightSelectors"],
                    "InsightsDestination": entry.get("InsightsDestination"),
                }
                params = {key: value for key, value in insights.items() if value is not None}
                _run("PutInsightSelectors", call, params, f"event data store {store.name!r}")
        for entry, call, store in created:
            _set_status(call, store, entry)
    except Exception:
        for _, _, store in created:
            backend.remove_store(store)
        raise
    return [store for _, _, store in created]


def _keep_arn(backend: Backend, call: Call, store: EventDataStore, arn: Any, subject: str) -> None:
    """Give a seeded store the ARN its entry names (snapshots keep ARNs stable)."""
    try:
        valid = isinstance(arn, str) and arn.startswith("arn:") and resolve_store_arn(call, arn)
    except ServiceError:
        valid = False
    if not valid:
        raise UsageError(
            f"cannot seed {subject}: EventDataStoreArn {arn!r} is not an event data store ARN "
            f"of account {call.account_id} in {call.region}"
        )
    if backend.store(call.account_id, arn) is not None:
        raise UsageError(f"cannot seed {subject}: {arn} already exists")
    backend.remove_store(store)
    store.arn = arn
    backend.add_store(store)


def _set_status(call: Call, store: EventDataStore, entry: Mapping[str, Any]) -> None:
    subject = f"event data store {store.name!r}"
    status = entry.get("Status", store.status)
    if status not in _STORE_STATUSES:
        raise UsageError(
            f"cannot seed {subject}: Status must be one of {', '.join(_STORE_STATUSES)}"
        )
    if status == "STOPPED_INGESTION" and store.status != status:
        _run("StopEventDataStoreIngestion", call, {"EventDataStore": store.arn}, subject)
    if status == "ENABLED" and store.status != status:
        _run("StartEventDataStoreIngestion", call, {"EventDataStore": store.arn}, subject)
    if status == "PENDING_DELETION":
        _run("DeleteEventDataStore", call, {"EventDataStore": store.arn}, subject)
    for key, attribute in (("CreatedTimestamp", "created"), ("UpdatedTimestamp", "updated")):
        value = _timestamp(entry, key, subject)
        if value is not None:
            setattr(store, attribute, value)


def set_bucket(backend: Backend, name: object, *, exists: bool, policy_sufficient: bool) -> None:
    """Declare an S3 bucket's condition, as CloudTrail's delivery checks will see it (``name``
    may come from a hand-written state file, so its type is checked)."""
    if not isinstance(name, str) or not name:
        raise UsageError(f"an S3 bucket name must be a non-empty string, not {name!r}")
    subject = f"S3 bucket {name!r}"
    conditions = {"Exists": exists, "PolicySufficient": policy_sufficient}
    backend.buckets[name] = BucketCondition(
        exists=_flag(conditions, "Exists", subject),
        policy_sufficient=_flag(conditions, "PolicySufficient", subject),
    )


def set_key(
    backend: Backend,
    key: object,
    where: Where,
    *,
    exists: bool,
    state: str,
    policy_sufficient: bool,
) -> str:
    """Declare a KMS key's condition; ``key`` is an ARN, key ID or alias. Returns its ARN."""
    if not isinstance(key, str) or not key:
        raise UsageError(f"a KMS key is an ARN, key ID or alias, not {key!r}")
    subject = f"KMS key {key!r}"
    conditions = {"Exists": exists, "PolicySufficient": policy_sufficient}
    exists = _flag(conditions, "Exists", subject)
    policy_sufficient = _flag(conditions, "PolicySufficient", subject)
    states = service_model.enum_values("KeyState", "kms")
    if state not in states:
        raise UsageError(f"{state!r} is not a KMS key state; choose one of: {', '.join(states)}")
    try:
        arn = kms_key_arn(key, where.region, where.account_id)
    except ServiceError as error:
        raise UsageError(f"cannot declare KMS key {key!r}: {error.message}") from None
    backend.keys[arn] = KeyCondition(
        exists=exists, state=state, policy_sufficient=policy_sufficient
    )
    return arn


def set_topic(
    backend: Backend, topic: object, where: Where, *, exists: bool, policy_sufficient: bool
) -> str:
    """Declare an SNS topic's condition; ``topic`` is a name or ARN. Returns its ARN."""
    if not isinstance(topic, str) or not topic:
        raise UsageError(f"an SNS topic is a name or ARN, not {topic!r}")
    subject = f"SNS topic {topic!r}"
    conditions = {"Exists": exists, "PolicySufficient": policy_sufficient}
    try:
        arn = sns_topic_arn(topic, where.region, where.account_id)
    except ServiceError as error:
        raise UsageError(f"cannot declare SNS topic {topic!r}: {error.message}") from None
    backend.topics[arn] = TopicCondition(
        exists=_flag(conditions, "Exists", subject),
        policy_sufficient=_flag(conditions, "PolicySufficient", subject),
    )
    return arn


def set_organization(
    backend: Backend,
    *,
    management_account_id: str,
    member_account_ids: object,
    delegated_administrator_ids: object,
    service_linked_role: bool,
) -> None:
    """Declare the organization; delegated administrators must be members of it."""
    members = _account_list("member_account_ids", member_account_ids)
    administrators = _account_list("delegated_administrator_ids", delegated_administrator_ids)
    flags = {"ServiceLinkedRole": service_linked_role}
    service_linked_role = _flag(flags, "ServiceLinkedRole", "the organization")
    accounts = [management_account_id, *members, *administrators]
    bad = [account for account in accounts if not is_account_id(account)]
    if bad:
        raise UsageError(f"account IDs are 12 digits: {', '.join(map(repr, bad))}")
    backend.organization = Organization(
        management_account_id=management_account_id,
        member_account_ids=list(dict.fromkeys(members)),
        delegated_administrator_ids=list(dict.fromkeys(administrators)),
        service_linked_role=service_linked_role,
    )


def _account_list(label: str, value: object) -> list[Any]:
    """A list of account IDs as given; a lone string would otherwise count as 12 accounts."""
    if not isinstance(value, (list, tuple)):
        raise UsageError(f"{label} must be a list of account IDs, not {value!r}")
    return list(value)
