"""Snapshots: the whole state as plain JSON-compatible data, and back.

A snapshot lists seed entries (see ``_seed``), so a state file can be written by hand as well
as saved from a test. Restoring replays the entries through the API's handlers into fresh
state and swaps it in only if every entry is valid; restoring what a snapshot gave back
reproduces every API answer, ARNs and timestamps included.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mock_insights._cloudtrail.state import Backend, EventDataStore, Trail, copy_json
from mock_insights._cloudtrail.store_ops import store_view
from mock_insights.errors import UsageError

from . import insight_entries, restore_cache
from .restore_cache import gc_paused
from .seed import (
    Where,
    seed_stores,
    seed_trail,
    set_bucket,
    set_key,
    set_organization,
    set_topic,
)

FORMAT = "mock_insights/1"
Source = Mapping[str, Any] | str | os.PathLike[str]
_SECTIONS = (
    "format",
    "organization",
    "trails",
    "event_data_stores",
    "s3_buckets",
    "sns_topics",
    "kms_keys",
    "insights",
)
_ORGANIZATION_KEYS = (
    ("ManagementAccountId", "management_account_id"),
    ("MemberAccountIds", "member_account_ids"),
    ("DelegatedAdministratorIds", "delegated_administrator_ids"),
    ("ServiceLinkedRole", "service_linked_role"),
)
_TRAIL_SETTINGS = (
    ("S3KeyPrefix", "s3_key_prefix"),
    ("SnsTopicName", "sns_topic_arn"),
    ("CloudWatchLogsLogGroupArn", "cloud_watch_logs_log_group_arn"),
    ("CloudWatchLogsRoleArn", "cloud_watch_logs_role_arn"),
    ("KmsKeyId", "kms_key_id"),
    ("StartLoggingTime", "start_logging_time"),
    ("StopLoggingTime", "stop_logging_time"),
)


def _trail_entry(trail: Trail) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "AccountId": trail.account_id,
        "Region": trail.home_region,
        "Name": trail.name,
        "S3BucketName": trail.s3_bucket_name,
        "IncludeGlobalServiceEvents": trail.include_global_service_events,
        "IsMultiRegionTrail": trail.is_multi_region,
        "EnableLogFileValidation": trail.log_file_validation,
        "IsOrganizationTrail": trail.is_organization_trail,
    }
    for key, attribute in _TRAIL_SETTINGS:
        value = getattr(trail, attribute)
        if value is not None:
            entry[key] = value
    if not trail.recursive_logging:  # only models with the member can store False
        entry["RecursiveLogging"] = False
    if trail.tags:
        entry["TagsList"] = copy_json(trail.tags)
    if trail.has_custom_event_selectors:
        if trail.advanced_event_selectors is not None:
            entry["AdvancedEventSelectors"] = copy_json(trail.advanced_event_selectors)
        else:
            entry["EventSelectors"] = copy_json(trail.event_selectors)
    if trail.insight_selectors:
        entry["InsightSelectors"] = copy_json(trail.insight_selectors)
    entry["IsLogging"] = trail.is_logging
    return entry


def _store_entry(store: EventDataStore) -> dict[str, Any]:
    """GetEventDataStore's answer, which is CreateEventDataStore's input plus the ARN, status
    and timestamps, with what the answer leaves out."""
    entry: dict[str, Any] = {"AccountId": store.account_id, "Region": store.region}
    entry.update(store_view(store))
    if store.tags:
        entry["TagsList"] = store.tags
    if store.insight_selectors:
        entry["InsightSelectors"] = store.insight_selectors
        entry["InsightsDestination"] = store.insights_destination
    copied: dict[str, Any] = copy_json(entry)
    return copied


def snapshot(backend: Backend) -> dict[str, Any]:
    """The whole state as JSON-compatible data, sharing nothing with the state (later calls do
    not change it): entries are built fresh, and only the lists and maps they take from the
    state are copied."""
    with backend.lock, gc_paused():
        org = backend.organization
        data: dict[str, Any] = {"format": FORMAT}
        if org is not None:
            data["organization"] = {
                key: copy_json(getattr(org, name)) for key, name in _ORGANIZATION_KEYS
            }
        data |= {
            "trails": [_trail_entry(trail) for trail in backend.all_trails()],
            "event_data_stores": [_store_entry(store) for store in backend.all_stores()],
            "s3_buckets": [
                {"Name": name, "Exists": c.exists, "PolicySufficient": c.policy_sufficient}
                for name, c in backend.buckets.items()
            ],
            "sns_topics": [
                {"TopicArn": arn, "Exists": c.exists, "PolicySufficient": c.policy_sufficient}
                for arn, c in backend.topics.items()
            ],
            "kms_keys": [
                {
                    "KeyId": arn,
                    "Exists": c.exists,
                    "KeyState": c.state,
                    "PolicySufficient": c.policy_sufficient,
                }
                for arn, c in backend.keys.items()
            ],
            "insights": [copy_json(insight_entries.entry(insight)) for insight in backend.insights],
        }
        return data


def _section(data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    section = data.get(name, [])
    if not isinstance(section, list):
        raise UsageError(f"snapshot section {name!r} must be a list")
    return section


def load(backend: Backend, data: Mapping[str, Any], where: Where) -> Backend:
    """A new state holding a snapshot's entries (for ``backend``'s outside conditions);
    ``UsageError`` on any invalid entry."""
    if not isinstance(data, Mapping):
        raise UsageError(f"a snapshot must be a mapping, not {type(data).__name__}")
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown or data.get("format", FORMAT) != FORMAT:
        raise UsageError(
            f"not a {FORMAT} snapshot: unexpected {', '.join(unknown) or data.get('format')!r}"
        )
    fresh = Backend(backend.external)
    if data.get("organization") is not None:
        organization = data["organization"]
        _check_entry("organization", organization, tuple(key for key, _ in _ORGANIZATION_KEYS))
        where_default = {"ManagementAccountId": where.account_id}
        options = {**where_default, **organization}
        set_organization(
            fresh,
            management_account_id=options["ManagementAccountId"],
            member_account_ids=options.get("MemberAccountIds", []),
            delegated_administrator_ids=options.get("DelegatedAdministratorIds", []),
            service_linked_role=options.get("ServiceLinkedRole", True),
        )
    for entry in _section(data, "trails"):
        seed_trail(fresh, copy_json(entry), where)
    seed_stores(fresh, copy_json(_section(data, "event_data_stores")), where)
    # Conditions last: a bucket declared missing later does not undo Insights enabled before.
    for bucket in _section(data, "s3_buckets"):
        _check_entry("s3_buckets", bucket, ("Name", "Exists", "PolicySufficient"))
        set_bucket(
            fresh,
            bucket.get("Name", ""),
            exists=bucket.get("Exists", True),
            policy_sufficient=bucket.get("PolicySufficient", True),
        )
    for topic in _section(data, "sns_topics"):
        _check_entry("sns_topics", topic, ("TopicArn", "Exists", "PolicySufficient"))
        set_topic(
            fresh,
            topic.get("TopicArn", ""),
            where,
            exists=topic.get("Exists", True),
            policy_sufficient=topic.get("PolicySufficient", True),
        )
    for key in _section(data, "kms_keys"):
        _check_entry("kms_keys", key, ("KeyId", "Exists", "KeyState", "PolicySufficient"))
        set_key(
            fresh,
            key.get("KeyId", ""),
            where,
            exists=key.get("Exists", True),
            state=key.get("KeyState", "Enabled"),
            policy_sufficient=key.get("PolicySufficient", True),
        )
    insight_entries.load(fresh, copy_json(_section(data, "insights")))
    return fresh


def _check_entry(section: str, entry: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(entry, Mapping) or not set(entry) <= set(allowed):
        raise UsageError(f"each {section} entry must be a mapping with keys {', '.join(allowed)}")


def restore(backend: Backend, source: Source, where: Where) -> None:
    """Replace the state with a snapshot given as data or as the path of a JSON state file.

    Every problem is a ``UsageError`` that names the file and what is wrong with it, never a
    raw ``JSONDecodeError`` or ``KeyError`` from deep inside the loader. On any problem the
    state is left as it was. A source restored before is not validated again (see
    ``restore_cache``).
    """
    external = backend.external
    cacheable = external is None or not external.answers()
    if isinstance(source, (str, os.PathLike)):
        path = _state_path(source)
        key = restore_cache.file_key(path, where.region, where.account_id) if cacheable else None
        fresh = None if key is None else restore_cache.recall(key)
        if fresh is None:
            data = read_state_file(path)
            fresh = _load_checked(backend, data, where, f"state file {_shown(path)}")
            if key is not None and _loads_the_same_every_time(data):
                restore_cache.remember(key, None, fresh)
    else:
        key = restore_cache.data_key(where.region, where.account_id) if cacheable else None
        fresh = None if key is None else restore_cache.recall(key, source)
        if fresh is None:
            fresh = _load_checked(backend, source, where, None)
            if key is not None and _loads_the_same_every_time(source):
                restore_cache.remember(key, source, fresh)
    with backend.lock:
        backend.replace_with(fresh)


def _loads_the_same_every_time(data: Mapping[str, Any]) -> bool:
    """Whether no entry leaves a time or an ID for the load to stamp (a logging trail without
    ``StartLoggingTime``, a store without its ARN or timestamps, an Insight without its event
    IDs): only then may a later restore take the state this one produced. Snapshots name
    them all."""
    return (
        all(
            not trail.get("IsLogging") or "StartLoggingTime" in trail
            for trail in data.get("trails", [])
        )
        and all(set(store) >= _STORE_STAMPS for store in data.get("event_data_stores", []))
        and all(set(insight) >= _INSIGHT_IDS for insight in data.get("insights", []))
    )


_STORE_STAMPS = frozenset({"EventDataStoreArn", "CreatedTimestamp", "UpdatedTimestamp"})
_INSIGHT_IDS = frozenset({"SharedEventID", "StartEventID", "EndEventID"})


def _load_checked(backend: Backend, data: Any, where: Where, origin: str | None) -> Backend:
    """``load``, with every error naming the file the snapshot came from, if any."""
    try:
        return load(backend, data, where)
    except UsageError as error:
        if origin is None:
            raise
        raise UsageError(f"{origin}: {error}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as error:  # a shape load missed
        raise UsageError(
            f"{origin or 'the data'} is not a valid {FORMAT} snapshot: {error!r}"
        ) from error
    except RecursionError:
        raise UsageError(f"{origin or 'the data'} is nested too deeply to be a snapshot") from None


def _state_path(source: str | os.PathLike[str]) -> Path:
    """The path ``restore`` was given; JSON text in its place is the likeliest mix-up."""
    if isinstance(source, str) and source.lstrip().startswith(("{", "[")):
        raise UsageError(
            "restore() takes a snapshot (a dict) or the path of a state file, and was given "
            "JSON text: pass json.loads(text) instead."
        )
    if isinstance(source, str) and not source.strip():
        raise UsageError("restore() was given an empty string instead of a state file's path")
    return Path(source)


def _shown(path: Path, limit: int = 300) -> str:
    """The path for a message, cut short if it is really a long text passed by mistake."""
    text = str(path)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def read_state_file(path: Path) -> Any:
    """The JSON a state file holds; what is wrong with it otherwise, naming the file."""
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        looks_like_json = any(part.lstrip().startswith(("{", "[")) for part in path.parts)
        hint = " It looks like JSON text: pass json.loads(text) instead." if looks_like_json else ""
        where_from = "" if path.is_absolute() else f" (looked for {_shown(path.absolute())})"
        raise UsageError(f"state file {shown} does not exist{where_from}.{hint}") from None
    except IsADirectoryError:
        raise UsageError(f"state file {shown} is a directory, not a JSON file") from None
    except UnicodeDecodeError as error:
        raise UsageError(
            f"state file {shown} is not UTF-8 text (byte {error.start}): is it a JSON file?"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot read state file {shown}: {error.strerror or error}") from None
    if not text.strip():
        raise UsageError(f"state file {shown} is empty; an empty state is {{}}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"state file {shown} is not valid JSON (truncated?): {error.msg} "
            f"(line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise UsageError(f"state file {shown} is nested too deeply to be a snapshot") from None
