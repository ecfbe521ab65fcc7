"""Trail operations and the state PutInsightSelectors depends on."""

from __future__ import annotations

import pytest
from helpers import ACCOUNT, BUCKET, OTHER_REGION, TRAIL, arn, raises_code


def test_create_trail_response(client):
    response = client.create_trail(
        Name=TRAIL, S3BucketName=BUCKET, S3KeyPrefix="logs", SnsTopicName="topic"
    )
    assert response["TrailARN"] == arn()
    assert response["Name"] == TRAIL and response["S3BucketName"] == BUCKET
    assert response["S3KeyPrefix"] == "logs"
    assert response["SnsTopicARN"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"
    assert response["IncludeGlobalServiceEvents"] is True
    assert response["IsMultiRegionTrail"] is False
    assert response["IsOrganizationTrail"] is False
    assert "HomeRegion" not in response and "KmsKeyId" not in response


def test_get_trail_shape(client, trail):
    described = client.get_trail(Name=trail)["Trail"]
    assert described["HomeRegion"] == "us-east-1"
    assert described["HasCustomEventSelectors"] is False
    assert described["HasInsightSelectors"] is False
    assert described["LogFileValidationEnabled"] is False
    assert "S3KeyPrefix" not in described


def test_trail_already_exists(client, trail):
    with raises_code(
        "TrailAlreadyExistsException", f"Trail {trail} already exists for customer: {ACCOUNT}"
    ):
        client.create_trail(Name=trail, S3BucketName=BUCKET)


def test_shadow_name_is_taken_in_other_regions(client, other_region_client):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    with raises_code("TrailAlreadyExistsException"):
        other_region_client.create_trail(Name=TRAIL, S3BucketName=BUCKET)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "ab",
            "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters.",
        ),
        (
            "a" * 129,
            "Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters.",
        ),
        ("_abc", "Trail name must starts with a letter or number."),
        ("abc-", "Trail name must ends with a letter or number."),
        (
            "ab@c",
            "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).",
        ),
        (
            "ab--c",
            "Trail name must not contain adjacent periods (.), hyphens (-), or underscores (_).",
        ),
        ("192.168.5.4", "Trail name must not be formatted as an IP address."),
    ],
)
def test_invalid_trail_names(client, name, message):
    with raises_code("InvalidTrailNameException", message):
        client.create_trail(Name=name, S3BucketName=BUCKET)


def test_invalid_bucket_name(client):
    with raises_code("InvalidS3BucketNameException"):
        client.create_trail(Name=TRAIL, S3BucketName="Not_A_Bucket")


def test_multi_region_must_include_global_events(client):
    with raises_code(
        "InvalidParameterCombinationException",
        "Multi-Region trail must include global service events.",
    ):
        client.create_trail(
            Name=TRAIL,
            S3BucketName=BUCKET,
            IsMultiRegionTrail=True,
            IncludeGlobalServiceEvents=False,
        )


