"""Management events: the CloudTrail calls the mock answered, recorded as CloudTrail records them.

Every answered call becomes an event in its account and region, with the record fields of the
CloudTrail user guide ("CloudTrail record contents"): ``eventName``, ``eventSource``,
``requestParameters`` and ``responseElements`` in CloudTrail's lower-camel-case, ``readOnly``,
a ``userIdentity`` of the calling account, and ``errorCode``/``errorMessage`` when the call
failed. The read-side operations themselves (LookupEvents, ListInsights*) are not recorded, so
looking does not change what is seen; docs/behaviour.md gives the reasons.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from .event_log import Event, Record

EVENT_SOURCE = "cloudtrail.amazonaws.com"
NOT_RECORDED = frozenset({"LookupEvents", "ListInsightsData", "ListInsightsMetricData"})
_READ_PREFIXES = ("Get", "List", "Describe", "Lookup")
USERNAME = "mock-insights"
_RESOURCE_PARAMS = (
    ("Name", "AWS::CloudTrail::Trail"),
    ("TrailName", "AWS::CloudTrail::Trail"),
    ("ResourceId", "AWS::CloudTrail::Trail"),
    ("EventDataStore", "AWS::CloudTrail::EventDataStore"),
    ("S3BucketName", "AWS::S3::Bucket"),
)


def camel(value: Any) -> Any:
    """CloudTrail's spelling of request and response members: ``TrailName`` -> ``trailName``."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def user_identity(account_id: str, access_key_id: str) -> Record:
    """Who the mock's calls come from: an IAM user of the calling account, with its key."""
    return {
        "type": "IAMUser",
        "principalId": f"AIDA{account_id}",
        "arn": f"arn:aws:iam::{account_id}:user/{USERNAME}",
        "accountId": account_id,
        "accessKeyId": access_key_id,
        "userName": USERNAME,
    }


def _resources(operation: str, params: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for param, resource_type in _RESOURCE_PARAMS:
        value = params.get(param)
        if isinstance(value, str) and value:
            if param == "ResourceId" and ":eventdatastore/" in value:
                resource_type = "AWS::CloudTrail::EventDataStore"
            if operation.endswith("EventDataStore") and param == "Name":
                resource_type = "AWS::CloudTrail::EventDataStore"
            found.append({"ResourceType": resource_type, "ResourceName": value})
    return found


def _build(event: Event) -> tuple[Record, list[dict[str, str]]]:
    operation, params, region, account_id, response, error_code, error_message = event.details
    key = event.access_key_id or account_id
    read_only = bool(event.read_only)
    record: Record = {
        "eventVersion": "1.11",
        "userIdentity": user_identity(account_id, key),
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(event.time)),
        "eventSource": EVENT_SOURCE,
        "eventName": operation,
        "awsRegion": region,
        "sourceIPAddress": "127.0.0.1",
        "userAgent": "mock_insights",
        "requestParameters": camel(params) or None,
        "responseElements": None if read_only or response is None else camel(response) or None,
        "requestID": str(uuid.uuid4()),
        "eventID": event.event_id,
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account_id,
        "eventCategory": "Management",
    }
    if error_code is not None:
        record["errorCode"] = error_code
        record["errorMessage"] = error_message or ""
    return record, _resources(operation, params)


def api_call_event(
    operation: str,
    params: dict[str, Any],
    region: str,
    account_id: str,
    *,
    response: dict[str, Any] | None,
    error_code: str | None,
    error_message: str | None,
    access_key_id: str | None = None,
    now: float | None = None,
) -> Event:
    """The management event for one answered CloudTrail call; its record is built when read."""
    return Event(
        time=time.time() if now is None else now,
        event_name=operation,
        event_source=EVENT_SOURCE,
        read_only=operation.startswith(_READ_PREFIXES),
        username=USERNAME,
        access_key_id=access_key_id or account_id,
        details=(operation, params, region, account_id, response, error_code, error_message),
        build=_build,
    )
