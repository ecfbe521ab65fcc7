"""AddTags, RemoveTags, ListTags and TagsList on trails and event data stores, through boto3."""

from __future__ import annotations

import pytest
from botocore import xform_name
from helpers import (
    ACCOUNT,
    BUCKET,
    OTHER_REGION,
    REGION,
    TRAIL,
    arn,
    cloudtrail_model,
    raises_code,
)

from mock_insights import UsageError

MEMBER = "111122223333"
ADMIN = "444455556666"
OTHER_ACCOUNT = "999988887777"


def _tags(client, resource_arn: str) -> list[dict]:
    listed = client.list_tags(ResourceIdList=[resource_arn])["ResourceTagList"]
    assert [entry["ResourceId"] for entry in listed] == [resource_arn]
    return listed[0]["TagsList"]


def _store(client, **extra) -> str:
    return client.create_event_data_store(Name="tagged-store", **extra)["EventDataStoreArn"]


# --- the happy path ---------------------------------------------------------------------------


def test_tags_given_at_creation_are_listed(client):
    created = client.create_trail(
        Name=TRAIL, S3BucketName=BUCKET, TagsList=[{"Key": "team", "Value": "sec"}]
    )
    assert _tags(client, created["TrailARN"]) == [{"Key": "team", "Value": "sec"}]


def test_an_untagged_trail_lists_an_empty_tag_list(client, trail):
    assert _tags(client, arn()) == []


def test_add_tags_appends_and_overwrites_an_existing_key(client, trail):
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": "a", "Value": "1"}, {"Key": "b"}])
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": "a", "Value": "2"}])
    assert _tags(client, arn()) == [{"Key": "a", "Value": "2"}, {"Key": "b"}]


def test_a_key_without_a_value_has_no_value(client, trail):
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": "flag"}])
    assert _tags(client, arn()) == [{"Key": "flag"}]


def test_remove_tags_removes_by_key_and_ignores_unknown_keys(client, trail):
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": "a", "Value": "1"}, {"Key": "b"}])
    client.remove_tags(
        ResourceId=arn(), TagsList=[{"Key": "a", "Value": "something else"}, {"Key": "zzz"}]
    )
    assert _tags(client, arn()) == [{"Key": "b"}]


def test_event_data_store_tags(client):
    store = _store(client, TagsList=[{"Key": "env", "Value": "test"}])
    client.add_tags(ResourceId=store, TagsList=[{"Key": "owner", "Value": "me"}])
    client.remove_tags(ResourceId=store, TagsList=[{"Key": "env"}])
    assert _tags(client, store) == [{"Key": "owner", "Value": "me"}]


def test_create_event_data_store_returns_its_tags(client):
    created = client.create_event_data_store(Name="store", TagsList=[{"Key": "k", "Value": "v"}])
    assert created["TagsList"] == [{"Key": "k", "Value": "v"}]


def test_list_tags_answers_several_resources_in_the_order_asked(client, trail):
    other = client.create_trail(Name="second-trail", S3BucketName=BUCKET)["TrailARN"]
    store = _store(client)
    client.add_tags(ResourceId=other, TagsList=[{"Key": "n", "Value": "2"}])
    listed = client.list_tags(ResourceIdList=[store, other, arn()])["ResourceTagList"]
    assert listed == [
        {"ResourceId": store, "TagsList": []},
        {"ResourceId": other, "TagsList": [{"Key": "n", "Value": "2"}]},
        {"ResourceId": arn(), "TagsList": []},
    ]


def test_list_tags_paginator_works(client, trail):
    pages = list(client.get_paginator("list_tags").paginate(ResourceIdList=[arn()]))
    assert [page["ResourceTagList"][0]["ResourceId"] for page in pages] == [arn()]


def test_tags_go_with_the_trail(client, trail):
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": "old", "Value": "1"}])
    client.delete_trail(Name=TRAIL)
    with raises_code("ResourceNotFoundException"):
        client.list_tags(ResourceIdList=[arn()])
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert _tags(client, arn()) == []


def test_a_store_pending_deletion_is_inactive_and_keeps_its_tags(client):
    store = _store(client, TagsList=[{"Key": "k", "Value": "v"}])
    client.update_event_data_store(EventDataStore=store, TerminationProtectionEnabled=False)
    client.delete_event_data_store(EventDataStore=store)
    with raises_code("InactiveEventDataStoreException"):
        client.add_tags(ResourceId=store, TagsList=[{"Key": "x"}])
    with raises_code("InactiveEventDataStoreException"):
        client.list_tags(ResourceIdList=[store])
    client.restore_event_data_store(EventDataStore=store)
    assert _tags(client, store) == [{"Key": "k", "Value": "v"}]


# --- tag rules --------------------------------------------------------------------------------


