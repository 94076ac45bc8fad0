"""feedparser-shaped dictionaries into `ParsedFeed`: the one place both parsers' output is
turned into records, so that titles, links, dates and HTML are cleaned the same way whichever
parser read the document.

The dictionaries come from feedparser (`feeds/parse.py`) or from the lxml fast path
(`feeds/fast_walk.py`), which builds the same keys; lookups are plain `dict.get`, since
FeedParserDict's aliases (and their DeprecationWarnings) are unwanted.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from aggregator.errors import ParseBudgetExceeded, ParseError
from aggregator.feeds.jsonfeed import usable_datetime
from aggregator.net.headers import media_type
from aggregator.records import ParsedFeed, ParsedItem
from aggregator.sanitize import (
    categories,
    clean_html,
    html_to_text,
    plain_text,
    safe_http_url,
    strip_control_chars,
    text_to_html,
)

__all__ = ["describe", "to_parsed_feed"]

_MAX_REASON = 200
_MAX_LANGUAGE = 64
_MAX_MINUTES = 525_600
_PERIOD_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)


def describe(exc: BaseException) -> str:
    reason = " ".join(strip_control_chars(f"{type(exc).__name__}: {exc}").split())
    return reason[:_MAX_REASON]


def _get(mapping: Any, key: str) -> Any:
    """Plain dict lookup: FeedParserDict's aliases (and their DeprecationWarnings) are unwanted."""
    return dict.get(mapping, key) if isinstance(mapping, dict) else None


def _unreadable_reason(result: Any, body: bytes, content_type: str | None) -> str:
    if _HTML_START.search(body, 0, 4096) or media_type(content_type) == "text/html":
        return "not a feed: looks like HTML"
    exc = _get(result, "bozo_exception")
    if exc is not None:
        return f"not a feed: {describe(exc)}"
    return "not a feed: no RSS, RDF or Atom root element"


def to_parsed_feed(
    result: Any, body: bytes, *, url: str, content_type: str | None, max_items: int
) -> ParsedFeed:
    feed = _get(result, "feed") or {}
    entries = _get(result, "entries") or []
    version = _get(result, "version") or ""
    if not (version or entries or _get(feed, "title")):
        raise ParseError(_unreadable_reason(result, body, content_type))
    problems = []
    if _get(result, "bozo"):
        exc = _get(result, "bozo_exception") or ValueError("malformed")
        if "out of memory" in str(exc):
            # expat's allocation failure is swallowed by feedparser (which then retries with its
            # loose parser); report it as what it is.
            raise ParseBudgetExceeded("the XML parser ran out of memory")
        problems.append(describe(exc))
    if len(entries) > max_items:
        problems.append(f"{len(entries)} items, kept the first {max_items}")
        entries = entries[:max_items]
    return ParsedFeed(
        format=version or "unknown",
        title=_text(feed, "title"),
        link=safe_http_url(_get(feed, "link"), url),
        items=tuple(_item(entry, url) for entry in entries),
        language=(plain_text(_get(feed, "language")) or "")[:_MAX_LANGUAGE] or None,
        ttl_minutes=_minutes(_get(feed, "ttl")),
        update_period_minutes=_update_period(feed),
        problem="; ".join(problems)[:_MAX_REASON] if problems else None,
    )


def _text(node: Any, key: str) -> str | None:
    """A plain-text field; feedparser says in `<key>_detail` whether the value is HTML."""
    value = _get(node, key)
    if not isinstance(value, str):
        return None
    kind = _get(_get(node, f"{key}_detail"), "type") or "text/plain"
    return (html_to_text(value) or None) if "html" in kind else plain_text(value)


def _html(detail: Any, base: str, feed_url: str) -> str | None:
    """Sanitised HTML of a content or summary; plain text is escaped into paragraphs.

    Relative URLs resolve against an explicit xml:base when the feed sets one (feedparser reports
    the feed URL otherwise), else against `base`, the item's link.
    """
    value = _get(detail, "value")
    if not isinstance(value, str) or not value.strip():
        return None
    kind = _get(detail, "type") or "text/html"
    if "html" not in kind and "xml" not in kind:
        return text_to_html(value) or None
    declared = _get(detail, "base")
    if isinstance(declared, str) and declared and declared != feed_url:
        base = safe_http_url(declared) or base
    return clean_html(value, base) or None


def _pick_content(entry: Any) -> Any:
    contents = [c for c in _get(entry, "content") or () if isinstance(c, dict)]
    for content in contents:
        if "html" in (_get(content, "type") or ""):
            return content
    return contents[0] if contents else None


def _first_link(entry: Any) -> str | None:
    link = _get(entry, "link")
    if isinstance(link, str) and link.strip():
        return link
    for candidate in _get(entry, "links") or ():
        href = _get(candidate, "href")
        if _get(candidate, "rel") in (None, "alternate") and isinstance(href, str):
            return href
    return None


def _item(entry: Any, feed_url: str) -> ParsedItem:
    link = safe_http_url(_first_link(entry), feed_url)
    base = link or feed_url
    content = _pick_content(entry)
    summary = _get(entry, "summary_detail") or {"value": _get(entry, "summary")}
    if content is not None and _get(summary, "value") == _get(content, "value"):
        summary = None  # feedparser copies the content into a missing summary
    guid = _get(entry, "id")
    tags = [tag for tag in _get(entry, "tags") or () if isinstance(tag, dict)]
    return ParsedItem(
        guid=(strip_control_chars(guid).strip() or None) if isinstance(guid, str) else None,
        link=link,
        title=_text(entry, "title"),
        author=plain_text(_get(entry, "author")),
        summary=_html(summary, base, feed_url),
        content=_html(content, base, feed_url),
        published=_datetime(_get(entry, "published_parsed")),
        updated=_datetime(_get(entry, "updated_parsed")),
        categories=categories(_get(tag, "label") or _get(tag, "term") for tag in tags),
    )


def _datetime(value: Any) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime; absurd years are treated as missing."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        moment = datetime(*value[:5], min(value.tm_sec, 59), tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
    return usable_datetime(moment)


def _minutes(value: Any) -> int | None:
    """A count of minutes such as RSS `ttl`; anything but a plain number up to a year is ignored."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        return None
    minutes = int(value)
    return minutes if minutes <= _MAX_MINUTES else None


def _update_period(feed: Any) -> int | None:
    """`sy:updatePeriod` / `sy:updateFrequency` in minutes (the module defaults: daily, once)."""
    period, frequency = _get(feed, "sy_updateperiod"), _get(feed, "sy_updatefrequency")
    if period is None and frequency is None:
        return None
    minutes = _PERIOD_MINUTES.get(period.strip().lower() if isinstance(period, str) else "daily")
    if minutes is None or (period is not None and not isinstance(period, str)):
        return None
    return max(1, round(minutes / (_minutes(frequency) or 1)))
