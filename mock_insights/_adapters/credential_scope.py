"""Who sent an HTTP request, read from its SigV4 ``Authorization`` header and never verified.

The loopback server tells accounts apart as the in-process mock does: a 12-digit access key is
the account. The region is the one the client signed for, as CloudTrail answers in the region
of the endpoint the request was signed for. The signature itself is ignored, and nothing here
keeps or logs the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mock_insights._cloudtrail.names import REGION_FORM

# AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=...
_CREDENTIAL = re.compile(
    rf"Credential=(?P<key>[^/,\s]+)/\d{{8}}/(?P<region>{REGION_FORM})/(?P<service>[a-z0-9-]+)/"
    r"aws4_request"
)


@dataclass(frozen=True, slots=True)
class CredentialScope:
    """The parts of a SigV4 credential the mock uses."""

    access_key_id: str
    region: str
    service: str


def parse(authorization: str | None) -> CredentialScope | None:
    """The credential scope of a SigV4 ``Authorization`` header; None if unsigned or not SigV4."""
    if not authorization:
        return None
    match = _CREDENTIAL.search(authorization)
    if match is None:
        return None
    return CredentialScope(match["key"], match["region"], match["service"])
