"""Quickstart: manage CloudTrail Insights with boto3 against mock_insights, no AWS needed.

Run it with ``python examples/quickstart.py``.
"""

from __future__ import annotations

import boto3

from mock_insights import mock_insights

with mock_insights() as mock:
    cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
    cloudtrail.create_trail(Name="management-trail", S3BucketName="my-trail-bucket")

    # EventCategories picks the events an Insights type analyses (omitted: management events).
    # botocore added it in 1.41, so this sends it only where the installed model has it.
    error_rate: dict[str, object] = {"InsightType": "ApiErrorRateInsight"}
    if "EventCategories" in cloudtrail.meta.service_model.shape_for("InsightSelector").members:
        error_rate["EventCategories"] = ["Management"]

    enabled = cloudtrail.put_insight_selectors(
        TrailName="management-trail",
        InsightSelectors=[{"InsightType": "ApiCallRateInsight"}, error_rate],
    )
    print("enabled on", enabled["TrailARN"])

    current = cloudtrail.get_insight_selectors(TrailName="management-trail")
    for selector in current["InsightSelectors"]:
        print("  ", selector["InsightType"], selector.get("EventCategories", ["Management"]))
    print(
        "HasInsightSelectors:",
        cloudtrail.get_trail(Name="management-trail")["Trail"]["HasInsightSelectors"],
    )

    cloudtrail.put_insight_selectors(TrailName="management-trail", InsightSelectors=[])
    try:
        cloudtrail.get_insight_selectors(TrailName="management-trail")
    except cloudtrail.exceptions.InsightNotEnabledException as error:
        print("after disabling:", error.response["Error"]["Code"])

    try:
        cloudtrail.put_insight_selectors(
            TrailName="no-such-trail", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
        )
    except cloudtrail.exceptions.TrailNotFoundException as error:
        print("unknown trail:", error.response["Error"]["Message"])