def test_fifty_tags_are_allowed_and_the_fifty_first_is_refused(client, trail):
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": f"k{i}"} for i in range(50)])
    with raises_code("TagsLimitExceededException"):
        client.add_tags(ResourceId=arn(), TagsList=[{"Key": "one-more"}])
    # Overwriting an existing key does not count as a new tag.
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": "k0", "Value": "new"}])
    assert len(_tags(client, arn())) == 50


def test_too_many_tags_at_creation_are_refused_and_nothing_is_created(client):
    with raises_code("TagsLimitExceededException"):
        client.create_trail(
            Name=TRAIL, S3BucketName=BUCKET, TagsList=[{"Key": f"k{i}"} for i in range(51)]
        )
    assert client.list_trails()["Trails"] == []
    # CreateEventDataStore models no TagsLimitExceededException; its InvalidTagParameterException
    # covers "too many tags on the resource".
    with raises_code("InvalidTagParameterException"):
        client.create_event_data_store(Name="store", TagsList=[{"Key": f"k{i}"} for i in range(51)])
    assert client.list_event_data_stores()["EventDataStores"] == []


@pytest.mark.parametrize(
    "tag",
    [
        {"Key": "k" * 129},
        {"Key": "key", "Value": "v" * 257},
        {"Key": "bad!key"},
        {"Key": "key", "Value": "semi;colon"},
        {"Key": "aws:reserved"},
    ],
    ids=["key-129", "value-257", "key-character", "value-character", "aws-prefix"],
)
def test_invalid_tags_are_refused_everywhere(client, trail, tag):
    store = _store(client)
    for call in (
        lambda: client.add_tags(ResourceId=arn(), TagsList=[tag]),
        lambda: client.remove_tags(ResourceId=arn(), TagsList=[tag]),
        lambda: client.add_tags(ResourceId=store, TagsList=[tag]),
        lambda: client.create_trail(Name="other-trail", S3BucketName=BUCKET, TagsList=[tag]),
        lambda: client.create_event_data_store(Name="other-store", TagsList=[tag]),
    ):
        with raises_code("InvalidTagParameterException"):
            call()
    assert _tags(client, arn()) == []


def test_limits_are_inclusive_and_unicode_letters_are_allowed(client, trail):
    tags = [
        {"Key": "k" * 128, "Value": "v" * 256},
        {"Key": "Größe café 東京", "Value": "a_b.c:d/e=f+g-h@i 1"},
    ]
    client.add_tags(ResourceId=arn(), TagsList=tags)
    assert _tags(client, arn()) == tags


def test_a_key_given_twice_in_one_request_is_refused(client, trail):
    with raises_code("InvalidTagParameterException"):
        client.add_tags(
            ResourceId=arn(), TagsList=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]
        )
    assert _tags(client, arn()) == []


# --- which resources ------------------------------------------------------------------------


def test_unknown_trail_and_store(client):
    with raises_code("ResourceNotFoundException"):
        client.add_tags(ResourceId=arn("no-such-trail"), TagsList=[{"Key": "a"}])
    missing_store = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:eventdatastore/00000000-0000-0000"
    with raises_code("EventDataStoreNotFoundException"):
        client.list_tags(ResourceIdList=[missing_store])


def test_a_name_instead_of_an_arn_is_refused(client, trail):
    with raises_code("CloudTrailARNInvalidException"):
        client.add_tags(ResourceId=TRAIL, TagsList=[{"Key": "a"}])


def test_malformed_trail_name_in_the_arn(client):
    with raises_code("InvalidTrailNameException"):
        client.list_tags(ResourceIdList=[arn("a")])


def test_other_services_resources_are_not_supported(client):
    with raises_code("ResourceTypeNotSupportedException"):
        client.add_tags(ResourceId="arn:aws:s3:::some-bucket", TagsList=[{"Key": "a"}])


def test_channels_do_not_exist_in_the_mock(client):
    channel = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:channel/01234567890"
    with raises_code("ChannelNotFoundException"):
        client.add_tags(ResourceId=channel, TagsList=[{"Key": "a"}])


def test_another_accounts_arn_is_refused_with_the_observed_message(client):
    foreign = f"arn:aws:cloudtrail:{REGION}:{OTHER_ACCOUNT}:trail/{TRAIL}"
    with raises_code(
        "CloudTrailARNInvalidException",
        f"AccountID in ARN is wrong, you can only access resources with AccountID {ACCOUNT}.",
    ):
        client.list_tags(ResourceIdList=[foreign])


def test_multi_region_trail_tags_only_in_its_home_region(client, other_region_client):
    home = client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    message = f"Region in ARN is wrong, you can only access resources in region {OTHER_REGION}."
    for call in (
        lambda: other_region_client.list_tags(ResourceIdList=[home["TrailARN"]]),
        lambda: other_region_client.add_tags(ResourceId=home["TrailARN"], TagsList=[{"Key": "a"}]),
        lambda: other_region_client.remove_tags(
            ResourceId=home["TrailARN"], TagsList=[{"Key": "a"}]
        ),
    ):
        with raises_code("CloudTrailARNInvalidException", message):
            call()
    client.add_tags(ResourceId=home["TrailARN"], TagsList=[{"Key": "a"}])
    assert _tags(client, home["TrailARN"]) == [{"Key": "a"}]


