from __future__ import annotations

import boto3
import pytest
from helpers import BUCKET, OTHER_REGION, REGION, TRAIL

from mock_insights import InsightsMock


@pytest.fixture
def client(insights_mock: InsightsMock):
    return boto3.client("cloudtrail", region_name=REGION)


@pytest.fixture
def other_region_client(insights_mock: InsightsMock):
    return boto3.client("cloudtrail", region_name=OTHER_REGION)


@pytest.fixture
def trail(client) -> str:
    """A fresh single-region trail with default event selectors; returns its name."""
    client.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    return TRAIL
