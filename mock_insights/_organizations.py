"""Organizations as the mock knows them: for now, no account belongs to one."""

from __future__ import annotations

from ._call import Call
from .errors import ServiceError


def check_organization_request(call: Call, requested: bool | None) -> None:
    """Refuse an organization trail or store: the caller's account is in no organization."""
    if requested:
        raise ServiceError(
            "OrganizationsNotInUseException",
            f"Account {call.account_id} is not a member of an organization.",
        )