def test_a_multi_region_store_is_tagged_in_its_region(client, other_region_client):
    store = _store(client)
    with raises_code("EventDataStoreARNInvalidException"):
        other_region_client.add_tags(ResourceId=store, TagsList=[{"Key": "a"}])


def test_list_tags_takes_at_most_twenty_arns(client, trail):
    with raises_code("InvalidParameterException"):
        client.list_tags(ResourceIdList=[arn()] * 21)
    assert len(client.list_tags(ResourceIdList=[arn()] * 20)["ResourceTagList"]) == 20


def test_list_tags_refuses_a_token_it_never_issued(client, trail):
    with raises_code("InvalidTokenException"):
        client.list_tags(ResourceIdList=[arn()], NextToken="anything")


# --- organizations ------------------------------------------------------------------------------


@pytest.fixture
def org_trail(insights_mock) -> str:
    insights_mock.set_organization(member_account_ids=[MEMBER], delegated_administrator_ids=[ADMIN])
    return insights_mock.client().create_trail(
        Name=TRAIL, S3BucketName=BUCKET, IsOrganizationTrail=True
    )["TrailARN"]


def test_a_member_cannot_read_or_change_organization_trail_tags(insights_mock, org_trail):
    member = insights_mock.client(account_id=MEMBER)
    message = f"AccountID in ARN is wrong, you can only access resources with AccountID {MEMBER}."
    with raises_code("CloudTrailARNInvalidException", message):
        member.list_tags(ResourceIdList=[org_trail])
    with raises_code("CloudTrailARNInvalidException", message):
        member.add_tags(ResourceId=org_trail, TagsList=[{"Key": "a"}])


def test_a_delegated_administrator_tags_organization_trails(insights_mock, org_trail):
    admin = insights_mock.client(account_id=ADMIN)
    admin.add_tags(ResourceId=org_trail, TagsList=[{"Key": "by", "Value": "admin"}])
    assert _tags(insights_mock.client(), org_trail) == [{"Key": "by", "Value": "admin"}]
    own = admin.create_trail(Name="admin-trail", S3BucketName=BUCKET)["TrailARN"]
    with raises_code(
        "CloudTrailARNInvalidException", "You cannot have resources belonging to multiple owners"
    ):
        admin.list_tags(ResourceIdList=[own, org_trail])


def test_organization_tags_need_the_service_linked_role(insights_mock, org_trail):
    insights_mock.set_organization(
        member_account_ids=[MEMBER], delegated_administrator_ids=[ADMIN], service_linked_role=False
    )
    with raises_code("NoManagementAccountSLRExistsException"):
        insights_mock.client().add_tags(ResourceId=org_trail, TagsList=[{"Key": "a"}])


# --- toolkit -----------------------------------------------------------------------------------


def test_tags_survive_a_snapshot_and_a_seed(insights_mock, client, trail):
    client.add_tags(ResourceId=arn(), TagsList=[{"Key": "a", "Value": "1"}, {"Key": "b"}])
    store = _store(client, TagsList=[{"Key": "s", "Value": "2"}])
    saved = insights_mock.snapshot()
    insights_mock.restore({"format": saved["format"]})
    assert client.list_trails()["Trails"] == []
    insights_mock.restore(saved)
    assert _tags(client, arn()) == [{"Key": "a", "Value": "1"}, {"Key": "b"}]
    assert _tags(client, store) == [{"Key": "s", "Value": "2"}]
    seeded = insights_mock.seed_trail(
        Name="seeded-trail", S3BucketName=BUCKET, TagsList=[{"Key": "from", "Value": "seed"}]
    )
    assert _tags(client, seeded) == [{"Key": "from", "Value": "seed"}]


def test_seeds_follow_the_tag_rules(insights_mock):
    with pytest.raises(UsageError, match="InvalidTagParameterException"):
        insights_mock.seed_trail(Name=TRAIL, S3BucketName=BUCKET, TagsList=[{"Key": "aws:x"}])


@pytest.mark.parametrize(
    "operation, params",
    [
        ("AddTags", {"ResourceId": arn(), "TagsList": [{"Key": "a"}]}),
        ("RemoveTags", {"ResourceId": arn(), "TagsList": [{"Key": "a"}]}),
        ("ListTags", {"ResourceIdList": [arn()]}),
    ],
)
def test_every_modeled_error_of_the_tag_operations_can_be_injected(
    insights_mock, client, trail, operation, params
):
    codes = [shape.name for shape in cloudtrail_model().operation_model(operation).error_shapes]
    method = getattr(client, xform_name(operation))
    for code in codes:
        insights_mock.inject_error(operation, code)
        with raises_code(code):
            method(**params)
    assert insights_mock.calls.of(operation, error=codes[0])