def test_organization_trail_needs_an_organization(client):
    with raises_code("OrganizationsNotInUseException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsOrganizationTrail=True)


def test_five_trails_per_region(client, other_region_client):
    for index in range(5):
        client.create_trail(Name=f"trail-{index}", S3BucketName=BUCKET)
    with raises_code("MaximumNumberOfTrailsExceededException"):
        client.create_trail(Name="trail-5", S3BucketName=BUCKET)
    other_region_client.create_trail(Name="trail-5", S3BucketName=BUCKET)
    with raises_code("MaximumNumberOfTrailsExceededException"):
        other_region_client.create_trail(
            Name="trail-6", S3BucketName=BUCKET, IsMultiRegionTrail=True
        )


def test_invalid_kms_key_id(client):
    with raises_code("InvalidKmsKeyIdException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId="not a key")


def test_kms_key_id_is_returned_as_arn(client):
    key = "1234abcd-12ab-34cd-56ef-1234567890ab"
    response = client.create_trail(Name=TRAIL, S3BucketName=BUCKET, KmsKeyId=key)
    assert response["KmsKeyId"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key}"


def test_get_trail_unknown_uses_the_name_form(client):
    with raises_code(
        "TrailNotFoundException", f"Unknown trail: missing-trail for the user: {ACCOUNT}"
    ):
        client.get_trail(Name="missing-trail")


def test_get_trail_status_unknown_uses_the_arn_form(client):
    with raises_code(
        "TrailNotFoundException", f"Unknown trail: {arn('missing-trail')} for the user: {ACCOUNT}"
    ):
        client.get_trail_status(Name="missing-trail")


def test_update_trail(client, trail):
    response = client.update_trail(
        Name=trail, S3BucketName="other-bucket", EnableLogFileValidation=True
    )
    assert response["S3BucketName"] == "other-bucket"
    assert client.get_trail(Name=trail)["Trail"]["LogFileValidationEnabled"] is True


def test_rejected_update_changes_nothing(client, trail):
    with raises_code("InvalidParameterCombinationException"):
        client.update_trail(
            Name=trail,
            S3BucketName="other-bucket",
            IsMultiRegionTrail=True,
            IncludeGlobalServiceEvents=False,
        )
    assert client.get_trail(Name=trail)["Trail"]["S3BucketName"] == BUCKET


def test_update_unknown_trail(client):
    with raises_code("TrailNotFoundException"):
        client.update_trail(Name="missing-trail", S3BucketName=BUCKET)


def test_writes_to_a_shadow_need_the_home_region(client, other_region_client):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    for call in (
        lambda: other_region_client.update_trail(Name=arn(), S3BucketName=BUCKET),
        lambda: other_region_client.delete_trail(Name=arn()),
        lambda: other_region_client.start_logging(Name=arn()),
        lambda: other_region_client.stop_logging(Name=arn()),
        lambda: other_region_client.put_event_selectors(TrailName=arn(), EventSelectors=[{}]),
    ):
        with raises_code("InvalidHomeRegionException"):
            call()
    assert other_region_client.get_trail_status(Name=arn())["IsLogging"] is False
    assert other_region_client.get_trail(Name=arn())["Trail"]["HomeRegion"] == "us-east-1"


def test_reads_of_a_shadow_by_name_fail(client, other_region_client):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    with raises_code(
        "TrailNotFoundException",
        f"Unknown trail: {arn(region=OTHER_REGION)} for the user: {ACCOUNT}",
    ):
        other_region_client.get_event_selectors(TrailName=TRAIL)


def test_describe_trails_shadows_and_filters(client, other_region_client):
    client.create_trail(Name="home-trail", S3BucketName=BUCKET, IsMultiRegionTrail=True)
    other_region_client.create_trail(Name="local-trail", S3BucketName=BUCKET)
    names = {t["Name"] for t in other_region_client.describe_trails()["trailList"]}
    assert names == {"home-trail", "local-trail"}
    local_only = other_region_client.describe_trails(includeShadowTrails=False)["trailList"]
    assert [t["Name"] for t in local_only] == ["local-trail"]
    by_name = other_region_client.describe_trails(trailNameList=["home-trail", "local-trail"])[
        "trailList"
    ]
    assert [t["Name"] for t in by_name] == ["local-trail"]
    by_arn = other_region_client.describe_trails(trailNameList=[arn("home-trail")])["trailList"]
    assert [t["TrailARN"] for t in by_arn] == [arn("home-trail")]
    assert client.describe_trails()["trailList"][0]["Name"] == "home-trail"


def test_describe_trails_rejects_invalid_names(client):
    with raises_code("InvalidTrailNameException"):
        client.describe_trails(trailNameList=["x"])
    with raises_code("CloudTrailARNInvalidException"):
        client.describe_trails(trailNameList=["arn:aws:cloudtrail:us-east-1:1:trail/x"])


def test_invalid_s3_key_prefix(client):
    with raises_code("InvalidS3PrefixException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, S3KeyPrefix="p" * 201)


def test_invalid_sns_topic_name(client):
    with raises_code("InvalidSnsTopicNameException"):
        client.create_trail(Name=TRAIL, S3BucketName=BUCKET, SnsTopicName="bad topic!")


def test_get_event_selectors_of_a_shadow_by_home_arn(client, other_region_client):
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    assert other_region_client.get_event_selectors(TrailName=arn())["TrailARN"] == arn()


def test_list_trails(client, other_region_client):
    client.create_trail(Name="home-trail", S3BucketName=BUCKET, IsMultiRegionTrail=True)
    client.create_trail(Name="local-trail", S3BucketName=BUCKET)
    listed = other_region_client.list_trails()["Trails"]
    assert listed == [
        {"TrailARN": arn("home-trail"), "Name": "home-trail", "HomeRegion": "us-east-1"}
    ]
    assert len(client.list_trails()["Trails"]) == 2


def test_delete_trail(client, trail):
    client.delete_trail(Name=arn())
    with raises_code("TrailNotFoundException"):
        client.get_trail(Name=trail)


def test_logging_status(client, trail):
    client.start_logging(Name=trail)
    status = client.get_trail_status(Name=trail)
    assert status["IsLogging"] is True and "StartLoggingTime" in status
    client.stop_logging(Name=trail)
    status = client.get_trail_status(Name=trail)
    assert status["IsLogging"] is False and "StopLoggingTime" in status


# --- event selectors ------------------------------------------------------------------------------


def test_default_event_selectors(client, trail):
    response = client.get_event_selectors(TrailName=trail)
    assert response["TrailARN"] == arn()
    assert response["EventSelectors"] == [
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [],
            "ExcludeManagementEventSources": [],
        }
    ]
    assert "AdvancedEventSelectors" not in response


def test_basic_selectors_are_filled_in(client, trail):
    client.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "WriteOnly"}])
    (selector,) = client.get_event_selectors(TrailName=trail)["EventSelectors"]
    assert selector == {
        "ReadWriteType": "WriteOnly",
        "IncludeManagementEvents": True,
        "DataResources": [],
        "ExcludeManagementEventSources": [],
    }
    assert client.get_trail(Name=trail)["Trail"]["HasCustomEventSelectors"] is True


