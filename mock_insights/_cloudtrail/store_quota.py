"""The event data store quota: ten per region, counted as the CloudTrail quotas page says.

Multi-region stores count in every region, and an organization's stores count in every
member account too. Stores pending deletion still exist, so they count until they are gone.
"""

from __future__ import annotations

from mock_insights.errors import ServiceError

from .call import Call
from .state import EventDataStore, Organization

MAX_STORES_PER_REGION = 10


def _counts_in(
    store: EventDataStore, account_id: str, region: str, org: Organization | None
) -> bool:
    """Whether ``store`` counts against ``account_id``'s quota in ``region``: at home, in every
    region when multi-region, and in every member account when it is the organization's."""
    if store.region != region and not store.multi_region:
        return False
    if store.account_id == account_id:
        return True
    return (
        store.organization_enabled
        and org is not None
        and store.account_id == org.management_account_id
        and org.includes(account_id)
    )


def check_store_quota(call: Call, multi_region: bool) -> None:
    """At most ten stores per region, counted as the quotas page says; a new multi-region
    store must fit in every region where the account has stores."""
    org = call.backend.organization
    candidates = (
        call.backend.all_stores() if org is not None else call.backend.stores_of(call.account_id)
    )
    regions = {call.region}
    if multi_region:
        regions.update(store.region for store in candidates if store.account_id == call.account_id)
    for region in sorted(regions):
        counted = sum(_counts_in(store, call.account_id, region, org) for store in candidates)
        if counted >= MAX_STORES_PER_REGION:
            raise ServiceError(
                "EventDataStoreMaxLimitExceededException",
                f"Your account already has {MAX_STORES_PER_REGION} event data stores in {region}.",
            )
