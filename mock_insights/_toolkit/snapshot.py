"""Snapshots: the whole state as plain JSON-compatible data, and back.

A snapshot lists seed entries (see ``_seed``), so a state file can be written by hand as well
as saved from a test. Restoring replays the entries through the API's handlers into fresh
state and swaps it in only if every entry is valid; restoring what a snapshot gave back
reproduces every API answer, ARNs and timestamps included.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from mock_insights._cloudtrail.state import Backend, EventDataStore, Trail
from mock_insights._cloudtrail.store_ops import store_view
from mock_insights.errors import UsageError

from .seed import Where, seed_stores, seed_trail, set_bucket, set_key, set_organization

FORMAT = "mock_insights/1"
_SECTIONS = ("format", "organization", "trails", "event_data_stores", "s3_buckets", "kms_keys")
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
    if trail.tags:
        entry["TagsList"] = trail.tags
    if trail.has_custom_event_selectors:
        if trail.advanced_event_selectors is not None:
            entry["AdvancedEventSelectors"] = trail.advanced_event_selectors
        else:
            entry["EventSelectors"] = trail.event_selectors
    if trail.insight_selectors:
        entry["InsightSelectors"] = trail.insight_selectors
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
    return entry


def snapshot(backend: Backend) -> dict[str, Any]:
    """The whole state as JSON-compatible data (a deep copy: later calls do not change it)."""
    with backend.lock:
        org = backend.organization
        data: dict[str, Any] = {"format": FORMAT}
        if org is not None:
            data["organization"] = {key: getattr(org, name) for key, name in _ORGANIZATION_KEYS}
        data |= {
            "trails": [_trail_entry(trail) for trail in backend.all_trails()],
            "event_data_stores": [_store_entry(store) for store in backend.all_stores()],
            "s3_buckets": [
                {"Name": name, "Exists": c.exists, "PolicySufficient": c.policy_sufficient}
                for name, c in backend.buckets.items()
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
        }
        return copy.deepcopy(data)


def _section(data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    section = data.get(name, [])
    if not isinstance(section, list):
        raise UsageError(f"snapshot section {name!r} must be a list")
    return section


def load(backend: Backend, data: Mapping[str, Any], where: Where) -> None:
    """Replace the whole state with a snapshot's; on any invalid entry, change nothing."""
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
        seed_trail(fresh, copy.deepcopy(entry), where)
    seed_stores(fresh, copy.deepcopy(_section(data, "event_data_stores")), where)
    # Conditions last: a bucket declared missing later does not undo Insights enabled before.
    for bucket in _section(data, "s3_buckets"):
        _check_entry("s3_buckets", bucket, ("Name", "Exists", "PolicySufficient"))
        set_bucket(
            fresh,
            bucket.get("Name", ""),
            exists=bucket.get("Exists", True),
            policy_sufficient=bucket.get("PolicySufficient", True),
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
    with backend.lock:
        backend.replace_with(fresh)


def _check_entry(section: str, entry: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(entry, Mapping) or not set(entry) <= set(allowed):
        raise UsageError(f"each {section} entry must be a mapping with keys {', '.join(allowed)}")
