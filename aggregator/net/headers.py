"""Pure interpretation of the response headers that steer when we come back."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from aggregator.records import CacheHints

_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d{1,10})\"?", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\b", re.IGNORECASE)


def http_date(value: str | None) -> datetime | None:
    """An HTTP-date (RFC 9110 IMF-fixdate and the two obsolete forms) as an aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a `Retry-After` header (a delay in seconds or an HTTP-date) asks us to wait.

    None when absent or unreadable; negative for a date already past (callers clamp). The one
    reading of the header: feeds and drafting backends both use it."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value), 10**8))
    when = http_date(value)
    return None if when is None else (when - now).total_seconds()


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """When a `Retry-After` header (delay in seconds or an HTTP-date) tells us to come back."""
    seconds = retry_after_seconds(value, now)
    return None if seconds is None else now + timedelta(seconds=seconds)


def cache_hints(cache_control: str | None, expires: str | None, now: datetime) -> CacheHints:
    """`Cache-Control: max-age` (or s-maxage) and `Expires`, ignoring dates in the past."""
    max_age = None
    if cache_control and not _NO_CACHE.search(cache_control):
        match = _MAX_AGE.search(cache_control)
        if match:
            max_age = int(match.group(1))
    expires_at = http_date(expires)
    if expires_at is not None and expires_at <= now:
        expires_at = None
    return CacheHints(max_age_seconds=max_age, expires=expires_at)


def media_type(content_type: str | None) -> str:
    """`text/html` of `Text/HTML; charset=UTF-8`; "" when there is none."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def charset(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type, unquoted; None when absent or empty."""
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None
