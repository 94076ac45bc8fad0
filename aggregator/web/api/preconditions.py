"""The API's optimistic concurrency in HTTP terms: a stub's version as a strong `ETag`, and the
`If-Match` every write must carry (RFC 9110 13.1.1, RFC 6585 for 428).

`"<item id>-<version>"` names one version of one stub, so an ETag of another stub never
matches. A write without If-Match, or with `*` (which names no version), is 428: it would
overwrite whatever is there. A weak tag (`W/"..."`) never matches, as If-Match compares
strongly; nor does a tag of another stub or another version: 412.
"""

from __future__ import annotations

import re

STRONG_TAG = re.compile(r'\s*"(\d{1,11})-(\d{1,18})"\s*')
"""One strong entity tag of ours: the stub's item id, then its version."""
SEND_IF_MATCH = (
    "send If-Match with the ETag of a GET /api/stubs/{item_id} (the version you read, "
    'e.g. If-Match: "{item_id}-3"): without it a write would overwrite changes you have not '
    "seen"
)


class PreconditionRequired(Exception):
    """A write that names no version of the stub it changes (428)."""


def stub_etag(item_id: int, version: int) -> str:
    """The strong ETag of one version of one stub: `"12-3"`."""
    return f'"{item_id}-{version}"'


def based_on(header: str | None, item_id: int) -> int:
    """The version of stub `item_id` a write with this If-Match header was based on: the
    newest its tags name (every version a GET gave is at most the current one, so when the
    current one is named, it is the newest), or 0, which no stub has, when they name only
    other stubs, weak or unreadable tags (the write is then refused: 412).
    PreconditionRequired when there is no header, or it is `*`."""
    if header is None or not header.strip():
        raise PreconditionRequired(SEND_IF_MATCH.format(item_id=item_id))
    tags = _tags(header)
    if "*" in (t.strip() for t in tags):
        raise PreconditionRequired(
            "If-Match: * names no version; " + SEND_IF_MATCH.format(item_id=item_id)
        )
    versions = [0]
    for tag in tags:
        found = STRONG_TAG.fullmatch(tag)
        if found is not None and int(found.group(1)) == item_id:
            versions.append(int(found.group(2)))
    return max(versions)


def _tags(header: str) -> list[str]:
    """The comma-separated entity tags of a header; a comma inside quotes is not a separator."""
    tags: list[str] = []
    current: list[str] = []
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            tags.append("".join(current))
            current = []
        else:
            current.append(char)
    tags.append("".join(current))
    return [t for t in tags if t.strip()]
