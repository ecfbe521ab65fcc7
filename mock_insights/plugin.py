"""The pytest plugin, registered through the ``pytest11`` entry point.

``insights_mock`` is an active mock with fresh state for one test. The ``insights_mock``
marker configures it (``region``, ``account_id``, ``state``: a snapshot, or the path of a
JSON state file relative to the test file, and ``organization``: the keyword arguments of
``InsightsMock.set_organization``, and ``history_limit``) and switches it on for marked
tests that do not ask for the fixture by name; on a class or module (``pytestmark``) it
applies to every test. ``insights_server`` serves that mock over HTTP and gives its URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from ._activation import DEFAULT_ACCOUNT_ID
from ._decorate import close_test_activation
from ._mock import InsightsMock
from .errors import UsageError

MARKER = "insights_mock"
_OPTIONS = ("region", "account_id", "state", "organization", "history_limit", "retry_delays")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(region=None, account_id='{DEFAULT_ACCOUNT_ID}', state=None, "
        "organization=None, history_limit=None, retry_delays=None): run the test with the "
        "insights_mock fixture, in this region and account, from this state file (relative to "
        "the test file) or snapshot, with this organization (the keyword arguments of "
        "InsightsMock.set_organization), keeping at most history_limit calls, retrying "
        "without waiting when retry_delays is False.",
    )


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    unknown = sorted(set(marker.kwargs) - set(_OPTIONS))
    if marker.args or unknown:
        pytest.fail(
            f"@pytest.mark.{MARKER} takes the keyword options {', '.join(_OPTIONS)} only; "
            f"got {', '.join(map(repr, marker.args)) or ', '.join(unknown)}",
            pytrace=False,
        )
    return dict(marker.kwargs)


def _state(
    value: Mapping[str, Any] | str | os.PathLike[str], request: pytest.FixtureRequest
) -> Any:
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str | os.PathLike):
        raise UsageError(
            "the insights_mock marker's state must be a snapshot mapping or a path to a state "
            f"file, not {type(value).__name__}"
        )
    path = Path(value)
    return path if path.is_absolute() else Path(request.path).parent / path


@pytest.fixture
def insights_mock(request: pytest.FixtureRequest) -> Iterator[InsightsMock]:
    """An active mock with fresh state for one test, stopped afterwards."""
    options = _marker_options(request)
    mock = InsightsMock(
        region=options.get("region"),
        account_id=options.get("account_id"),
        history_limit=options.get("history_limit"),
        retry_delays=options.get("retry_delays"),
    )
    with mock:
        if options.get("state") is not None:
            mock.restore(_state(options["state"], request))
        if options.get("organization") is not None:
            mock.set_organization(**options["organization"])
        yield mock


@pytest.fixture
def insights_server(insights_mock: InsightsMock) -> str:
    """The URL of a loopback server answering from ``insights_mock``'s state, for the AWS
    CLI, Terraform or another SDK run by the test; it stops with the mock."""
    return insights_mock.serve()


@pytest.fixture(autouse=True)
def _insights_mock_marker(request: pytest.FixtureRequest) -> None:
    """Switch the fixture on for tests that carry the marker without naming the fixture."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("insights_mock")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After a test's teardown, end the activation a decorated class's setup opened if a
    teardown that skipped ``super()`` left it open: the next test must start unmocked."""
    yield
    instance = getattr(item, "instance", None)
    if instance is not None:
        close_test_activation(instance)
