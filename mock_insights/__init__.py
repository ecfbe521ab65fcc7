"""mock_insights: a faithful, fast in-memory mock of AWS CloudTrail Insights for boto3.

While a mock is active, every CloudTrail call made through boto3 or botocore is answered from
in-memory state in CloudTrail's wire format, so botocore raises its own modeled errors; nothing
reaches the network and no credentials are needed. Three ways to switch it on::

    import boto3
    from mock_insights import mock_insights

    @mock_insights                      # a decorator: fresh state for each call
    def test_enable_insights():
        cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")
        cloudtrail.create_trail(Name="audit-trail", S3BucketName="audit-bucket")
        cloudtrail.put_insight_selectors(
            TrailName="audit-trail", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
        )

    def test_with_fixture(insights_mock):   # the pytest fixture: an active InsightsMock
        insights_mock.seed_trail(Name="audit-trail", S3BucketName="audit-bucket")

    with mock_insights() as m:           # a context manager, for scripts
        m.inject_error("GetTrail", "ThrottlingException", Name="audit-trail")
        m.calls.assert_not_called("DeleteTrail")

The mock object (``InsightsMock``) records calls (``m.calls``, a ``CallHistory`` of
``RecordedCall``), injects errors (``m.inject_error`` returns an ``Injection``), seeds state
and takes snapshots. Mistakes in using the toolkit raise ``UsageError``. See README.md.
"""

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
    from ._toolkit.scenarios import SimulatedInsight

# Types only needed once a test reads calls or injects faults load on first use, keeping
# ``import mock_insights`` cheap.
_LAZY = {
    "CallHistory": "._toolkit.history",
    "RecordedCall": "._toolkit.history",
    "Injection": "._toolkit.faults",
    "SimulatedInsight": "._toolkit.scenarios",
}


def __getattr__(name: str) -> Any:
    """Load a toolkit type on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mock_insights' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The loaded names plus the lazy ones, so ``help()`` and completion list them too."""
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "CallHistory",
    "Injection",
    "InsightsMock",
    "MockInsightsError",
    "NotStartedError",
    "RecordedCall",
    "ServiceError",
    "SimulatedInsight",
    "UnsupportedOperationError",
    "UsageError",
    "__version__",
    "mock_insights",
]
