"""Advanced and basic event selector rules, per event category and per trail or event data store."""

from __future__ import annotations

import pytest
from helpers import raises_code

CALL_RATE = [{"InsightType": "ApiCallRateInsight"}]


def _selector(*fields: dict, name: str = "s") -> dict:
    return {"Name": name, "FieldSelectors": list(fields)}


def _category(value: str) -> dict:
    return {"Field": "eventCategory", "Equals": [value]}


S3_DATA = {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}


@pytest.mark.parametrize(
    "fields",
    [
        [_category("Data"), S3_DATA, {"Field": "readOnly", "NotEquals": ["true"]}],
        [_category("Data"), S3_DATA, {"Field": "readOnly", "StartsWith": ["t"]}],
        [{"Field": "eventCategory", "Equals": ["Data"], "NotEquals": ["Management"]}, S3_DATA],
        [_category("Data"), {"Field": "resources.type", "StartsWith": ["AWS::S3"]}],
    ],
    ids=["readOnly-NotEquals", "readOnly-StartsWith", "eventCategory-NotEquals", "type-StartsWith"],
)
def test_equals_is_the_only_operator_for_some_fields(client, trail, fields):
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(TrailName=trail, AdvancedEventSelectors=[_selector(*fields)])
    with raises_code("InvalidEventSelectorsException"):
        client.create_event_data_store(Name="store", AdvancedEventSelectors=[_selector(*fields)])


@pytest.mark.parametrize("field", ["eventName", "eventType", "userIdentity.arn"])
def test_some_management_fields_exist_only_on_event_data_stores(client, trail, field):
    selector = _selector(_category("Management"), {"Field": field, "NotEquals": ["x"]})
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(TrailName=trail, AdvancedEventSelectors=[selector])
    created = client.create_event_data_store(Name="store", AdvancedEventSelectors=[selector])
    assert created["AdvancedEventSelectors"] == [selector]


