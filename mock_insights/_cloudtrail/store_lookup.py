"""Finding the event data store a request names, by full ARN or by the ARN's ID suffix."""

from __future__ import annotations

import re

from mock_insights.errors import ServiceError

from .call import Call
from .names import partition
from .organizations import access_to
from .state import EventDataStore

_STORE_ARN = re.compile(
    r"arn:aws[a-z-]*:cloudtrail:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):eventdatastore/(?P<id>[A-Za-z0-9-]+)"
)
_STORE_ID = re.compile(r"[A-Za-z0-9-]{3,}")


def store_arn(region: str, account_id: str, store_id: str) -> str:
    return f"arn:{partition(region)}:cloudtrail:{region}:{account_id}:eventdatastore/{store_id}"


def resolve_store_arn(call: Call, value: str) -> str:
    """The full ARN that ``value`` names in the caller's account and region.

    A malformed value, or an ARN of another account or region, gives
    ``EventDataStoreARNInvalidException``: the store cannot be in the caller's account.
    """
    if value.startswith("arn:"):
        match = _STORE_ARN.fullmatch(value)
        if match is None or match["region"] != call.region:
            raise invalid_arn(value)
        if match["account"] != call.account_id and not _administered(call, match["account"], value):
            raise invalid_arn(value)
        return value
    if not _STORE_ID.fullmatch(value):
        raise invalid_arn(value)
    return store_arn(call.region, call.account_id, value)


def _administered(call: Call, owner: str, arn: str) -> bool:
    """A delegated administrator reaches the management account's organization stores."""
    store = call.backend.store(owner, arn)
    return (
        store is not None
        and store.organization_enabled
        and access_to(call, owner) == "administrator"
    )


def store_account(arn: str) -> str:
    """The account an event data store ARN belongs to."""
    return arn.split(":", 5)[4]


def invalid_arn(value: str) -> ServiceError:
    return ServiceError(
        "EventDataStoreARNInvalidException",
        f"The specified event data store ARN is not valid or does not map to an event data store "
        f"in your account: {value}",
    )


def find_store(call: Call, value: str, *, include_pending: bool = False) -> EventDataStore:
    """The store ``value`` names; stores pending deletion count only where asked for."""
    arn = resolve_store_arn(call, value)
    store = call.backend.store(store_account(arn), arn)
    if store is None or (store.status == "PENDING_DELETION" and not include_pending):
        raise ServiceError(
            "EventDataStoreNotFoundException",
            f"The specified event data store {arn} was not found.",
        )
    return store
