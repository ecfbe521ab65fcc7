"""The CloudTrail call sequences of real tools that turn Insights on, replayed through boto3.

Each sequence is written by us from what that kind of tool calls (an infrastructure-as-code
trail resource, a security scanner, a CDK-style custom resource, a tamper-remediation function,
an account-baseline accelerator, an Insights toggle script and a CloudTrail Lake setup), not
copied from the tools. Each runs under mock_insights alone and side by side with moto, where
the bucket, key and topic come from moto's S3, KMS and SNS; none may reach an unsupported
operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from helpers import ACCOUNT, OTHER_REGION, REGION, allow_cloudtrail

from mock_insights import InsightsMock, mock_insights

MEMBER = "111122223333"
BUCKET = "org-trail-logs"
TOPIC_NAME = "trail-deliveries"
INSIGHTS = [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]


@dataclass
class World:
    """Where a sequence runs: the mock, and the delivery resources it may use."""

    mock: InsightsMock
    key_arn: str
    topic_arn: str

    def cloudtrail(self, account_id: str = ACCOUNT, region: str = REGION) -> Any:
        return self.mock.client(account_id=account_id, region_name=region)


def _moto_resources() -> tuple[str, str]:
    """A bucket, key and topic in moto's state, with policies that let CloudTrail use them."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=allow_cloudtrail("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*")
    )
    key = boto3.client("kms", region_name=REGION).create_key(
        Policy=allow_cloudtrail("kms:GenerateDataKey*", "*")
    )["KeyMetadata"]["Arn"]
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name=TOPIC_NAME)["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=allow_cloudtrail("SNS:Publish", topic),
    )
    return key, topic


@pytest.fixture(params=["mock_insights", "with moto"])
def world(request) -> Iterator[World]:
    if request.param == "with moto":
        from moto import mock_aws

        with mock_aws(), mock_insights() as mock:
            key, topic = _moto_resources()
            yield World(mock, key, topic)
        return
    with mock_insights() as mock:
        key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0d3a8e0c-5b7a-4c6b-9d63-1f2a3b4c5d6e"
        yield World(mock, key, f"arn:aws:sns:{REGION}:{ACCOUNT}:{TOPIC_NAME}")


def _insights_or_none(client: Any, trail: str) -> list[dict]:
    """What a reader does with GetInsightSelectors: no Insights is an error to catch."""
    try:
        return list(client.get_insight_selectors(TrailName=trail)["InsightSelectors"])
    except client.exceptions.InsightNotEnabledException:
        return []


def _tags(client: Any, arn: str) -> dict[str, str | None]:
    listed = client.list_tags(ResourceIdList=[arn])["ResourceTagList"][0]["TagsList"]
    return {tag["Key"]: tag.get("Value") for tag in listed}


def test_infrastructure_as_code_trail_resource(world):
    """Create, read back after every change (with ListTags), update, retag, and destroy."""
    ct = world.cloudtrail()

    def read(arn: str) -> dict:
        trail = ct.describe_trails(trailNameList=[arn])["trailList"][0]
        status = ct.get_trail_status(Name=arn)
        selectors = ct.get_event_selectors(TrailName=arn)
        return {
            "trail": trail,
            "logging": status["IsLogging"],
            "selectors": selectors.get("AdvancedEventSelectors") or selectors["EventSelectors"],
            "insights": _insights_or_none(ct, arn),
            "tags": _tags(ct, arn),
        }

    arn = ct.create_trail(
        Name="org-audit",
        S3BucketName=BUCKET,
        S3KeyPrefix="cloudtrail",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=world.key_arn,
        SnsTopicName=TOPIC_NAME,
        TagsList=[{"Key": "ManagedBy", "Value": "iac"}, {"Key": "Env", "Value": "prod"}],
    )["TrailARN"]
    ct.start_logging(Name=arn)
    ct.put_event_selectors(
        TrailName=arn,
        AdvancedEventSelectors=[
            {
                "Name": "Management events",
                "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
            }
        ],
    )
    ct.put_insight_selectors(TrailName=arn, InsightSelectors=INSIGHTS)
    state = read(arn)
    assert state["logging"] is True
    assert state["insights"] == INSIGHTS
    assert state["tags"] == {"ManagedBy": "iac", "Env": "prod"}
    assert state["trail"]["HasInsightSelectors"] is True
    assert state["trail"]["SnsTopicARN"] == world.topic_arn

    ct.update_trail(Name=arn, S3KeyPrefix="cloudtrail-v2", EnableLogFileValidation=True)
    ct.add_tags(ResourceId=arn, TagsList=[{"Key": "Env", "Value": "staging"}])
    ct.remove_tags(ResourceId=arn, TagsList=[{"Key": "ManagedBy"}])
    ct.put_insight_selectors(TrailName=arn, InsightSelectors=[])
    state = read(arn)
    assert state["trail"]["S3KeyPrefix"] == "cloudtrail-v2"
    assert state["tags"] == {"Env": "staging"}
    assert state["insights"] == []

    ct.stop_logging(Name=arn)
    ct.delete_trail(Name=arn)
    assert ct.describe_trails(trailNameList=[arn])["trailList"] == []