@pytest.mark.parametrize(
    "field",
    [
        {"Field": "userIdentity.arn", "NotStartsWith": ["arn:aws:sts::123456789012:assumed-role/"]},
        {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
        {"Field": "eventType", "Equals": ["AwsApiCall"]},
        {"Field": "sessionCredentialFromConsole", "Equals": ["true"]},
    ],
)
def test_data_selectors_take_the_documented_data_fields_on_trails_too(client, trail, field):
    selector = _selector(_category("Data"), S3_DATA, field)
    client.put_event_selectors(TrailName=trail, AdvancedEventSelectors=[selector])
    assert client.get_event_selectors(TrailName=trail)["AdvancedEventSelectors"] == [selector]


def test_trail_management_event_source_only_excludes_kms_or_rds_data(client, trail):
    excluded = {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}
    client.put_event_selectors(
        TrailName=trail, AdvancedEventSelectors=[_selector(_category("Management"), excluded)]
    )
    included = {"Field": "eventSource", "Equals": ["ec2.amazonaws.com"]}
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(
            TrailName=trail, AdvancedEventSelectors=[_selector(_category("Management"), included)]
        )
    # On a store, management eventSource takes any operator.
    client.create_event_data_store(
        Name="store", AdvancedEventSelectors=[_selector(_category("Management"), included)]
    )


def test_data_events_need_resources_type(client, trail):
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(
            TrailName=trail,
            AdvancedEventSelectors=[
                _selector(_category("Data"), {"Field": "eventName", "Equals": ["GetObject"]})
            ],
        )


def test_network_activity_needs_an_event_source_with_equals(client, trail):
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(
            TrailName=trail, AdvancedEventSelectors=[_selector(_category("NetworkActivity"))]
        )
    good = _selector(
        _category("NetworkActivity"),
        {"Field": "eventSource", "Equals": ["ec2.amazonaws.com"]},
        {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
    )
    client.put_event_selectors(TrailName=trail, AdvancedEventSelectors=[good])
    bad_code = _selector(
        _category("NetworkActivity"),
        {"Field": "eventSource", "Equals": ["ec2.amazonaws.com"]},
        {"Field": "errorCode", "Equals": ["AccessDenied"]},
    )
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(TrailName=trail, AdvancedEventSelectors=[bad_code])


@pytest.mark.parametrize("category", ["Insight", "ConfigurationItem", "ActivityAuditLog"])
def test_stores_of_other_categories_accept_only_event_category(client, trail, category):
    client.create_event_data_store(
        Name="only-category", AdvancedEventSelectors=[_selector(_category(category))]
    )
    with_filter = _selector(_category(category), {"Field": "eventName", "Equals": ["x"]})
    with raises_code("InvalidEventSelectorsException"):
        client.create_event_data_store(Name="filtered", AdvancedEventSelectors=[with_filter])
    mixed = [_selector(_category(category)), _selector(_category("Management"), name="m")]
    with raises_code("InvalidEventSelectorsException"):
        client.create_event_data_store(Name="mixed", AdvancedEventSelectors=mixed)
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(
            TrailName=trail, AdvancedEventSelectors=[_selector(_category(category))]
        )


def test_an_event_data_store_takes_at_most_five_selectors(client):
    six = [_selector(_category("Management"), name=f"s{i}") for i in range(6)]
    with raises_code("InvalidEventSelectorsException"):
        client.create_event_data_store(Name="store", AdvancedEventSelectors=six)
    arn = client.create_event_data_store(Name="store", AdvancedEventSelectors=six[:5])[
        "EventDataStoreArn"
    ]
    with raises_code("InvalidEventSelectorsException"):
        client.update_event_data_store(EventDataStore=arn, AdvancedEventSelectors=six)


def test_one_event_category_per_selector(client, trail):
    both = {"Field": "eventCategory", "Equals": ["Management", "Data"]}
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(
            TrailName=trail, AdvancedEventSelectors=[_selector(both, S3_DATA)]
        )


def test_refused_selectors_leave_the_insights_prerequisites_as_they_were(client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=CALL_RATE)
    with raises_code("InvalidEventSelectorsException"):
        client.put_event_selectors(
            TrailName=trail,
            AdvancedEventSelectors=[
                _selector(_category("Management"), {"Field": "readOnly", "NotEquals": ["false"]})
            ],
        )
    assert client.get_insight_selectors(TrailName=trail)["InsightSelectors"] == CALL_RATE
    assert "EventSelectors" in client.get_event_selectors(TrailName=trail)


# --- basic selectors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource_type, value",
    [
        ("AWS::S3::Object", "arn:aws:s3:::*"),
        ("AWS::S3::Object", "arn:aws:s3:::my-bucket"),
        ("AWS::S3::Object", "arn:aws:s3:::/"),
        ("AWS::Lambda::Function", "arn:aws:lambda:*"),
        ("AWS::DynamoDB::Table", "arn:aws:dynamodb:us-east-1:123456789012:*"),
    ],
)
def test_data_resource_values_are_refused_as_aws_does(client, trail, resource_type, value):
    with raises_code(
        "InvalidEventSelectorsException", f"Value {value} for DataResources.Values is invalid."
    ):
        client.put_event_selectors(
            TrailName=trail,
            EventSelectors=[{"DataResources": [{"Type": resource_type, "Values": [value]}]}],
        )


@pytest.mark.parametrize(
    "resource_type, value",
    [
        ("AWS::S3::Object", "arn:aws:s3"),
        ("AWS::S3::Object", "arn:aws:s3:::my-bucket/"),
        ("AWS::S3::Object", "arn:aws:s3:::my-bucket/logs/2026"),
        ("AWS::S3::Object", "arn:aws:s3:::my-bucket/*"),
        ("AWS::Lambda::Function", "arn:aws:lambda"),
        ("AWS::Lambda::Function", "arn:aws:lambda:us-east-1:123456789012:function:handler"),
        ("AWS::DynamoDB::Table", "arn:aws:dynamodb"),
        ("AWS::DynamoDB::Table", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
    ],
)
def test_data_resource_values_of_the_documented_forms_are_accepted(
    client, trail, resource_type, value
):
    client.put_event_selectors(
        TrailName=trail,
        EventSelectors=[{"DataResources": [{"Type": resource_type, "Values": [value]}]}],
    )
    selectors = client.get_event_selectors(TrailName=trail)["EventSelectors"]
    assert selectors[0]["DataResources"] == [{"Type": resource_type, "Values": [value]}]


def test_too_many_data_resource_values_give_the_observed_message(client, trail):
    values = [f"arn:aws:s3:::bucket-{i:03d}/" for i in range(251)]
    with raises_code(
        "InvalidEventSelectorsException",
        "Specify a valid number of DataResources.Values (0 to 250) for all your selectors",
    ):
        client.put_event_selectors(
            TrailName=trail,
            EventSelectors=[{"DataResources": [{"Type": "AWS::S3::Object", "Values": values}]}],
        )


def test_no_management_events_needs_data_resources(client, trail):
    with raises_code(
        "InvalidEventSelectorsException",
        "Invalid combination of parameters in EventSelectors. When includeManagementEvents is "
        "false, DataResources must not be empty.",
    ):
        client.put_event_selectors(
            TrailName=trail, EventSelectors=[{"IncludeManagementEvents": False}]
        )
