"""Trail operations: create, read, update, delete, logging and event selectors."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import replace
from typing import Any

from mock_insights.errors import ServiceError

from . import advanced_selectors, event_selectors, service_model, tags
from .call import Call, Handler, Params, given
from .delivery import check_delivery, kms_key_arn, sns_topic_arn
from .names import check_trail_name, resolve_trail, trail_arn
from .organizations import check_organization_request, owner_of_new
from .state import Trail
from .trail_lookup import find_trail

MAX_TRAILS_PER_REGION = 5
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_LOG_GROUP_ARN = re.compile(
    r"arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[A-Za-z0-9_/.#-]{1,512}:\*"
)
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}")

# --- settings shared by CreateTrail and UpdateTrail -----------------------------------------

_PLAIN_SETTINGS = {
    "IncludeGlobalServiceEvents": "include_global_service_events",
    "IsMultiRegionTrail": "is_multi_region",
    "EnableLogFileValidation": "log_file_validation",
    "RecursiveLogging": "recursive_logging",
}


def _check_bucket_name(name: str) -> None:
    if not _BUCKET_NAME.fullmatch(name) or ".." in name or _IP_ADDRESS.fullmatch(name):
        raise ServiceError("InvalidS3BucketNameException", f"Bucket name is not valid: {name}")


def _settings(params: Params, call: Call) -> dict[str, Any]:
    """Validate the optional trail settings given, as Trail field values."""
    settings: dict[str, Any] = {}
    if "S3BucketName" in params:
        _check_bucket_name(params["S3BucketName"])
        settings["s3_bucket_name"] = params["S3BucketName"]
    if "S3KeyPrefix" in params:
        prefix = params["S3KeyPrefix"]
        if len(prefix) > 200:
            raise ServiceError(
                "InvalidS3PrefixException", "S3 key prefix must be at most 200 characters."
            )
        settings["s3_key_prefix"] = prefix or None
    if "SnsTopicName" in params:
        settings["sns_topic_arn"] = (
            sns_topic_arn(params["SnsTopicName"], call.region, call.account_id)
            if params["SnsTopicName"]
            else None
        )
    if "KmsKeyId" in params:
        settings["kms_key_id"] = (
            kms_key_arn(params["KmsKeyId"], call.region, call.account_id)
            if params["KmsKeyId"]
            else None
        )
    settings.update(_cloud_watch_logs(params))
    settings.update(given(params, _PLAIN_SETTINGS))
    if "IsOrganizationTrail" in params:
        check_organization_request(call, params["IsOrganizationTrail"])
        settings["is_organization_trail"] = params["IsOrganizationTrail"]
    return settings


# (parameter, Trail attribute, ARN form, error code, what the ARN names)
_CLOUD_WATCH_LOGS_ARNS = (
    (
        "CloudWatchLogsLogGroupArn",
        "cloud_watch_logs_log_group_arn",
        _LOG_GROUP_ARN,
        "InvalidCloudWatchLogsLogGroupArnException",
        "log group",
    ),
    (
        "CloudWatchLogsRoleArn",
        "cloud_watch_logs_role_arn",
        _ROLE_ARN,
        "InvalidCloudWatchLogsRoleArnException",
        "role",
    ),
)


def _cloud_watch_logs(params: Params) -> dict[str, str | None]:
    """The log group and role given (an empty string clears one), their ARNs checked."""
    settings: dict[str, str | None] = {}
    for param, attribute, form, code, label in _CLOUD_WATCH_LOGS_ARNS:
        value = params.get(param)
        if value is None:
            continue
        if value and not form.fullmatch(value):
            raise ServiceError(code, f"CloudWatch Logs {label} ARN {value} is not valid.")
        settings[attribute] = value or None
    return settings


def _check_cloud_watch_logs_pair(group: str | None, role: str | None) -> None:
    """A log group needs a role to deliver with, and a role is no use without a log group."""
    if group and not role:
        raise ServiceError(
            "InvalidCloudWatchLogsRoleArnException",
            "You must specify a role ARN as well as a log group.",
        )
    if role and not group:
        raise ServiceError(
            "InvalidCloudWatchLogsLogGroupArnException",
            "You must specify a log group as well as a role ARN.",
        )


def _check_multi_region_global(is_multi_region: bool, include_global: bool) -> None:
    if is_multi_region and not include_global:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "Multi-Region trail must include global service events.",
        )


# --- output shapes ---------------------------------------------------------------------------


def _settings_view(trail: Trail) -> Params:
    """The members CreateTrail/UpdateTrail return; optional ones only when set."""
    out: Params = {"Name": trail.name, "S3BucketName": trail.s3_bucket_name}
    if trail.s3_key_prefix is not None:
        out["S3KeyPrefix"] = trail.s3_key_prefix
    if trail.sns_topic_arn is not None:
        out["SnsTopicName"] = trail.sns_topic_arn.rsplit(":", 1)[-1]
        out["SnsTopicARN"] = trail.sns_topic_arn
    out["IncludeGlobalServiceEvents"] = trail.include_global_service_events
    out["IsMultiRegionTrail"] = trail.is_multi_region
    out["TrailARN"] = trail.arn
    out["LogFileValidationEnabled"] = trail.log_file_validation
    for key, value in (
        ("CloudWatchLogsLogGroupArn", trail.cloud_watch_logs_log_group_arn),
        ("CloudWatchLogsRoleArn", trail.cloud_watch_logs_role_arn),
        ("KmsKeyId", trail.kms_key_id),
    ):
        if value is not None:
            out[key] = value
    out["IsOrganizationTrail"] = trail.is_organization_trail
    if service_model.has_member("Trail", "RecursiveLogging"):
        out["RecursiveLogging"] = trail.recursive_logging
    return out


def trail_view(trail: Trail) -> Params:
    """The ``Trail`` shape of GetTrail and DescribeTrails; shadows show the home trail."""
    out = _settings_view(trail)
    out["HomeRegion"] = trail.home_region
    out["HasCustomEventSelectors"] = trail.has_custom_event_selectors
    out["HasInsightSelectors"] = bool(trail.insight_selectors)
    return out


def _selectors_view(trail: Trail) -> Params:
    out: Params = {"TrailARN": trail.arn}
    if trail.advanced_event_selectors is not None:
        out["AdvancedEventSelectors"] = trail.advanced_event_selectors
    else:
        out["EventSelectors"] = trail.event_selectors
    return out


# --- handlers --------------------------------------------------------------------------------


def _check_name_free(call: Call, name: str, multi_region: bool) -> None:
    for trail in call.backend.trails_of(call.account_id):
        clash = trail.visible_in(call.account_id, call.region) or multi_region
        if trail.name == name and clash:
            raise ServiceError(
                "TrailAlreadyExistsException",
                f"Trail {name} already exists for customer: {call.account_id}",
            )


def _check_trail_quota(call: Call, multi_region: bool) -> None:
    """Five trails per region, a multi-region trail counting in every region: one pass over
    the account's trails, however many regions they sit in."""
    trails = call.backend.trails_of(call.account_id)
    everywhere = sum(trail.is_multi_region for trail in trails)
    at_home = Counter(trail.home_region for trail in trails if not trail.is_multi_region)
    regions = dict.fromkeys([call.region, *(at_home if multi_region else ())])
    for region in regions:
        if at_home[region] + everywhere >= MAX_TRAILS_PER_REGION:
            raise ServiceError(
                "MaximumNumberOfTrailsExceededException",
                f"User: {call.account_id} already has {MAX_TRAILS_PER_REGION} trails in {region}.",
            )