def test_advanced_selectors_replace_basic_and_back(client, trail):
    advanced = [
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
    ]
    client.put_event_selectors(TrailName=trail, AdvancedEventSelectors=advanced)
    response = client.get_event_selectors(TrailName=trail)
    assert response["AdvancedEventSelectors"] == advanced and "EventSelectors" not in response
    client.put_event_selectors(TrailName=trail, EventSelectors=[{}])
    response = client.get_event_selectors(TrailName=trail)
    assert "AdvancedEventSelectors" not in response and len(response["EventSelectors"]) == 1


def test_both_or_neither_selector_kind_is_a_bad_combination(client, trail):
    with raises_code("InvalidParameterCombinationException"):
        client.put_event_selectors(TrailName=trail)
    with raises_code("InvalidParameterCombinationException"):
        client.put_event_selectors(
            TrailName=trail,
            EventSelectors=[{}],
            AdvancedEventSelectors=[
                {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
            ],
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"EventSelectors": []},
        {"EventSelectors": [{}] * 6},
        {"EventSelectors": [{"ReadWriteType": "read-only"}]},
        {"EventSelectors": [{"DataResources": [{"Type": "AWS::Bogus::Thing", "Values": []}]}]},
        {"EventSelectors": [{"ExcludeManagementEventSources": ["s3.amazonaws.com"]}]},
        {"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "bogus", "Equals": ["x"]}]}]},
        {"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventName", "Equals": ["x"]}]}]},
        {
            "AdvancedEventSelectors": [
                {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}]}
            ]
        },
        {
            "AdvancedEventSelectors": [
                {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}
            ]
        },
        {"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory"}]}]},
        {
            "AdvancedEventSelectors": [
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Management"]},
                        {"Field": "readOnly", "Equals": ["yes"]},
                    ]
                }
            ]
        },
    ],
)
def test_invalid_event_selectors(client, trail, kwargs):
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(TrailName=trail, **kwargs)
    assert client.get_trail(Name=trail)["Trail"]["HasCustomEventSelectors"] is False
