from __future__ import annotations

from contextlib import contextmanager

import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
ACCOUNT = "123456789012"
BUCKET = "trail-bucket"
TRAIL = "insights-trail"


def arn(name: str = TRAIL, region: str = REGION) -> str:
    return f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}"


@contextmanager
def raises_code(code: str, message: str | None = None):
    """Expect a botocore ClientError with this exact code (and message, if given)."""
    with pytest.raises(ClientError) as caught:
        yield caught
    error = caught.value.response["Error"]
    assert error["Code"] == code, error
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if message is not None:
        assert error["Message"] == message


def cloudtrail_model():
    """botocore's CloudTrail model, read without a session (so no profile is looked up)."""
    from botocore.loaders import Loader
    from botocore.model import ServiceModel

    return ServiceModel(Loader().load_service_model("cloudtrail", "service-2"), "cloudtrail")
