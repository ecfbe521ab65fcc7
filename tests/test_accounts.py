"""Several accounts in one activation: the account comes from the client's access key."""

from __future__ import annotations

import boto3
import pytest
from helpers import ACCOUNT, BUCKET, REGION, TRAIL, raises_code

from mock_insights import UsageError, mock_insights

OTHER = "111122223333"


def test_an_access_key_that_is_an_account_id_picks_the_account(insights_mock):
    other = boto3.client(
        "cloudtrail", region_name=REGION, aws_access_key_id=OTHER, aws_secret_access_key="x"
    )
    created = other.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert created["TrailARN"] == f"arn:aws:cloudtrail:{REGION}:{OTHER}:trail/{TRAIL}"
    default = boto3.client("cloudtrail", region_name=REGION)
    assert default.list_trails()["Trails"] == []
    assert [call.account_id for call in insights_mock.calls] == [OTHER, ACCOUNT]


def test_the_client_helper_acts_as_an_account(insights_mock):
    first, second = insights_mock.client(account_id=OTHER), insights_mock.client()
    first.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    second.create_trail(Name=TRAIL, S3BucketName=BUCKET)  # same name, other account: fine
    assert first.get_trail(Name=TRAIL)["Trail"]["TrailARN"].split(":")[4] == OTHER
    assert second.get_trail(Name=TRAIL)["Trail"]["TrailARN"].split(":")[4] == ACCOUNT
    session = insights_mock.session(account_id=OTHER, region_name="eu-west-1")
    assert session.client("cloudtrail").list_trails()["Trails"] == []  # single-region trail
    last = insights_mock.calls[-1]
    assert (last.account_id, last.region) == (OTHER, "eu-west-1")


def test_other_access_keys_act_as_the_mocks_account(insights_mock):
    client = boto3.client(
        "cloudtrail", region_name=REGION, aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x"
    )
    client.list_trails()
    assert insights_mock.calls[0].account_id == ACCOUNT


def test_another_accounts_trail_is_not_found_by_name_or_arn(insights_mock):
    owner = insights_mock.client(account_id=OTHER)
    arn = owner.create_trail(Name=TRAIL, S3BucketName=BUCKET)["TrailARN"]
    caller = insights_mock.client()
    with raises_code("TrailNotFoundException"):
        caller.put_insight_selectors(
            TrailName=TRAIL, InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
        )
    with raises_code("TrailNotFoundException", f"Unknown trail: {arn} for the user: {ACCOUNT}"):
        caller.get_insight_selectors(TrailName=arn)


def test_the_helper_refuses_a_malformed_account(insights_mock):
    with pytest.raises(UsageError, match="12 digits"):
        insights_mock.client(account_id="12345")


def test_a_client_made_before_the_mock_keeps_its_account_and_region():
    client = boto3.client(
        "cloudtrail",
        region_name="eu-west-1",
        endpoint_url="http://localhost:4566",  # the URL names no region
        aws_access_key_id=OTHER,
        aws_secret_access_key="x",
    )
    with mock_insights():
        created = client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert created["TrailARN"] == f"arn:aws:cloudtrail:eu-west-1:{OTHER}:trail/{TRAIL}"
