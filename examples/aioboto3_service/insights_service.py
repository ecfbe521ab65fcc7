"""A small aioboto3 service: turn CloudTrail Insights on for every trail tagged for it.

This is the code under test in ``test_insights_service.py``; nothing in it knows about the mock.
"""

from __future__ import annotations

from typing import Any

import aioboto3

WANTED = [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]


async def enable_insights_on_tagged_trails(
    session: aioboto3.Session, region: str, tag_key: str = "insights"
) -> list[str]:
    """Turn Insights on for the trails at home in ``region`` tagged ``tag_key=on``; returns
    their ARNs. Trails that cannot take Insights yet are left as they are."""
    enabled = []
    async with session.client("cloudtrail", region_name=region) as cloudtrail:
        trails = (await cloudtrail.describe_trails(includeShadowTrails=False))["trailList"]
        for trail in trails:
            if await _tag(cloudtrail, trail["TrailARN"], tag_key) != "on":
                continue
            try:
                await cloudtrail.put_insight_selectors(
                    TrailName=trail["TrailARN"], InsightSelectors=WANTED
                )
            except cloudtrail.exceptions.InvalidInsightSelectorsException:
                continue  # the trail does not log the management events Insights need
            enabled.append(trail["TrailARN"])
    return enabled


async def _tag(cloudtrail: Any, arn: str, key: str) -> str | None:
    listed = await cloudtrail.list_tags(ResourceIdList=[arn])
    tags = listed["ResourceTagList"][0]["TagsList"]
    return next((tag.get("Value") for tag in tags if tag["Key"] == key), None)
