"""Trail names and ARNs: the syntax rules CloudTrail enforces and how names become ARNs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mock_insights.errors import ServiceError

_NAME_CHARS = re.compile(r"[A-Za-z0-9._-]+")
_ADJACENT_PUNCTUATION = re.compile(r"[._-]{2}")
_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
# What a region name looks like wherever the mock reads one from outside (seeds, state files,
# signatures): lowercase letters and digits in dash-separated parts, as ARNs carry them.
REGION_FORM = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_TRAIL_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):cloudtrail:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):trail/(?P<name>.+)"
)


def partition(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def trail_arn(region: str, account_id: str, name: str) -> str:
    """The home ARN of trail ``name`` created in ``region`` by ``account_id``."""
    return f"arn:{partition(region)}:cloudtrail:{region}:{account_id}:trail/{name}"


def check_trail_name(name: str) -> None:
    """Raise ``InvalidTrailNameException`` unless ``name`` follows CloudTrail's naming rules."""
    if len(name) < 3:
        raise ServiceError(
            "InvalidTrailNameException",
            "Trail name too short. Minimum allowed length: 3 characters. "
            f"Specified name length: {len(name)} characters.",
        )
    if len(name) > 128:
        raise ServiceError(
            "InvalidTrailNameException",
            "Trail name too long. Maximum allowed length: 128 characters. "
            f"Specified name length: {len(name)} characters.",
        )
    if not name[0].isascii() or not name[0].isalnum():
        raise ServiceError(
            "InvalidTrailNameException", "Trail name must starts with a letter or number."
        )
    if not name[-1].isascii() or not name[-1].isalnum():
        raise ServiceError(
            "InvalidTrailNameException", "Trail name must ends with a letter or number."
        )
    if not _NAME_CHARS.fullmatch(name):
        raise ServiceError(
            "InvalidTrailNameException",
            "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, "
            "periods (.), hyphens (-), and underscores (_).",
        )
    if _ADJACENT_PUNCTUATION.search(name):
        raise ServiceError(
            "InvalidTrailNameException",
            "Trail name must not contain adjacent periods (.), hyphens (-), or underscores (_).",
        )
    if _IP_ADDRESS.fullmatch(name):
        raise ServiceError(
            "InvalidTrailNameException", "Trail name must not be formatted as an IP address."
        )


@dataclass(frozen=True, slots=True)
class TrailRef:
    """A trail as the caller named it, resolved to the ARN it must have."""

    arn: str
    region: str
    account_id: str
    name: str
    by_arn: bool


def resolve_trail(name_or_arn: str, region: str, account_id: str) -> TrailRef:
    """Turn a ``Name``/``TrailName`` parameter into the ARN to look up, validating its syntax.

    A bare name always means a trail whose home is the caller's region and account; an ARN
    means exactly that trail, wherever it lives.
    """
    if name_or_arn.startswith("arn:"):
        match = _TRAIL_ARN.fullmatch(name_or_arn)
        if match is None:
            raise ServiceError("CloudTrailARNInvalidException", f"Invalid trail ARN: {name_or_arn}")
        check_trail_name(match["name"])
        return TrailRef(name_or_arn, match["region"], match["account"], match["name"], by_arn=True)
    check_trail_name(name_or_arn)
    return TrailRef(
        trail_arn(region, account_id, name_or_arn), region, account_id, name_or_arn, by_arn=False
    )
