"""AWS Organizations as CloudTrail sees them: who may create and change organization trails
and event data stores, who owns them, and who can see them.

Decisions where AWS is silent are recorded in docs/behaviour.md.
"""

from __future__ import annotations

from typing import Literal

from mock_insights.errors import ServiceError

from .call import Call
from .state import Organization

Access = Literal["administrator", "member"]


def _not_administrator(call: Call) -> ServiceError:
    return ServiceError(
        "NotOrganizationMasterAccountException",
        f"Account {call.account_id} is not the management account or a delegated administrator "
        "of its organization.",
    )


def check_service_linked_role(call: Call, org: Organization) -> None:
    """Organization resources need CloudTrail's service-linked role in the management account."""
    if not org.service_linked_role:
        raise ServiceError(
            "NoManagementAccountSLRExistsException",
            f"The management account {org.management_account_id} of the organization has no "
            "service-linked role for CloudTrail.",
        )


def check_organization_request(call: Call, requested: bool | None) -> None:
    """Validate a request to make or keep an organization trail or store.

    Outside an organization that is ``OrganizationsNotInUseException``; a member that is not
    the management account or a delegated administrator gets
    ``NotOrganizationMasterAccountException``.
    """
    if not requested:
        return
    org = call.backend.organization
    if org is None or not org.includes(call.account_id):
        raise ServiceError(
            "OrganizationsNotInUseException",
            f"Account {call.account_id} is not a member of an organization.",
        )
    if not org.administers(call.account_id):
        raise _not_administrator(call)
    check_service_linked_role(call, org)


def owner_of_new(call: Call, organization_resource: bool) -> str:
    """The account a new (already validated) resource belongs to: what a delegated
    administrator creates for the organization belongs to the management account."""
    org = call.backend.organization
    return org.management_account_id if organization_resource and org else call.account_id


def access_to(call: Call, owner_account_id: str) -> Access | None:
    """How the caller may reach the organization resources of another account, if at all."""
    org = call.backend.organization
    if org is None or owner_account_id != org.management_account_id:
        return None
    if not org.includes(call.account_id):
        return None
    return "administrator" if org.administers(call.account_id) else "member"


def check_write(call: Call, access: Access | None, organization_resource: bool) -> None:
    """Members may not change organization resources; changing one needs the role."""
    if access == "member":
        raise _not_administrator(call)
    org = call.backend.organization
    if organization_resource and org is not None:
        check_service_linked_role(call, org)