def test_security_scanner(world):
    """Every region: list trails, and for those at home there read status, selectors,
    Insights and tags; multi-region trails are inspected once, in their home region."""
    home = world.cloudtrail()
    home.create_trail(Name="everywhere", S3BucketName=BUCKET, IsMultiRegionTrail=True)
    home.put_insight_selectors(TrailName="everywhere", InsightSelectors=INSIGHTS[:1])
    home.start_logging(Name="everywhere")
    world.cloudtrail(region=OTHER_REGION).create_trail(
        Name="local-only", S3BucketName=BUCKET, TagsList=[{"Key": "Owner", "Value": "team"}]
    )

    findings = {}
    for region in (REGION, OTHER_REGION):
        ct = world.cloudtrail(region=region)
        for trail in ct.describe_trails(includeShadowTrails=True)["trailList"]:
            if trail["HomeRegion"] != region:
                continue
            arn = trail["TrailARN"]
            findings[trail["Name"]] = {
                "logging": ct.get_trail_status(Name=arn)["IsLogging"],
                "insights": [s["InsightType"] for s in _insights_or_none(ct, arn)],
                "management": "EventSelectors" in ct.get_event_selectors(TrailName=arn),
                "tags": _tags(ct, arn),
            }
    assert findings == {
        "everywhere": {
            "logging": True,
            "insights": ["ApiCallRateInsight"],
            "management": True,
            "tags": {},
        },
        "local-only": {
            "logging": False,
            "insights": [],
            "management": True,
            "tags": {"Owner": "team"},
        },
    }


def test_cdk_style_custom_resource(world):
    """Create with tags and selectors, start, update, read, stop and delete."""
    ct = world.cloudtrail()
    created = ct.create_trail(
        Name="app-trail",
        S3BucketName=BUCKET,
        TagsList=[{"Key": "aws-cdk-app", "Value": "audit"}],
    )
    ct.put_event_selectors(
        TrailName="app-trail",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{BUCKET}/"]}
                ],
            }
        ],
    )
    ct.start_logging(Name="app-trail")
    ct.update_trail(Name="app-trail", IncludeGlobalServiceEvents=True)
    assert ct.get_trail(Name="app-trail")["Trail"]["TrailARN"] == created["TrailARN"]
    assert [t["Name"] for t in ct.list_trails()["Trails"]] == ["app-trail"]
    assert _tags(ct, created["TrailARN"]) == {"aws-cdk-app": "audit"}
    ct.stop_logging(Name="app-trail")
    ct.delete_trail(Name="app-trail")
    assert ct.list_trails()["Trails"] == []


