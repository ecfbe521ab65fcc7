"""PutInsightSelectors / GetInsightSelectors on trails: behaviour spec sections A-G."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from botocore.exceptions import ParamValidationError
from helpers import (
    BUCKET,
    MODEL_HAS_EVENT_CATEGORIES,
    OTHER_REGION,
    TRAIL,
    arn,
    raises_code,
    raw_call,
    sends_event_categories,
)

from mock_insights._cloudtrail.state import Backend

CALL_RATE = {"InsightType": "ApiCallRateInsight"}
ERROR_RATE = {"InsightType": "ApiErrorRateInsight"}


def test_put_returns_trail_arn_and_selectors_as_sent(client, trail):
    response = client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert response["TrailARN"] == arn()
    assert response["InsightSelectors"] == [CALL_RATE]
    assert "EventDataStoreArn" not in response and "InsightsDestination" not in response


def test_get_returns_what_was_put(client, trail):
    selectors = [
        {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management"]},
        CALL_RATE,
    ]
    with sends_event_categories():
        client.put_insight_selectors(TrailName=trail, InsightSelectors=selectors)
        response = client.get_insight_selectors(TrailName=trail)
        assert response["TrailARN"] == arn()
        assert response["InsightSelectors"] == selectors


def test_trail_can_be_named_by_arn(client, trail):
    response = client.put_insight_selectors(TrailName=arn(), InsightSelectors=[CALL_RATE])
    assert response["TrailARN"] == arn()
    assert client.get_insight_selectors(TrailName=arn())["InsightSelectors"] == [CALL_RATE]


def test_put_replaces_never_appends(client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE, ERROR_RATE])
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert client.get_insight_selectors(TrailName=trail)["InsightSelectors"] == [CALL_RATE]


def test_event_categories_given_overwrite_existing(client, trail):
    client.put_event_selectors(
        TrailName=trail,
        EventSelectors=[{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}],
    )
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    with sends_event_categories():
        client.put_insight_selectors(
            TrailName=trail,
            InsightSelectors=[{"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}],
        )
    if MODEL_HAS_EVENT_CATEGORIES:
        expected = [{"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}]
    else:  # refused before sending: the configuration is unchanged
        expected = [CALL_RATE]
    assert client.get_insight_selectors(TrailName=trail)["InsightSelectors"] == expected


def test_omitted_event_categories_are_echoed_as_omitted(client, trail):
    response = client.put_insight_selectors(TrailName=trail, InsightSelectors=[ERROR_RATE])
    assert "EventCategories" not in response["InsightSelectors"][0]


def test_duplicate_categories_are_folded(client, trail):
    selector = {
        "InsightType": "ApiErrorRateInsight",
        "EventCategories": ["Management", "Management"],
    }
    with sends_event_categories():
        response = client.put_insight_selectors(TrailName=trail, InsightSelectors=[selector])
        assert response["InsightSelectors"][0]["EventCategories"] == ["Management"]


def test_empty_list_turns_insights_off(client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    response = client.put_insight_selectors(TrailName=trail, InsightSelectors=[])
    assert response == {
        "TrailARN": arn(),
        "InsightSelectors": [],
        "ResponseMetadata": response["ResponseMetadata"],
    }
    with raises_code("InsightNotEnabledException"):
        client.get_insight_selectors(TrailName=trail)


def test_empty_list_on_trail_without_insights_succeeds(client, trail):
    assert (
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[])["InsightSelectors"] == []
    )


def test_get_without_insights_raises_with_full_arn_even_by_name(client, trail):
    message = (
        f"Trail {arn()} does not have Insights enabled. Edit the trail settings to enable Insights, "
        "and then try the operation again."
    )
    with raises_code("InsightNotEnabledException", message):
        client.get_insight_selectors(TrailName=trail)


def test_modeled_exception_class_catches_it(client, trail):
    with pytest.raises(client.exceptions.InsightNotEnabledException):
        client.get_insight_selectors(TrailName=trail)


def test_has_insight_selectors_follows_state(client, trail):
    assert client.get_trail(Name=trail)["Trail"]["HasInsightSelectors"] is False
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert client.get_trail(Name=trail)["Trail"]["HasInsightSelectors"] is True
    assert client.describe_trails()["trailList"][0]["HasInsightSelectors"] is True
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[])
    assert client.get_trail(Name=trail)["Trail"]["HasInsightSelectors"] is False


def test_put_event_selectors_does_not_touch_insights(client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    client.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "All"}])
    described = client.get_trail(Name=trail)["Trail"]
    assert described["HasInsightSelectors"] is True and described["HasCustomEventSelectors"] is True


def test_deleting_trail_removes_insights(client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    client.delete_trail(Name=trail)
    client.create_trail(Name=trail, S3BucketName=BUCKET)
    with raises_code("InsightNotEnabledException"):
        client.get_insight_selectors(TrailName=trail)


def test_trail_need_not_be_logging(client, trail):
    assert client.get_trail_status(Name=trail)["IsLogging"] is False
    assert client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])[
        "InsightSelectors"
    ]


# --- selector syntax ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            {"InsightType": "Bogus"},
            "Invalid InsightType: Bogus. Valid values are ApiCallRateInsight and ApiErrorRateInsight.",
        ),
        (
            {"EventCategories": ["Management"]},
            "Each Insights selector must specify an InsightType.",
        ),
        (
            {"InsightType": "ApiCallRateInsight", "EventCategories": ["Bogus"]},
            "Invalid event category for Insights: Bogus. Valid values are Management and Data.",
        ),
        (
            {"InsightType": "ApiCallRateInsight", "EventCategories": []},
            "EventCategories must not be empty. Omit it to enable Insights on management events.",
        ),
    ],
)
def test_malformed_selector_is_rejected(client, trail, selector, message):
    sending = sends_event_categories() if "EventCategories" in selector else nullcontext()
    with sending, raises_code("InvalidInsightSelectorsException", message):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[selector])


def test_duplicate_insight_type_is_rejected(client, trail):
    with raises_code(
        "InvalidInsightSelectorsException",
        "InsightType ApiCallRateInsight is specified more than once.",
    ):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE, CALL_RATE])


def test_rejected_put_changes_nothing(client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(
            TrailName=trail, InsightSelectors=[ERROR_RATE, {"InsightType": "Bogus"}]
        )
    assert client.get_insight_selectors(TrailName=trail)["InsightSelectors"] == [CALL_RATE]


def test_botocore_rejects_missing_insight_selectors_before_sending(client, trail):
    with pytest.raises(ParamValidationError):
        client.put_insight_selectors(TrailName=trail)


# --- prerequisites from the trail's event selectors ---------------------------------------------


def test_call_rate_needs_write_management_events(client, trail):
    client.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "ReadOnly"}])
    message = f"Trail {arn()} must log write management events to enable ApiCallRateInsight on management events."
    with raises_code("InvalidInsightSelectorsException", message):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])


def test_error_rate_accepts_read_only_management_events(client, trail):
    client.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "ReadOnly"}])
    assert client.put_insight_selectors(TrailName=trail, InsightSelectors=[ERROR_RATE])[
        "InsightSelectors"
    ]


def test_error_rate_needs_some_management_events(client, trail):
    client.put_event_selectors(
        TrailName=trail,
        EventSelectors=[
            {
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[ERROR_RATE])


def test_data_insights_need_data_events(client, trail):
    selector = {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Data"]}
    message = f"Trail {arn()} must log read or write data events to enable ApiErrorRateInsight on data events."
    with sends_event_categories(), raises_code("InvalidInsightSelectorsException", message):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[selector])


def test_data_insights_accept_read_only_data_events(client, trail):
    client.put_event_selectors(
        TrailName=trail,
        EventSelectors=[
            {
                "ReadWriteType": "ReadOnly",
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    selector = {"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}
    with sends_event_categories():
        assert client.put_insight_selectors(TrailName=trail, InsightSelectors=[selector])[
            "InsightSelectors"
        ]


@pytest.mark.parametrize(
    ("read_only", "call_rate_allowed"),
    [
        (None, True),
        ({"Field": "readOnly", "Equals": ["false"]}, True),
        ({"Field": "readOnly", "Equals": ["true"]}, False),
    ],
)
def test_advanced_selectors_decide_management_prerequisites(
    client, trail, read_only, call_rate_allowed
):
    fields = [{"Field": "eventCategory", "Equals": ["Management"]}]
    if read_only:
        fields.append(read_only)
    client.put_event_selectors(
        TrailName=trail, AdvancedEventSelectors=[{"Name": "mgmt", "FieldSelectors": fields}]
    )
    if call_rate_allowed:
        assert client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])[
            "InsightSelectors"
        ]
    else:
        with raises_code("InvalidInsightSelectorsException"):
            client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    assert client.put_insight_selectors(TrailName=trail, InsightSelectors=[ERROR_RATE])[
        "InsightSelectors"
    ]


def test_advanced_data_selector_allows_data_insights(client, trail):
    client.put_event_selectors(
        TrailName=trail,
        AdvancedEventSelectors=[
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                ]
            }
        ],
    )
    selector = {"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}
    with sends_event_categories():
        assert client.put_insight_selectors(TrailName=trail, InsightSelectors=[selector])[
            "InsightSelectors"
        ]
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])


def test_later_event_selector_change_is_allowed_on_trails(client, trail):
    client.put_insight_selectors(TrailName=trail, InsightSelectors=[CALL_RATE])
    client.put_event_selectors(TrailName=trail, EventSelectors=[{"ReadWriteType": "ReadOnly"}])
    assert client.get_insight_selectors(TrailName=trail)["InsightSelectors"] == [CALL_RATE]


# --- targets, combinations and lookups ----------------------------------------------------------


def test_unknown_trail_by_name(client):
    message = f"Unknown trail: {arn('missing-trail')} for the user: 123456789012"
    with raises_code("TrailNotFoundException", message):
        client.put_insight_selectors(TrailName="missing-trail", InsightSelectors=[CALL_RATE])
    with raises_code("TrailNotFoundException", message):
        client.get_insight_selectors(TrailName="missing-trail")


def test_invalid_trail_name(client):
    with raises_code(
        "InvalidTrailNameException", "Trail name must starts with a letter or number."
    ):
        client.put_insight_selectors(TrailName="-bad-name", InsightSelectors=[CALL_RATE])


def test_malformed_trail_arn(client):
    with raises_code("CloudTrailARNInvalidException"):
        client.get_insight_selectors(TrailName="arn:aws:cloudtrail:us-east-1:123:trail/x")


def test_trail_name_with_event_data_store_is_a_bad_combination(client, trail):
    with raises_code("InvalidParameterCombinationException"):
        client.put_insight_selectors(
            TrailName=trail, EventDataStore="abc-store", InsightSelectors=[CALL_RATE]
        )
    with raises_code("InvalidParameterCombinationException"):
        client.put_insight_selectors(
            TrailName=trail, InsightsDestination="abc-store", InsightSelectors=[CALL_RATE]
        )
    with raises_code("InvalidParameterCombinationException"):
        client.get_insight_selectors(TrailName=trail, EventDataStore="abc-store")


def test_no_target_is_a_bad_combination(client):
    with raises_code(
        "InvalidParameterCombinationException",
        "You must specify either TrailName or EventDataStore.",
    ):
        client.put_insight_selectors(InsightSelectors=[CALL_RATE])
    with raises_code("InvalidParameterCombinationException"):
        client.get_insight_selectors()


def test_store_without_destination_is_a_bad_combination(client):
    with raises_code("InvalidParameterCombinationException"):
        client.put_insight_selectors(EventDataStore="abc-store", InsightSelectors=[CALL_RATE])


def test_unknown_event_data_store(client):
    with raises_code("EventDataStoreNotFoundException"):
        client.put_insight_selectors(
            EventDataStore="abc-store",
            InsightsDestination="def-store",
            InsightSelectors=[CALL_RATE],
        )
    with raises_code("EventDataStoreNotFoundException"):
        client.get_insight_selectors(EventDataStore="abc-store")


def test_selector_syntax_is_checked_before_the_trail_lookup(client):
    with raises_code("InvalidInsightSelectorsException"):
        client.put_insight_selectors(
            TrailName="missing-trail", InsightSelectors=[{"InsightType": "Bogus"}]
        )


def test_prerequisites_are_checked_after_the_lookup(client):
    with sends_event_categories(), raises_code("TrailNotFoundException"):
        client.put_insight_selectors(
            TrailName="missing-trail",
            InsightSelectors=[{"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}],
        )


def test_event_categories_on_the_wire_follow_the_installed_model():
    """A default trail logs no data events. Where the model has ``EventCategories``, ``Data``
    is honoured and so refused; on an older model the member is unknown and ignored like any
    unknown member, so the selector means management events and is accepted."""
    backend = Backend()
    raw_call(backend, "CreateTrail", {"Name": TRAIL, "S3BucketName": BUCKET})
    selector = {"InsightType": "ApiCallRateInsight", "EventCategories": ["Data"]}
    status, body = raw_call(
        backend, "PutInsightSelectors", {"TrailName": TRAIL, "InsightSelectors": [selector]}
    )
    if MODEL_HAS_EVENT_CATEGORIES:
        assert (status, body["__type"]) == (400, "InvalidInsightSelectorsException")
    else:
        assert (status, body) == (200, {"TrailARN": arn(), "InsightSelectors": [CALL_RATE]})


# --- regions ------------------------------------------------------------------------------------


@pytest.fixture
def multi_region_trail(client) -> str:
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET, IsMultiRegionTrail=True)
    return TRAIL


def test_put_from_another_region_by_home_arn_is_home_region_error(
    other_region_client, multi_region_trail
):
    with raises_code("InvalidHomeRegionException"):
        other_region_client.put_insight_selectors(TrailName=arn(), InsightSelectors=[CALL_RATE])


def test_put_from_another_region_by_name_is_not_found(other_region_client, multi_region_trail):
    message = f"Unknown trail: {arn(region=OTHER_REGION)} for the user: 123456789012"
    with raises_code("TrailNotFoundException", message):
        other_region_client.put_insight_selectors(
            TrailName=multi_region_trail, InsightSelectors=[CALL_RATE]
        )


def test_get_from_another_region_by_home_arn_reads_home_trail(
    client, other_region_client, multi_region_trail
):
    client.put_insight_selectors(TrailName=multi_region_trail, InsightSelectors=[CALL_RATE])
    response = other_region_client.get_insight_selectors(TrailName=arn())
    assert response["TrailARN"] == arn()
    assert response["InsightSelectors"] == [CALL_RATE]


def test_arn_of_single_region_trail_elsewhere_is_invalid_here(other_region_client, client, trail):
    message = f"Region in ARN is wrong, you can only access resources in region {OTHER_REGION}."
    with raises_code("CloudTrailARNInvalidException", message):
        other_region_client.get_insight_selectors(TrailName=arn())


def test_shadow_shows_home_settings(client, other_region_client, multi_region_trail):
    client.put_insight_selectors(TrailName=multi_region_trail, InsightSelectors=[CALL_RATE])
    (shadow,) = other_region_client.describe_trails()["trailList"]
    assert shadow["TrailARN"] == arn() and shadow["HomeRegion"] == "us-east-1"
    assert shadow["HasInsightSelectors"] is True
