"""Tag rules shared by AddTags, RemoveTags and the ``TagsList`` of CreateTrail and
CreateEventDataStore: what a valid tag is, how new tags merge, and the per-resource limit.

Sources: the AddTags and Tag pages of the CloudTrail API reference (key 1-128 characters, value
0-256, at most 50 tags per resource, a key without a value makes a tag whose value is null, a
new value for a key overwrites it, keys are unique) and the older SDK documentation of
``InvalidTagParameterException`` (the characters allowed). docs/behaviour.md lists the rest.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from mock_insights.errors import ServiceError

Tag = dict[str, Any]

MAX_TAGS_PER_RESOURCE = 50
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
_ALLOWED_PUNCTUATION = frozenset("_.:/=+-@")
_ALLOWED_CATEGORIES = ("L", "Z", "N")  # letters, separators (spaces) and numbers, any script
_RESERVED_PREFIX = "aws:"


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidTagParameterException", message)


def _allowed_characters(text: str) -> bool:
    return all(
        char in _ALLOWED_PUNCTUATION or unicodedata.category(char)[0] in _ALLOWED_CATEGORIES
        for char in text
    )


def _check_tag(tag: Tag) -> None:
    key, value = tag["Key"], tag.get("Value")
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise _invalid(f"Tag key must be between 1 and {MAX_KEY_LENGTH} characters: {key!r}.")
    if not _allowed_characters(key):
        raise _invalid(
            f"Tag key {key!r} is not valid: it may contain only Unicode letters, digits, "
            "white space and _ . : / = + - @."
        )
    if key.lower().startswith(_RESERVED_PREFIX):
        raise _invalid(f"Tag key {key!r} is not valid: the prefix aws: is reserved for AWS use.")
    if value is None:
        return
    if len(value) > MAX_VALUE_LENGTH:
        raise _invalid(f"Tag value for key {key!r} must be at most {MAX_VALUE_LENGTH} characters.")
    if not _allowed_characters(value):
        raise _invalid(
            f"Tag value for key {key!r} is not valid: it may contain only Unicode letters, "
            "digits, white space and _ . : / = + - @."
        )


def check_tags(tags: list[Tag]) -> None:
    """Every tag valid and every key given once, as AddTags, RemoveTags and create require."""
    seen: set[str] = set()
    for tag in tags:
        _check_tag(tag)
        if tag["Key"] in seen:
            raise _invalid(f"Duplicate tag key {tag['Key']!r}: tag keys must be unique.")
        seen.add(tag["Key"])


def _copy(tag: Tag) -> Tag:
    return {"Key": tag["Key"]} if tag.get("Value") is None else dict(tag)


def merged(
    current: list[Tag],
    added: list[Tag],
    resource_arn: str,
    limit_code: str = "TagsLimitExceededException",
) -> list[Tag]:
    """``current`` with ``added`` applied (new keys appended, existing keys overwritten),
    refused with ``limit_code`` when the resource would carry too many."""
    check_tags(added)
    by_key = {tag["Key"]: tag for tag in current}
    for tag in added:
        by_key[tag["Key"]] = _copy(tag)
    if len(by_key) > MAX_TAGS_PER_RESOURCE:
        raise ServiceError(
            limit_code,
            f"The number of tags on {resource_arn} would be {len(by_key)}; a trail or event data "
            f"store can have at most {MAX_TAGS_PER_RESOURCE} tags.",
        )
    return list(by_key.values())


def without(current: list[Tag], removed: list[Tag]) -> list[Tag]:
    """``current`` without the keys of ``removed``; a key it does not carry is ignored."""
    check_tags(removed)
    keys = {tag["Key"] for tag in removed}
    return [tag for tag in current if tag["Key"] not in keys]


def initial(
    tags: list[Tag] | None, resource_arn: str, limit_code: str = "TagsLimitExceededException"
) -> list[Tag]:
    """The tags a new resource starts with: its ``TagsList`` under the same rules as AddTags.

    CreateEventDataStore does not model ``TagsLimitExceededException``; its
    ``InvalidTagParameterException`` covers "too many tags on the resource".
    """
    return merged([], tags or [], resource_arn, limit_code)