def test_tamper_remediation_function(world):
    """On a StopLogging event: find the trail, check its protection tag, restart it, restore
    its selectors and Insights, and stamp the remediation as a tag."""
    ct = world.cloudtrail()
    arn = ct.create_trail(
        Name="protected",
        S3BucketName=BUCKET,
        TagsList=[{"Key": "protected", "Value": "true"}],
    )["TrailARN"]
    ct.start_logging(Name=arn)
    ct.put_insight_selectors(TrailName=arn, InsightSelectors=INSIGHTS)
    # The attacker:
    ct.stop_logging(Name=arn)
    ct.put_event_selectors(
        TrailName=arn,
        EventSelectors=[
            {
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}],
            }
        ],
    )

    # The remediation:
    trail = next(t for t in ct.describe_trails()["trailList"] if t["TrailARN"] == arn)
    assert _tags(ct, trail["TrailARN"]).get("protected") == "true"
    if not ct.get_trail_status(Name=arn)["IsLogging"]:
        ct.start_logging(Name=arn)
    ct.update_trail(Name=arn, IncludeGlobalServiceEvents=True, EnableLogFileValidation=True)
    ct.put_event_selectors(
        TrailName=arn, EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}]
    )
    ct.add_tags(ResourceId=arn, TagsList=[{"Key": "remediated", "Value": "2026-11-24"}])

    assert ct.get_trail_status(Name=arn)["IsLogging"] is True
    assert _insights_or_none(ct, arn) == INSIGHTS
    assert _tags(ct, arn) == {"protected": "true", "remediated": "2026-11-24"}


def test_account_baseline_accelerator(world):
    """The management account creates an organization trail with a key, data events and
    Insights; member accounts see it and can read its status."""
    world.mock.set_organization(member_account_ids=[MEMBER])
    ct = world.cloudtrail()
    arn = ct.create_trail(
        Name="org-baseline",
        S3BucketName=BUCKET,
        IsOrganizationTrail=True,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=world.key_arn,
        TagsList=[{"Key": "Accelerator", "Value": "baseline"}],
    )["TrailARN"]
    ct.put_event_selectors(
        TrailName=arn,
        AdvancedEventSelectors=[
            {
                "Name": "Management",
                "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
            },
            {
                "Name": "S3 data",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "Equals": ["false"]},
                ],
            },
        ],
    )
    ct.put_insight_selectors(TrailName=arn, InsightSelectors=INSIGHTS)
    ct.start_logging(Name=arn)
    assert _tags(ct, arn) == {"Accelerator": "baseline"}

    member = world.cloudtrail(account_id=MEMBER, region=OTHER_REGION)
    seen = member.describe_trails()["trailList"]
    assert [(t["TrailARN"], t["IsOrganizationTrail"]) for t in seen] == [(arn, True)]
    assert member.get_trail_status(Name=arn)["IsLogging"] is True


def test_insights_toggle_script(world):
    """Add one Insights type to whatever a trail has, and read it back."""
    ct = world.cloudtrail()
    ct.create_trail(Name="toggled", S3BucketName=BUCKET)
    current = _insights_or_none(ct, "toggled")
    wanted = [*current, {"InsightType": "ApiErrorRateInsight"}]
    ct.put_insight_selectors(TrailName="toggled", InsightSelectors=wanted)
    assert ct.get_trail(Name="toggled")["Trail"]["HasInsightSelectors"] is True
    assert _insights_or_none(ct, "toggled") == wanted


def test_cloudtrail_lake_insights(world):
    """A source store and an Insights destination store, both tagged, listed page by page."""
    ct = world.cloudtrail()
    destination = ct.create_event_data_store(
        Name="insights-destination",
        AdvancedEventSelectors=[
            {
                "Name": "Insights",
                "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}],
            }
        ],
        TagsList=[{"Key": "Role", "Value": "insights"}],
    )["EventDataStoreArn"]
    source = ct.create_event_data_store(
        Name="management-source", TagsList=[{"Key": "Role", "Value": "source"}]
    )["EventDataStoreArn"]
    ct.put_insight_selectors(
        EventDataStore=source, InsightsDestination=destination, InsightSelectors=INSIGHTS
    )
    tags = ct.list_tags(ResourceIdList=[source, destination])["ResourceTagList"]
    assert [entry["TagsList"] for entry in tags] == [
        [{"Key": "Role", "Value": "source"}],
        [{"Key": "Role", "Value": "insights"}],
    ]
    listed = []
    token: dict[str, str] = {}
    while True:
        page = ct.list_event_data_stores(MaxResults=1, **token)
        listed += [store["Name"] for store in page["EventDataStores"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert listed == ["insights-destination", "management-source"]
    assert ct.get_insight_selectors(EventDataStore=source)["InsightsDestination"] == destination