def create_trail(call: Call, params: Params) -> Params:
    name = params["Name"]
    check_trail_name(name)
    settings = _settings(params, call)
    # An organization trail made by a delegated administrator belongs to the management account.
    call = replace(
        call, account_id=owner_of_new(call, settings.get("is_organization_trail", False))
    )
    multi_region = settings.get("is_multi_region", False)
    _check_multi_region_global(multi_region, settings.get("include_global_service_events", True))
    _check_cloud_watch_logs_pair(
        settings.get("cloud_watch_logs_log_group_arn"), settings.get("cloud_watch_logs_role_arn")
    )
    _check_name_free(call, name, multi_region)
    _check_trail_quota(call, multi_region)
    check_delivery(
        call.backend,
        settings["s3_bucket_name"],
        settings.get("kms_key_id"),
        missing_key_code="KmsKeyNotFoundException",
        topic_arn=settings.get("sns_topic_arn"),
    )
    arn = trail_arn(call.region, call.account_id, name)
    trail = Trail(
        name=name,
        home_region=call.region,
        account_id=call.account_id,
        arn=arn,
        tags=tags.initial(params.get("TagsList"), arn),
        **settings,
    )
    call.backend.add_trail(trail)
    return _settings_view(trail)


def update_trail(call: Call, params: Params) -> Params:
    trail = find_trail(call, params["Name"], write=True)
    settings = _settings(params, call)
    _check_multi_region_global(
        settings.get("is_multi_region", trail.is_multi_region),
        settings.get("include_global_service_events", trail.include_global_service_events),
    )
    _check_cloud_watch_logs_pair(
        settings.get("cloud_watch_logs_log_group_arn", trail.cloud_watch_logs_log_group_arn),
        settings.get("cloud_watch_logs_role_arn", trail.cloud_watch_logs_role_arn),
    )
    check_delivery(  # only what the request sets: an untouched bucket or key is not rechecked
        call.backend,
        settings.get("s3_bucket_name", trail.s3_bucket_name),
        settings.get("kms_key_id"),
        missing_key_code="KmsKeyNotFoundException",
        bucket_given="s3_bucket_name" in settings,
        topic_arn=settings.get("sns_topic_arn"),
    )
    for attribute, value in settings.items():
        setattr(trail, attribute, value)
    return _settings_view(trail)


