"""The AWS JSON 1.1 protocol as CloudTrail speaks it: wire request in, wire response out.

Nothing here knows about botocore's event system or about trails. ``decode`` turns a request
into an operation name and its parameters; ``encode_result`` and ``encode_error`` build the bytes
botocore's own parser expects, so botocore raises its modeled ``ClientError`` subclasses.
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from mock_insights._cloudtrail import service_model
from mock_insights.errors import ServiceError

Params = dict[str, Any]
CONTENT_TYPE = "application/x-amz-json-1.1"
# Request ids look like AWS's (a UUID) and are unique per process, without a uuid4() per call.
_REQUEST_ID_PREFIX = str(uuid.uuid4())[:24]
_request_numbers = itertools.count(1)
# One compact encoder, built once: json.dumps with options builds a new one on every call.
_encode = json.JSONEncoder(separators=(",", ":")).encode
# A decoder built once, fed text: json.loads builds one per call and sniffs the bytes' encoding.
_decode = json.JSONDecoder().decode


@dataclass(frozen=True, slots=True)
class WireRequest:
    """One CloudTrail request as it would arrive at AWS, plus who sent it from where."""

    target: str | None
    body: bytes
    region: str
    account_id: str
    validated: bool = False  # botocore checked the parameters against the model already
    access_key_id: str | None = None  # the caller's static key, as CloudTrail records it


@dataclass(frozen=True, slots=True)
class WireResponse:
    """One HTTP answer: status, headers and the JSON body."""

    status: int
    headers: dict[str, str]
    body: bytes


def decode(request: WireRequest) -> tuple[str, Params]:
    """Split a wire request into (operation, params), rejecting what AWS would not parse.

    The target is botocore's ``com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>``
    or the short ``CloudTrail_20131101.<Op>`` that the Go, JavaScript and Java SDKs send.
    """
    target = request.target or ""
    prefix, _, operation = target.rpartition(".")
    if (
        prefix != service_model.target_prefix() and prefix != service_model.short_target_prefix()
    ) or operation not in service_model.operation_names():
        raise ServiceError(
            "UnknownOperationException", f"Unknown operation {target or '(no X-Amz-Target)'}"
        )
    if not request.body:
        return operation, {}
    try:
        params = _decode(request.body.decode())
    except (ValueError, UnicodeDecodeError, RecursionError):  # nesting too deep to parse
        params = None
    if not isinstance(params, dict):
        raise ServiceError(
            "SerializationException", "Start of structure or map found where not expected."
        )
    return operation, params


def _headers(body: bytes) -> dict[str, str]:
    return {
        "content-type": CONTENT_TYPE,
        "content-length": str(len(body)),
        "x-amzn-requestid": f"{_REQUEST_ID_PREFIX}{next(_request_numbers):012x}",
    }


def encode_result(result: Params) -> WireResponse:
    """A 200 answer with the operation's output members as JSON."""
    body = _encode(result).encode()
    return WireResponse(200, _headers(body), body)


def encode_error(error: ServiceError) -> WireResponse:
    """The JSON 1.1 error envelope: bare ``__type`` and capital-M ``Message``."""
    body = _encode({"__type": error.code, "Message": error.message}).encode()
    return WireResponse(error.status, _headers(body), body)
