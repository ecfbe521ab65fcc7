"""Finding the trail a request names, with CloudTrail's region and account rules."""

from __future__ import annotations

from ._call import Call
from ._names import TrailRef, resolve_trail
from ._state import Trail
from .errors import ServiceError


def not_found(target: str, account_id: str) -> ServiceError:
    return ServiceError(
        "TrailNotFoundException", f"Unknown trail: {target} for the user: {account_id}"
    )


def find_trail(
    call: Call, name_or_ref: str | TrailRef, *, write: bool, bare_name_message: bool = False
) -> Trail:
    """Resolve ``Name``/``TrailName`` (or an already checked reference) as CloudTrail does.

    A bare name only finds a trail whose home is the caller's region. An ARN from another
    region finds a multi-region trail's shadow for reads; writes must go to the home region.
    """
    ref = (
        name_or_ref
        if isinstance(name_or_ref, TrailRef)
        else resolve_trail(name_or_ref, call.region, call.account_id)
    )
    if ref.by_arn and ref.region != call.region:
        shadow = call.backend.trail(ref.account_id, ref.arn)
        if shadow is None or not shadow.visible_in(call.account_id, call.region):
            raise ServiceError(
                "CloudTrailARNInvalidException",
                f"Region in ARN is wrong, you can only access resources in region {call.region}.",
            )
        if write:
            raise ServiceError(
                "InvalidHomeRegionException",
                f"The trail {ref.arn} can only be changed in its home region {shadow.home_region}; "
                f"this request was made in {call.region}.",
            )
        return shadow
    trail = call.backend.trail(call.account_id, ref.arn)
    if trail is None:
        raise not_found(
            ref.name if bare_name_message and not ref.by_arn else ref.arn, call.account_id
        )
    return trail