def get_trail(call: Call, params: Params) -> Params:
    trail = find_trail(
        call, params["Name"], write=False, bare_name_message=True, members_may_read=True
    )
    return {"Trail": trail_view(trail)}


def describe_trails(call: Call, params: Params) -> Params:
    include_shadows = params.get("includeShadowTrails", True)
    visible = [
        trail
        for trail in call.backend.visible_trails(call.account_id, call.region)
        if include_shadows or trail.home_region == call.region
    ]
    requested = params.get("trailNameList")
    if requested:
        wanted = {resolve_trail(entry, call.region, call.account_id).arn for entry in requested}
        visible = [trail for trail in visible if trail.arn in wanted]
    return {"trailList": [trail_view(trail) for trail in visible]}


def list_trails(call: Call, params: Params) -> Params:
    trails = call.backend.visible_trails(call.account_id, call.region)
    return {
        "Trails": [{"TrailARN": t.arn, "Name": t.name, "HomeRegion": t.home_region} for t in trails]
    }


def delete_trail(call: Call, params: Params) -> Params:
    call.backend.remove_trail(find_trail(call, params["Name"], write=True))
    return {}


def get_trail_status(call: Call, params: Params) -> Params:
    trail = find_trail(call, params["Name"], write=False, members_may_read=True)
    return trail_status(trail)


def trail_status(trail: Trail) -> Params:
    """GetTrailStatus as real CloudTrail answers it.

    The string members the model calls "no longer in use" are still answered, as ISO-8601
    times or ``""``. The mock's trails deliver once, when logging starts: to S3 (and digest
    files with log file validation, CloudWatch Logs with a log group, a notification with an
    SNS topic), so the delivery members appear once a trail has ever logged.
    """
    started, stopped = trail.start_logging_time, trail.stop_logging_time
    delivered = _iso(started) if started is not None else ""
    notified = delivered if trail.sns_topic_arn else ""
    out: Params = {
        "IsLogging": trail.is_logging,
        "LatestDeliveryAttemptTime": delivered,
        "LatestNotificationAttemptTime": notified,
        "LatestNotificationAttemptSucceeded": notified,
        "LatestDeliveryAttemptSucceeded": delivered,
        "TimeLoggingStarted": delivered,
        "TimeLoggingStopped": _iso(stopped) if stopped is not None else "",
    }
    if started is not None:
        out["StartLoggingTime"] = started
        out["LatestDeliveryTime"] = started
        if trail.log_file_validation:
            out["LatestDigestDeliveryTime"] = started
        if trail.cloud_watch_logs_log_group_arn:
            out["LatestCloudWatchLogsDeliveryTime"] = started
        if trail.sns_topic_arn:
            out["LatestNotificationTime"] = started
    if stopped is not None:
        out["StopLoggingTime"] = stopped
    return out


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def start_logging(call: Call, params: Params) -> Params:
    trail = find_trail(call, params["Name"], write=True)
    trail.is_logging = True
    trail.start_logging_time = time.time()
    return {}


def stop_logging(call: Call, params: Params) -> Params:
    trail = find_trail(call, params["Name"], write=True)
    trail.is_logging = False
    trail.stop_logging_time = time.time()
    return {}


def put_event_selectors(call: Call, params: Params) -> Params:
    basic, advanced = params.get("EventSelectors"), params.get("AdvancedEventSelectors")
    if (basic is None) == (advanced is None):
        raise ServiceError(
            "InvalidParameterCombinationException",
            "You must specify either EventSelectors or AdvancedEventSelectors, but not both.",
        )
    trail = find_trail(call, params["TrailName"], write=True)
    if basic is not None:
        trail.event_selectors = event_selectors.normalize_basic(basic)
        trail.advanced_event_selectors = None
    elif advanced is not None:
        trail.advanced_event_selectors = advanced_selectors.validate(advanced, "trail")
        trail.event_selectors = None
    trail.has_custom_event_selectors = True
    return _selectors_view(trail)


def get_event_selectors(call: Call, params: Params) -> Params:
    return _selectors_view(find_trail(call, params["TrailName"], write=False))


HANDLERS: dict[str, Handler] = {
    "CreateTrail": create_trail,
    "GetTrail": get_trail,
    "DescribeTrails": describe_trails,
    "ListTrails": list_trails,
    "UpdateTrail": update_trail,
    "DeleteTrail": delete_trail,
    "GetTrailStatus": get_trail_status,
    "StartLogging": start_logging,
    "StopLogging": stop_logging,
    "PutEventSelectors": put_event_selectors,
    "GetEventSelectors": get_event_selectors,
}
