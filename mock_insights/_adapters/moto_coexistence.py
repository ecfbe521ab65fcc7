"""Side by side with moto's ``mock_aws``: CloudTrail is ours, S3, KMS and SNS state is moto's.

Nothing here imports moto. Everything reads ``sys.modules``, so a process without moto pays one
dictionary lookup and never loads it.

- moto answers every service from one ``before-send`` handler, and botocore calls every
  ``before-send`` handler even after ours has answered. ``claim_cloudtrail`` makes moto's
  handler step aside for CloudTrail while mock_insights is active, so moto's CloudTrail
  backend is never touched and its dispatch never runs for those calls.
- While moto's mock is active, a bucket, key or topic the test did not declare takes its
  condition from moto's S3, KMS and SNS backends. Policies are read for an Allow statement
  that grants CloudTrail's service principal the action it needs. That is a deliberate
  simplification of IAM evaluation; docs/behaviour.md states it.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from typing import TYPE_CHECKING, Any

from mock_insights._adapters import active

if TYPE_CHECKING:
    from mock_insights._cloudtrail.state import BucketCondition, KeyCondition, TopicCondition

_STUBBER_MODULE = "moto.core.botocore_stubber"
_CLOUDTRAIL_EVENT = "before-send.cloudtrail."
_CLOUDTRAIL_PRINCIPAL = "cloudtrail.amazonaws.com"
_S3 = "moto's S3 state"
_KMS = "moto's KMS state"
_SNS = "moto's SNS state"

claimed = False


def claim_cloudtrail() -> None:
    """Once moto is loaded, make its ``before-send`` stubber skip CloudTrail while we are active."""
    global claimed
    module = sys.modules.get(_STUBBER_MODULE)
    if module is None:
        return
    stubber_class = module.BotocoreStubber
    original = stubber_class.__call__
    if not getattr(original, "mock_insights_claim", False):

        def stubber_call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
            if active.current is not None and event_name.startswith(_CLOUDTRAIL_EVENT):
                return None
            return original(self, event_name, request, **kwargs)

        stubber_call.mock_insights_claim = True  # type: ignore[attr-defined]
        stubber_class.__call__ = stubber_call
    claimed = True


def moto_active() -> bool:
    """Whether a moto ``mock_aws`` is active in this process."""
    models = sys.modules.get("moto.core.models")
    return models is not None and bool(models.botocore_stubber.enabled)


def _grants(policy: str | bytes | None, action: str) -> bool:
    """Whether a resource policy allows CloudTrail's service principal ``action``."""
    if not policy:
        return False
    try:
        document = json.loads(policy)
    except ValueError:
        return False
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        if principal != "*" and _CLOUDTRAIL_PRINCIPAL not in services:
            continue
        actions = statement.get("Action", [])
        for pattern in [actions] if isinstance(actions, str) else actions:
            if fnmatch.fnmatchcase(action.lower(), str(pattern).lower()):
                return True
    return False


def _regional_backend(module: str, backends: str, arn: str) -> Any:
    """moto's backend for the account and region of ``arn`` (None if that service's moto
    module is not loaded, so the lookups that follow find nothing)."""
    models = sys.modules.get(module)
    if models is None:
        return None
    _, _, _, region, account_id, _ = arn.split(":", 5)
    try:
        return getattr(models, backends)[account_id][region]
    except (KeyError, TypeError):
        return None


def _moto_bucket(name: str) -> tuple[Any, Any] | None:
    """(moto's S3 backend that holds the bucket, the bucket), if moto's S3 has it."""
    s3 = sys.modules.get("moto.s3.models")
    owner = None if s3 is None else s3.s3_backends.bucket_accounts.get(name)
    if s3 is None or owner is None:
        return None
    # moto >= 5.1 keeps (partition, account) with a backend per partition; 5.0 keeps the
    # account, with one "global" backend.
    partition, account_id = owner if isinstance(owner, tuple) else ("global", owner)
    backend = s3.s3_backends[account_id][partition]
    bucket = backend.buckets.get(name)
    return None if bucket is None else (backend, bucket)


class MotoConditions:
    """The model's source of undeclared bucket and key conditions: moto's, while it is active."""

    def bucket(self, name: str) -> BucketCondition | None:
        """The bucket as moto's S3 holds it, or None when moto is not active."""
        if not moto_active():
            return None
        from mock_insights._cloudtrail.state import BucketCondition  # once moto is active

        found = _moto_bucket(name)
        if found is None:
            return BucketCondition(exists=False, origin=_S3)
        bucket = found[1]
        return BucketCondition(
            exists=True, policy_sufficient=_grants(bucket.policy, "s3:PutObject"), origin=_S3
        )

    def key(self, key_arn: str) -> KeyCondition | None:
        """The key as moto's KMS holds it (aliases resolved), or None when moto is not active."""
        if not moto_active():
            return None
        from mock_insights._cloudtrail.state import KeyCondition

        backend = _regional_backend("moto.kms.models", "kms_backends", key_arn)
        try:
            key = backend.keys[backend.any_id_to_key_id(key_arn)]
        except (KeyError, AttributeError, TypeError):
            return KeyCondition(exists=False, origin=_KMS)
        return KeyCondition(
            exists=True,
            state=str(key.key_state),
            policy_sufficient=_grants(key.policy, "kms:GenerateDataKey"),
            origin=_KMS,
        )

    def topic(self, topic_arn: str) -> TopicCondition | None:
        """The topic as moto's SNS holds it, or None when moto is not active."""
        if not moto_active():
            return None
        from mock_insights._cloudtrail.state import TopicCondition

        backend = _regional_backend("moto.sns.models", "sns_backends", topic_arn)
        try:
            topic = backend.topics[topic_arn]
        except (KeyError, AttributeError, TypeError):
            return TopicCondition(exists=False, origin=_SNS)
        return TopicCondition(
            exists=True, policy_sufficient=_grants(topic.policy, "sns:Publish"), origin=_SNS
        )

    def answers(self) -> bool:
        """Whether moto is active, so its S3, KMS and SNS state may decide a check."""
        return moto_active()

    def deliver(self, bucket: str, key: str, body: bytes) -> bool:
        """Write a log file into moto's S3, as CloudTrail delivers to the trail's bucket,
        when moto is active and has the bucket."""
        if not moto_active():
            return False
        found = _moto_bucket(bucket)
        if found is None:
            return False
        found[0].put_object(bucket, key, body)
        return True


CONDITIONS = MotoConditions()
