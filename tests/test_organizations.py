"""Organization trails and event data stores across the accounts of one organization."""

from __future__ import annotations

import pytest
from helpers import BUCKET, OTHER_REGION, REGION, TRAIL, raises_code

from mock_insights import UsageError, mock_insights

MANAGEMENT = "123456789012"
MEMBER = "111122223333"
ADMIN = "444455556666"
OUTSIDER = "777788889999"
CALL_RATE = [{"InsightType": "ApiCallRateInsight"}]
ORG_ARN = f"arn:aws:cloudtrail:{REGION}:{MANAGEMENT}:trail/{TRAIL}"


@pytest.fixture
def org(insights_mock):
    insights_mock.set_organization(member_account_ids=[MEMBER], delegated_administrator_ids=[ADMIN])
    return insights_mock


def _org_trail(mock, account=MANAGEMENT) -> str:
    return mock.client(account_id=account).create_trail(
        Name=TRAIL, S3BucketName=BUCKET, IsOrganizationTrail=True, IsMultiRegionTrail=True
    )["TrailARN"]


def test_management_account_creates_an_organization_trail(org):
    created = org.client().create_trail(Name=TRAIL, S3BucketName=BUCKET, IsOrganizationTrail=True)
    assert created["IsOrganizationTrail"] is True
    assert created["TrailARN"] == ORG_ARN


def test_a_member_cannot_create_one(org):
    with raises_code("NotOrganizationMasterAccountException"):
        _org_trail(org, MEMBER)
    with raises_code("NotOrganizationMasterAccountException"):
        org.client(account_id=MEMBER).create_event_data_store(
            Name="org-store", OrganizationEnabled=True
        )


def test_an_account_outside_the_organization_is_not_in_use(org):
    with raises_code("OrganizationsNotInUseException"):
        _org_trail(org, OUTSIDER)


def test_a_missing_service_linked_role(insights_mock):
    insights_mock.set_organization(member_account_ids=[MEMBER], service_linked_role=False)
    with raises_code("NoManagementAccountSLRExistsException"):
        _org_trail(insights_mock)


def test_members_see_organization_trails_with_the_home_arn(org):
    _org_trail(org)
    member = org.client(account_id=MEMBER, region_name=OTHER_REGION)
    described = member.describe_trails()["trailList"]
    assert [(t["TrailARN"], t["HomeRegion"], t["IsOrganizationTrail"]) for t in described] == [
        (ORG_ARN, REGION, True)
    ]
    assert [t["TrailARN"] for t in member.list_trails()["Trails"]] == [ORG_ARN]
    assert org.client(account_id=OUTSIDER).list_trails()["Trails"] == []


def test_members_read_by_arn_and_cannot_change_anything(org):
    _org_trail(org)
    member = org.client(account_id=MEMBER)
    assert member.get_trail(Name=ORG_ARN)["Trail"]["TrailARN"] == ORG_ARN
    assert member.get_trail_status(Name=ORG_ARN)["IsLogging"] is False
    with raises_code("TrailNotFoundException", f"Unknown trail: {ORG_ARN} for the user: {MEMBER}"):
        member.get_insight_selectors(TrailName=ORG_ARN)
    with raises_code("TrailNotFoundException"):
        member.get_event_selectors(TrailName=ORG_ARN)
    with raises_code("NotOrganizationMasterAccountException"):
        member.put_insight_selectors(TrailName=ORG_ARN, InsightSelectors=CALL_RATE)
    with raises_code("NotOrganizationMasterAccountException"):
        member.update_trail(Name=ORG_ARN, S3BucketName="other-bucket")
    with raises_code("NotOrganizationMasterAccountException"):
        member.delete_trail(Name=ORG_ARN)
    with raises_code("NotOrganizationMasterAccountException"):
        member.start_logging(Name=ORG_ARN)
    assert org.client().get_trail(Name=TRAIL)["Trail"]["S3BucketName"] == BUCKET


def test_members_do_not_find_it_by_name(org):
    _org_trail(org)
    member_arn = f"arn:aws:cloudtrail:{REGION}:{MEMBER}:trail/{TRAIL}"
    with raises_code(
        "TrailNotFoundException", f"Unknown trail: {member_arn} for the user: {MEMBER}"
    ):
        org.client(account_id=MEMBER).get_trail_status(Name=TRAIL)


def test_delegated_administrator_creates_for_the_management_account(org):
    arn = _org_trail(org, ADMIN)
    assert arn == ORG_ARN
    admin = org.client(account_id=ADMIN)
    admin.put_insight_selectors(TrailName=arn, InsightSelectors=CALL_RATE)
    assert org.client().get_insight_selectors(TrailName=TRAIL)["InsightSelectors"] == CALL_RATE
    assert [t["TrailARN"] for t in admin.describe_trails()["trailList"]] == [ORG_ARN]


def test_insights_on_an_organization_trail_from_the_management_account(org):
    _org_trail(org)
    client = org.client()
    client.put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)
    assert client.get_trail(Name=TRAIL)["Trail"]["HasInsightSelectors"] is True
    member_view = org.client(account_id=MEMBER).get_trail(Name=ORG_ARN)["Trail"]
    assert member_view["HasInsightSelectors"] is True


def test_changing_an_org_trail_needs_the_service_linked_role(org):
    _org_trail(org)
    org.set_organization(member_account_ids=[MEMBER], service_linked_role=False)
    with raises_code("NoManagementAccountSLRExistsException"):
        org.client().put_insight_selectors(TrailName=TRAIL, InsightSelectors=CALL_RATE)


def test_organization_event_data_stores(org):
    admin = org.client(account_id=ADMIN)
    arn = admin.create_event_data_store(Name="org-store", OrganizationEnabled=True)[
        "EventDataStoreArn"
    ]
    assert arn.split(":")[4] == MANAGEMENT
    assert admin.get_event_data_store(EventDataStore=arn)["OrganizationEnabled"] is True
    assert org.client().list_event_data_stores()["EventDataStores"][0]["EventDataStoreArn"] == arn
    with raises_code("EventDataStoreARNInvalidException"):
        org.client(account_id=MEMBER).get_event_data_store(EventDataStore=arn)


def test_organization_from_the_marker_and_snapshots(org):
    _org_trail(org)
    saved = org.snapshot()
    assert saved["organization"] == {
        "ManagementAccountId": MANAGEMENT,
        "MemberAccountIds": [MEMBER],
        "DelegatedAdministratorIds": [ADMIN],
        "ServiceLinkedRole": True,
    }
    with mock_insights() as fresh:
        fresh.restore(saved)
        assert fresh.client(account_id=MEMBER).get_trail(Name=ORG_ARN)["Trail"]["Name"] == TRAIL


def test_an_organization_needs_twelve_digit_accounts(insights_mock):
    with pytest.raises(UsageError, match="12 digits"):
        insights_mock.set_organization(member_account_ids=["12"])


@pytest.mark.insights_mock(organization={"member_account_ids": [MEMBER]})
def test_the_marker_declares_the_organization(insights_mock):
    _org_trail(insights_mock)
    assert insights_mock.client(account_id=MEMBER).list_trails()["Trails"][0]["TrailARN"] == ORG_ARN
