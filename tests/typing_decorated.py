"""Checked by mypy in CI, not run by pytest: decorated functions keep their types, so a
decorated coroutine function can go to ``asyncio.run`` and a decorated function returns what
it returned before."""

from __future__ import annotations

import asyncio

from mock_insights import mock_insights


@mock_insights
async def count_trails(limit: int) -> int:
    return limit


@mock_insights(region="eu-west-1", retry_delays=False)
async def configured() -> str:
    return "eu-west-1"


@mock_insights
def plain(name: str) -> str:
    return name


counted: int = asyncio.run(count_trails(3))
region: str = asyncio.run(configured())
named: str = plain("audit-trail")
