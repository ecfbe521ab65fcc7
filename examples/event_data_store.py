"""Insights on CloudTrail Lake: a source event data store and an Insights destination store.

Run it with ``python examples/event_data_store.py``.
"""

from __future__ import annotations

import boto3

from mock_insights import mock_insights

INSIGHTS_ONLY = [
    {
        "Name": "Insights events",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}],
    }
]

with mock_insights():
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
    source = cloudtrail.create_event_data_store(Name="management-store")["EventDataStoreArn"]
    destination = cloudtrail.create_event_data_store(
        Name="insights-store", AdvancedEventSelectors=INSIGHTS_ONLY, MultiRegionEnabled=False
    )["EventDataStoreArn"]

    enabled = cloudtrail.put_insight_selectors(
        EventDataStore=source.rsplit("/", 1)[1],  # the ID suffix works as well as the ARN
        InsightsDestination=destination,
        InsightSelectors=[{"InsightType": "ApiCallRateInsight"}],
    )
    print("source:     ", enabled["EventDataStoreArn"])
    print("destination:", enabled["InsightsDestination"])
    print("selectors:  ", enabled["InsightSelectors"])

    try:
        cloudtrail.stop_event_data_store_ingestion(EventDataStore=destination)
    except cloudtrail.exceptions.InvalidEventDataStoreCategoryException as error:
        print("stopping the Insights store:", error.response["Error"]["Code"])
