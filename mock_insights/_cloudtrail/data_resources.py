"""Basic event selectors' ``DataResources.Values``: the ARN forms CloudTrail accepts per type.

From the DataResource page of the CloudTrail API reference: a type's bare service prefix
(``arn:aws:s3``, ``arn:aws:lambda``, ``arn:aws:dynamodb``) selects every resource of that type;
otherwise an S3 value names a bucket and an object prefix (``arn:aws:s3:::bucket/`` or
``arn:aws:s3:::bucket/prefix``), a Lambda value a function ARN and a DynamoDB value a table ARN.
A wildcard in place of the bucket or function and a bucket ARN without the ``/`` are refused,
as observed: "Value arn:aws:s3:::* for DataResources.Values is invalid."; an object prefix is
any text (object keys may contain ``*``).
"""

from __future__ import annotations

import re

from mock_insights.errors import ServiceError

_PARTITION = r"arn:aws(?:-[a-z]+)*"
_REGION_ACCOUNT = r"[a-z]{2}(?:-[a-z]+)+-\d:\d{12}"
# Legacy us-east-1 buckets may have upper case and underscores, so the ARN form is not held to
# today's naming rules.
_BUCKET = r"[A-Za-z0-9._-]{3,255}"
_VALUE_FORMS: dict[str, re.Pattern[str]] = {
    "AWS::S3::Object": re.compile(rf"{_PARTITION}:s3(?::::|:::{_BUCKET}/.*)?"),
    "AWS::Lambda::Function": re.compile(
        rf"{_PARTITION}:lambda(?::{_REGION_ACCOUNT}:function:[A-Za-z0-9_-]{{1,64}}(?::[A-Za-z0-9$_-]+)?)?"
    ),
    "AWS::DynamoDB::Table": re.compile(
        rf"{_PARTITION}:dynamodb(?::{_REGION_ACCOUNT}:table/[A-Za-z0-9_.-]{{3,255}})?"
    ),
}


def check_values(resource_type: str, values: list[str]) -> None:
    """Raise ``InvalidEventSelectorsException`` for the first value of the wrong form."""
    form = _VALUE_FORMS[resource_type]
    for value in values:
        if not form.fullmatch(value) or ".." in value.split("/", 1)[0]:
            raise ServiceError(
                "InvalidEventSelectorsException",
                f"Value {value} for DataResources.Values is invalid.",
            )
