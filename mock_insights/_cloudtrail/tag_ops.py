"""AddTags, RemoveTags and ListTags on trails and event data stores.

The tag operations name resources by ARN only and answer only for resources of the caller's
region and account (or the organization trails and stores it administers): a multi-region
trail's tags are read and changed in its home region. docs/behaviour.md gives the source or
the reason for each rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mock_insights.errors import ServiceError

from . import tags
from .call import Call, Handler, Params
from .names import check_trail_name
from .organizations import access_to, check_write
from .state import EventDataStore, Trail
from .store_lookup import find_store

MAX_LISTED_RESOURCES = 20
_CLOUDTRAIL_ARN = re.compile(
    r"arn:aws[a-z-]*:cloudtrail:(?P<region>[a-z0-9-]*):(?P<account>[^:]*):(?P<type>[a-z]+)/(?P<id>.*)"
)
_ACCOUNT_ID = re.compile(r"\d{12}")
_ARN_CODES = {
    "trail": "CloudTrailARNInvalidException",
    "eventdatastore": "EventDataStoreARNInvalidException",
    "channel": "ChannelARNInvalidException",
}


@dataclass(frozen=True, slots=True)
class Tagged:
    """A resource a tag operation acts on, and the account that owns it."""

    resource: Trail | EventDataStore
    owner: str


def _region_wrong(call: Call, code: str) -> ServiceError:
    return ServiceError(
        code, f"Region in ARN is wrong, you can only access resources in region {call.region}."
    )


def _account_wrong(call: Call, code: str) -> ServiceError:
    return ServiceError(
        code,
        "AccountID in ARN is wrong, you can only access resources with AccountID "
        f"{call.account_id}.",
    )


def _not_found(arn: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Resource not found: {arn}")


def _find_trail(call: Call, arn: str, account: str, name: str) -> Tagged:
    check_trail_name(name)
    trail = call.backend.trail(account, arn)
    if account != call.account_id:
        administers = (
            trail is not None
            and trail.is_organization_trail
            and access_to(call, account) == "administrator"
        )
        if not administers:
            raise _account_wrong(call, "CloudTrailARNInvalidException")
    if trail is None:
        raise _not_found(arn)
    return Tagged(trail, account)


def _find_store(call: Call, arn: str, operation: str) -> Tagged:
    store = find_store(call, arn, include_pending=True)
    if store.status == "PENDING_DELETION":
        raise ServiceError(
            "InactiveEventDataStoreException",
            f"Event data store {store.arn} is pending deletion; {operation} needs an active one.",
        )
    return Tagged(store, store.account_id)


def find_tagged(call: Call, resource_id: str, operation: str) -> Tagged:
    """The trail or event data store ``resource_id`` names, with CloudTrail's ARN errors."""
    match = _CLOUDTRAIL_ARN.fullmatch(resource_id)
    if match is None:
        if resource_id.startswith("arn:") and ":cloudtrail:" not in resource_id:
            raise ServiceError(
                "ResourceTypeNotSupportedException",
                f"Resource type not supported: {resource_id}. Tags can be added to trails, "
                "event data stores, dashboards and channels.",
            )
        raise ServiceError("CloudTrailARNInvalidException", f"Invalid trail ARN: {resource_id}")
    kind = match["type"]
    code = _ARN_CODES.get(kind, "CloudTrailARNInvalidException")
    if not _ACCOUNT_ID.fullmatch(match["account"]) or not match["id"]:
        raise ServiceError(code, f"Invalid ARN: {resource_id}")
    if match["region"] != call.region:
        raise _region_wrong(call, code)
    if kind == "trail":
        return _find_trail(call, resource_id, match["account"], match["id"])
    if kind == "eventdatastore":
        return _find_store(call, resource_id, operation)
    if kind == "channel":
        # The mock implements no channel operations, so no channel can exist. ListTags does
        # not model ChannelNotFoundException; its ResourceNotFoundException says the same.
        if operation == "ListTags":
            raise _not_found(resource_id)
        raise ServiceError("ChannelNotFoundException", f"Channel {resource_id} was not found.")
    if kind == "dashboard":
        raise _not_found(resource_id)
    raise ServiceError("ResourceTypeNotSupportedException", f"Resource type not supported: {kind}")


def _writable(call: Call, operation: str, resource_id: str) -> Trail | EventDataStore:
    tagged = find_tagged(call, resource_id, operation)
    organization_resource = (
        tagged.resource.is_organization_trail
        if isinstance(tagged.resource, Trail)
        else tagged.resource.organization_enabled
    )
    check_write(call, access_to(call, tagged.owner), organization_resource)
    return tagged.resource


def add_tags(call: Call, params: Params) -> Params:
    resource = _writable(call, "AddTags", params["ResourceId"])
    resource.tags = tags.merged(resource.tags, params["TagsList"], resource.arn)
    return {}


def remove_tags(call: Call, params: Params) -> Params:
    resource = _writable(call, "RemoveTags", params["ResourceId"])
    resource.tags = tags.without(resource.tags, params["TagsList"])
    return {}


def list_tags(call: Call, params: Params) -> Params:
    if params.get("NextToken") is not None:
        # The token is "reserved for future use": the mock never hands one out.
        raise ServiceError(
            "InvalidTokenException", "Reserved parameter NextToken is not valid: none was issued."
        )
    resource_ids = params["ResourceIdList"]
    if len(resource_ids) > MAX_LISTED_RESOURCES:
        raise ServiceError(
            "InvalidParameterException",
            f"ResourceIdList can contain at most {MAX_LISTED_RESOURCES} ARNs; "
            f"{len(resource_ids)} were given.",
        )
    found = [find_tagged(call, resource_id, "ListTags") for resource_id in resource_ids]
    if len({tagged.owner for tagged in found}) > 1:
        raise ServiceError(
            "CloudTrailARNInvalidException",
            "You cannot have resources belonging to multiple owners",
        )
    return {
        "ResourceTagList": [
            {"ResourceId": resource_id, "TagsList": [dict(tag) for tag in tagged.resource.tags]}
            for resource_id, tagged in zip(resource_ids, found, strict=True)
        ]
    }


HANDLERS: dict[str, Handler] = {
    "AddTags": add_tags,
    "RemoveTags": remove_tags,
    "ListTags": list_tags,
}
