"""Finding the trail a request names, with CloudTrail's region, account and organization rules."""

from __future__ import annotations

from mock_insights.errors import ServiceError

from .call import Call
from .names import TrailRef, resolve_trail
from .organizations import access_to, check_write
from .state import Trail


def not_found(target: str, account_id: str) -> ServiceError:
    return ServiceError(
        "TrailNotFoundException", f"Unknown trail: {target} for the user: {account_id}"
    )


def find_trail(
    call: Call,
    name_or_ref: str | TrailRef,
    *,
    write: bool,
    bare_name_message: bool = False,
    members_may_read: bool = False,
) -> Trail:
    """Resolve ``Name``/``TrailName`` (or an already checked reference) as CloudTrail does.

    A bare name only finds a trail whose home is the caller's region and account. An ARN from
    another region finds a multi-region trail's shadow for reads; writes must go to the home
    region. Another account's ARN finds only an organization trail of the caller's
    organization: administrators may change it, members may read it where
    ``members_may_read`` (GetTrail, GetTrailStatus) and change nothing.
    """
    ref = (
        name_or_ref
        if isinstance(name_or_ref, TrailRef)
        else resolve_trail(name_or_ref, call.region, call.account_id)
    )
    trail = call.backend.trail(ref.account_id, ref.arn)
    access = None
    if ref.account_id != call.account_id and trail is not None and trail.is_organization_trail:
        access = access_to(call, ref.account_id)
    if ref.by_arn and ref.region != call.region:
        visible = trail is not None and (
            trail.visible_in(call.account_id, call.region)
            or (access is not None and trail.is_multi_region)
        )
        if not visible:
            raise ServiceError(
                "CloudTrailARNInvalidException",
                f"Region in ARN is wrong, you can only access resources in region {call.region}.",
            )
        assert trail is not None
        if write:
            raise ServiceError(
                "InvalidHomeRegionException",
                f"The trail {ref.arn} can only be changed in its home region {trail.home_region}; "
                f"this request was made in {call.region}.",
            )
    elif trail is None or (ref.account_id != call.account_id and access is None):
        raise not_found(
            ref.name if bare_name_message and not ref.by_arn else ref.arn, call.account_id
        )
    if write:
        check_write(call, access, trail.is_organization_trail)
    elif access == "member" and not members_may_read:
        raise not_found(ref.arn, call.account_id)
    return trail
