"""mock_insights: a faithful, fast in-memory mock of AWS CloudTrail Insights for boto3."""

from __future__ import annotations

from ._activation import DEFAULT_ACCOUNT_ID
from ._faults import Injection
from ._history import CallHistory, RecordedCall
from ._mock import InsightsMock, mock_insights
from ._version import __version__
from .errors import (
    MockInsightsError,
    NotStartedError,
    ServiceError,
    UnsupportedOperationError,
    UsageError,
)

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
