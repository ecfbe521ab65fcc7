"""mock_insights: a faithful, fast in-memory mock of AWS CloudTrail Insights for boto3."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._activation import DEFAULT_ACCOUNT_ID
from ._mock import InsightsMock, mock_insights
from ._version import __version__
from .errors import (
    MockInsightsError,
    NotStartedError,
    ServiceError,
    UnsupportedOperationError,
    UsageError,
)

if TYPE_CHECKING:
    from ._toolkit.faults import Injection
    from ._toolkit.history import CallHistory, RecordedCall

# Types only needed once a test reads calls or injects faults load on first use, keeping
# ``import mock_insights`` cheap.
_LAZY = {"CallHistory": "_history", "RecordedCall": "_history", "Injection": "_faults"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mock_insights' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "CallHistory",
    "Injection",
    "InsightsMock",
    "MockInsightsError",
    "NotStartedError",
    "RecordedCall",
    "ServiceError",
    "UnsupportedOperationError",
    "UsageError",
    "__version__",
    "mock_insights",
]
