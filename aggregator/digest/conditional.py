"""Conditional GET for the digest (RFC 9110, section 13): validators and the 304 decision.

The validators come from the selection's state, not from the document, so a reader that has
the current digest is answered 304 without the document being built. If-None-Match takes
precedence over If-Modified-Since; entity tags are compared weakly, as RFC 9110 asks for
If-None-Match.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


def strong_etag(*parts: object) -> str:
    """A strong entity tag: a hash of what determines the representation."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass"))
    return f'"{digest.hexdigest()[:32]}"'


def http_date(when: datetime) -> str:
    """`Sun, 29 Nov 2026 12:00:00 GMT`."""
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _opaque_tags(header: str) -> Iterable[str]:
    position = 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None:  # a malformed list: take what could be read
            return
        yield match.group(1)
        position = match.end()


def none_match(header: str, etag: str) -> bool:
    """Whether If-None-Match `header` matches `etag` (weak comparison; `*` matches)."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag == opaque for tag in _opaque_tags(header))


def not_modified(
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str,
    last_modified: datetime | None,
    now: datetime,
) -> bool:
    """Whether a GET or HEAD with these headers is answered 304 Not Modified."""
    if if_none_match is not None:
        return none_match(if_none_match, etag)
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    if since > now:  # a date in the future is invalid (RFC 9110, 13.1.3)
        return False
    return last_modified.replace(microsecond=0) <= since
