"""Where a trail delivers: the S3 bucket, SNS topic and KMS key checks CloudTrail makes.

CreateTrail, UpdateTrail and PutInsightSelectors fail when the bucket is missing or its policy
does not let CloudTrail write, or when the KMS key cannot be used; CreateTrail and UpdateTrail
also when the SNS topic is missing or does not let CloudTrail publish. A bucket, topic or key a
test did not declare takes its condition from the backend's external source (moto's state
while moto is active), and otherwise exists and allows CloudTrail. Messages are AWS's where
they have been observed, followed by where the condition came from when that was moto, so a
migrating user knows where to look; docs/behaviour.md gives the source of each.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import uuid

from mock_insights.errors import ServiceError

from . import insight_events
from .insight_events import Insight
from .names import partition
from .state import Backend, BucketCondition, KeyCondition, TopicCondition, Trail

_KMS_KEY_ID = re.compile(
    r"(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+))"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[A-Za-z0-9/_-]+"
)
_SNS_TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SNS_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}")
_UNUSABLE_KEY_STATES = {"Disabled": "is disabled", "PendingDeletion": "is pending deletion"}
_DEFAULT_BUCKET = BucketCondition()
_DEFAULT_KEY = KeyCondition()
_DEFAULT_TOPIC = TopicCondition()


def _from(origin: str | None) -> str:
    return "" if origin is None else f" (mock_insights read this from {origin})"


def kms_key_arn(value: str, region: str, account_id: str) -> str:
    """The ARN of a key given as an ARN, key ID or alias, as CloudTrail stores it."""
    if not _KMS_KEY_ID.fullmatch(value):
        raise ServiceError("InvalidKmsKeyIdException", f"Invalid KmsKeyId {value}")
    if value.startswith("arn:"):
        return value
    kind = "" if value.startswith("alias/") else "key/"
    return f"arn:{partition(region)}:kms:{region}:{account_id}:{kind}{value}"


def sns_topic_arn(value: str, region: str, account_id: str) -> str:
    """The ARN of a topic given by name or ARN, as CloudTrail stores it."""
    valid = _SNS_TOPIC_ARN if value.startswith("arn:") else _SNS_TOPIC_NAME
    if not valid.fullmatch(value):
        raise ServiceError("InvalidSnsTopicNameException", f"SNS topic name is not valid: {value}")
    if value.startswith("arn:"):
        return value
    return f"arn:{partition(region)}:sns:{region}:{account_id}:{value}"


def _external_bucket(backend: Backend, name: str) -> BucketCondition | None:
    return None if backend.external is None else backend.external.bucket(name)


def _external_key(backend: Backend, key_arn: str) -> KeyCondition | None:
    return None if backend.external is None else backend.external.key(key_arn)


def check_bucket(backend: Backend, name: str) -> None:
    """Raise unless the bucket exists and its policy lets CloudTrail write."""
    bucket = backend.buckets.get(name) or _external_bucket(backend, name) or _DEFAULT_BUCKET
    if not bucket.exists:
        raise ServiceError(
            "S3BucketDoesNotExistException",
            f"S3 bucket {name} does not exist!{_from(bucket.origin)}",
        )
    if not bucket.policy_sufficient:
        raise ServiceError(
            "InsufficientS3BucketPolicyException",
            f"Incorrect S3 bucket policy is detected for bucket: {name}{_from(bucket.origin)}",
        )


def check_topic(backend: Backend, topic_arn: str) -> None:
    """Raise unless the SNS topic exists and its policy lets CloudTrail publish."""
    external = None if backend.external is None else backend.external.topic(topic_arn)
    topic = backend.topics.get(topic_arn) or external or _DEFAULT_TOPIC
    if not (topic.exists and topic.policy_sufficient):
        raise ServiceError(
            "InsufficientSnsTopicPolicyException",
            f"SNS Topic does not exist or the topic policy is incorrect!{_from(topic.origin)}",
        )


def check_delivery(
    backend: Backend,
    bucket: str,
    key_arn: str | None,
    *,
    missing_key_code: str,
    bucket_given: bool = True,
    topic_arn: str | None = None,
) -> None:
    """The bucket (unless the request leaves it as it was), the SNS topic the request sets,
    then the key if there is one.

    ``missing_key_code`` is ``KmsKeyNotFoundException`` where the operation models it and
    ``KmsException`` where it does not (PutInsightSelectors).
    """
    if bucket_given:
        check_bucket(backend, bucket)
    if topic_arn:
        check_topic(backend, topic_arn)
    if key_arn:
        check_key(backend, key_arn, bucket, missing_code=missing_key_code)


def check_key(backend: Backend, key_arn: str, bucket: str, *, missing_code: str) -> None:
    """Raise unless the key exists, is enabled and its policy lets CloudTrail encrypt."""
    key = backend.keys.get(key_arn) or _external_key(backend, key_arn) or _DEFAULT_KEY
    origin = _from(key.origin)
    if not key.exists:
        raise ServiceError(missing_code, f"KMS key {key_arn} does not exist.{origin}")
    if key.state != "Enabled":
        reason = _UNUSABLE_KEY_STATES.get(key.state, f"is in state {key.state}")
        raise ServiceError("KmsException", f"{key_arn} {reason}.{origin}")
    if not key.policy_sufficient:
        raise ServiceError(
            "InsufficientEncryptionPolicyException",
            f"Insufficient permissions to access S3 bucket {bucket} or KMS key {key_arn}.{origin}",
        )


def insight_log_files(trail: Trail, insight: Insight) -> list[tuple[str, bytes]]:
    """The log files CloudTrail writes for an Insight on a trail: one per record, gzipped JSON
    under ``AWSLogs/<account>/CloudTrail-Insight/<region>/YYYY/MM/DD/`` of the trail's prefix,
    named as the user guide gives log file names."""
    files = []
    for when, record in (
        (insight.start, insight_events.start_record(insight)),
        (insight.end, insight_events.end_record(insight)),
    ):
        stamp = time.gmtime(when)
        folder = time.strftime("%Y/%m/%d", stamp)
        name = (
            f"{insight.account_id}_CloudTrail-Insight_{insight.region}_"
            f"{time.strftime('%Y%m%dT%H%MZ', stamp)}_{uuid.uuid4().hex[:16]}.json.gz"
        )
        prefix = f"{trail.s3_key_prefix}/" if trail.s3_key_prefix else ""
        folder = f"AWSLogs/{insight.account_id}/CloudTrail-Insight/{insight.region}/{folder}"
        key = f"{prefix}{folder}/{name}"
        body = gzip.compress(json.dumps({"Records": [record]}).encode())
        files.append((key, body))
    return files


def deliver_insight(backend: Backend, trail: Trail, insight: Insight) -> int:
    """Deliver an Insight's log files where the backend's external source holds the trail's
    bucket (moto's S3 while moto is active); how many files were written."""
    if backend.external is None:
        return 0
    written = 0
    for key, body in insight_log_files(trail, insight):
        written += backend.external.deliver(trail.s3_bucket_name, key, body)
    return written
