from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

import botocore.paginate
import pytest
from botocore.exceptions import ClientError, ParamValidationError

from mock_insights._cloudtrail.state import Backend
from mock_insights._protocol.dispatch import handle
from mock_insights._protocol.wire import WireRequest

if TYPE_CHECKING:
    from botocore.model import ServiceModel

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
ACCOUNT = "123456789012"
BUCKET = "trail-bucket"
TRAIL = "insights-trail"


def arn(name: str = TRAIL, region: str = REGION) -> str:
    return f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}"


@contextmanager
def raises_code(
    code: str, message: str | None = None
) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    """Expect a botocore ClientError with this exact code (and message, if given)."""
    with pytest.raises(ClientError) as caught:
        yield caught
    error = caught.value.response["Error"]
    assert error["Code"] == code, error
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if message is not None:
        assert error["Message"] == message


@cache
def cloudtrail_model() -> ServiceModel:
    """botocore's CloudTrail model, read without a session (so no profile is looked up)."""
    from botocore.loaders import Loader
    from botocore.model import ServiceModel

    return ServiceModel(Loader().load_service_model("cloudtrail", "service-2"), "cloudtrail")


# What the installed botocore can do. Tests of a feature that an older botocore lacks assert
# what that botocore really does, asking the model (or botocore) rather than a version number.


def model_has_member(shape: str, member: str) -> bool:
    """Whether the installed botocore's CloudTrail model has ``member`` in structure ``shape``
    (``("Trail", "RecursiveLogging")``, say): botocore refuses a member its model lacks."""
    return member in cloudtrail_model().shape_for(shape).members


# ``InsightSelector.EventCategories`` (shape ``SourceEventCategory``) came in botocore 1.41.
MODEL_HAS_EVENT_CATEGORIES = model_has_member("InsightSelector", "EventCategories")

# Newer botocore records request features (a paginator, say) in the User-Agent string.
BOTOCORE_RECORDS_REQUEST_FEATURES = hasattr(botocore.paginate, "register_feature_id")


@contextmanager
def sends_event_categories() -> Iterator[None]:
    """Around calls that send ``EventCategories`` in an Insights selector.

    Where the model has the member, the block runs as written. On an older model botocore
    refuses the member before anything is sent (``ParamValidationError``): that refusal, at the
    block's first such call, is then what the block must produce, and the rest of it never runs.
    """
    if MODEL_HAS_EVENT_CATEGORIES:
        yield
        return
    with pytest.raises(ParamValidationError, match=r'Unknown parameter in .*"EventCategories"'):
        yield


def raw_call(backend: Backend, operation: str, params: dict[str, Any]) -> tuple[int, Any]:
    """One request as raw wire, which botocore never validated: the HTTP status and the body."""
    target = f"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.{operation}"
    request = WireRequest(target, json.dumps(params).encode(), REGION, ACCOUNT)
    response = handle(request, backend).response
    return response.status, json.loads(response.body)


def allow_cloudtrail(action: str, resource: str) -> str:
    """A resource policy (bucket, key or topic) whose one statement lets CloudTrail ``action``."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": action,
                    "Resource": resource,
                }
            ],
        }
    )
