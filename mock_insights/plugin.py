"""The pytest plugin, registered through the ``pytest11`` entry point: ``insights_mock``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._mock import InsightsMock


@pytest.fixture
def insights_mock() -> Iterator[InsightsMock]:
    """An active mock with fresh state for one test, stopped afterwards."""
    with InsightsMock() as mock:
        yield mock
