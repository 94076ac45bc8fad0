"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) into `ParsedFeed`.

feedparser does not read JSON Feed. The spec is small, so it is read here with the same output
guarantees as the XML formats: plain-text titles, sanitised HTML, absolute http(s) links.
A document that is not JSON or lacks `version`/`items` is refused; a single malformed item is
skipped (and reported in `problem`) rather than costing the whole feed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aggregator.errors import ParseError
from aggregator.records import ParsedFeed, ParsedItem
from aggregator.sanitize import (
    categories,
    clean_html,
    plain_text,
    safe_http_url,
    strip_control_chars,
    text_to_html,
)

__all__ = ["parse_json_feed", "usable_datetime"]

_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
_FORMATS = {"1": "json1.0", "1.1": "json1.1"}
_STRING_FIELDS = (
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "date_published",
    "date_modified",
    "language",
)
_MAX_REASON = 200
_MIN_YEAR, _MAX_YEAR = 1970, 2100


def usable_datetime(moment: datetime) -> datetime | None:
    """The moment in UTC, or None when its year is outside 1970..2100 (a placeholder or typo)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not _MIN_YEAR <= moment.year <= _MAX_YEAR:
        return None
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _date(value: Any) -> datetime | None:
    """An RFC 3339 timestamp; one without offset is taken as UTC, anything unparsable as absent."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().upper())
    except ValueError:
        return None
    return usable_datetime(moment)


def _authors(node: dict[str, Any]) -> str | None:
    """Names from `authors` (1.1) or `author` (1.0), joined with commas."""
    authors = node.get("authors")
    if not isinstance(authors, list):
        author = node.get("author")
        authors = [author] if isinstance(author, dict) else []
    names = [plain_text(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(name for name in names if name) or None


def _guid(value: Any) -> str | None:
    """The item id; the spec tells readers to coerce numbers (and other scalars) to strings."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    return strip_control_chars(str(value)).strip() or None


def _invalid_field(item: dict[str, Any]) -> str | None:
    for name in _STRING_FIELDS:
        value = item.get(name)
        if value is not None and not isinstance(value, str):
            return f"'{name}' is {type(value).__name__}, not string"
    guid = item.get("id")
    if guid is not None and (isinstance(guid, bool) or not isinstance(guid, int | float | str)):
        return f"'id' is {type(guid).__name__}"
    return None


def _item(item: dict[str, Any], feed_url: str, feed_authors: str | None) -> ParsedItem:
    link = safe_http_url(item.get("url"), feed_url) or safe_http_url(
        item.get("external_url"), feed_url
    )
    base = link or feed_url
    if item.get("content_html"):
        content = clean_html(item["content_html"], base) or None
    elif item.get("content_text"):
        content = text_to_html(item["content_text"]) or None
    else:
        content = None
    summary = item.get("summary")
    return ParsedItem(
        guid=_guid(item.get("id")),
        link=link,
        title=plain_text(item.get("title")),
        author=_authors(item) or feed_authors,
        summary=(text_to_html(summary) or None) if summary else None,
        content=content,
        published=_date(item.get("date_published")),
        updated=_date(item.get("date_modified")),
        categories=categories(item["tags"]) if isinstance(item.get("tags"), list) else (),
    )


def _load(body: bytes) -> Any:
    try:
        return json.loads(body)
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply") from None
    except ValueError as exc:
        reason = " ".join(strip_control_chars(str(exc)).split())
        raise ParseError(f"invalid JSON: {reason}"[:_MAX_REASON]) from None


def parse_json_feed(body: bytes, *, url: str, max_items: int = 50_000) -> ParsedFeed:
    """Parse a JSON Feed document fetched from `url`.

    Raises ParseError for invalid JSON, or when `version` or `items` is missing or wrong.
    """
    doc = _load(body)
    if not isinstance(doc, dict):
        raise ParseError("not a JSON Feed: the document is not a JSON object")
    version = doc.get("version")
    if not isinstance(version, str) or not version.startswith(_VERSION_PREFIXES):
        raise ParseError("not a JSON Feed: missing or unknown 'version'")
    number = version.rsplit("/", 1)[1]
    problems = []
    if number not in _FORMATS:
        problems.append(f"unknown JSON Feed version {number[:20]!r}, read as 1.1")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError("not a JSON Feed: 'items' is missing or not a list")
    if len(items) > max_items:
        problems.append(f"{len(items)} items, kept the first {max_items}")
        items = items[:max_items]
    feed_authors = _authors(doc)
    parsed = []
    skipped: list[str] = []
    for index, item in enumerate(items):
        reason = "not an object" if not isinstance(item, dict) else _invalid_field(item)
        if reason is not None:
            skipped.append(f"item {index}: {reason}")
            continue
        parsed.append(_item(item, url, feed_authors))
    if skipped:
        problems.insert(0, f"skipped {len(skipped)} invalid items (first: {skipped[0]})")
    return ParsedFeed(
        format=_FORMATS.get(number, "json1.1"),
        title=plain_text(doc.get("title")),
        link=safe_http_url(doc.get("home_page_url"), url)
        if isinstance(doc.get("home_page_url"), str)
        else None,
        items=tuple(parsed),
        language=plain_text(doc.get("language")),
        problem="; ".join(problems)[:_MAX_REASON] if problems else None,
    )
