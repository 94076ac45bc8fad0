"""Feed documents (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into `ParsedFeed`.

This is the only module that imports feedparser, and its dictionaries never leave it: callers get
frozen records with plain-text titles, sanitised HTML and absolute http(s) links. feedparser's own
HTML sanitiser and URI resolver are switched off because nh3 is stricter and about 3x cheaper.

feedparser is hardened before use (see `harden_feedparser`): left alone it resolves external
entities when libxml2's SAX driver is installed, expands DTD entities itself in its loose parser
(gigabytes from a few kilobytes), and treats a `bytes` body as a file name to open.
"""

from __future__ import annotations

import functools
import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.sanitizer import replace_doctype as _feedparser_replace_doctype

from aggregator.errors import ParseBudgetExceeded, ParseError
from aggregator.feeds.jsonfeed import parse_json_feed, usable_datetime
from aggregator.net.headers import charset, media_type
from aggregator.records import ParsedFeed, ParsedItem
from aggregator.sanitize import (
    categories,
    clean_html,
    html_to_text,
    plain_text,
    safe_http_url,
    strip_control_chars,
    strip_internal_subset,
    text_to_html,
)

__all__ = ["harden_feedparser", "parse_feed"]

MAX_ITEMS = 50_000  # the default of [settings].max_items_per_feed
_MAX_REASON = 200
_MAX_LANGUAGE = 64
_MAX_MINUTES = 525_600
_PERIOD_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
_JSON_TYPES = frozenset({"application/feed+json", "application/json"})

_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)


def _replace_doctype_without_entities(data: bytes) -> tuple[str | None, bytes, dict[str, str]]:
    """feedparser's `replace_doctype`, with no entity declarations left for either parser.

    An entity whose value has no `&` passes feedparser's own filter, and the loose parser then
    expands it: a 46 KB feed gave an 80-million character title. The internal subset is removed
    before (so expat never sees it) and after (feedparser re-inserts the "safe" entities it kept).
    """
    version, data, _entities = _feedparser_replace_doctype(strip_internal_subset(data))
    return version, strip_internal_subset(data), {}


def harden_feedparser() -> None:
    """Make feedparser safe for hostile documents; idempotent, cheap enough to call every time.

    Only expat is allowed as SAX driver (libxml2's resolves external entities), and DTD entity
    declarations are dropped before either parser sees them. Guids are kept as written:
    feedparser would resolve `<guid>1</guid>` against the feed's URL, so an item's identity
    would change whenever the feed moves. A character reference to a surrogate or beyond
    U+10FFFF (`&#xD800;`) becomes U+FFFD instead of crashing the loose parser.
    """
    feedparser.api.PREFERRED_XML_PARSERS = ["aggregator.feeds.expat"]
    feedparser.api.replace_doctype = _replace_doctype_without_entities
    mixin = feedparser.mixin._FeedParserMixin
    mixin.can_be_relative_uri = frozenset(mixin.can_be_relative_uri) - {"id"}
    if not hasattr(mixin.handle_charref, "replaces_unencodable"):
        mixin.handle_charref = _replacing_unencodable(mixin.handle_charref)
    _memoise_url_joins(feedparser.mixin)


def _replacing_unencodable(handle_charref: Any) -> Any:
    def handle(self: Any, ref: str) -> None:
        digits, base = (ref[1:], 16) if ref[:1] in ("x", "X") else (ref, 10)
        try:
            code = int(digits, base)
        except ValueError:
            code = 0  # not a number: feedparser's own handling applies
        handle_charref(self, "xfffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else ref)

    handle.replaces_unencodable = True  # type: ignore[attr-defined]
    return handle


def _memoise_url_joins(module: Any) -> None:
    """feedparser joins the same base and reference on every start tag (xml:base handling);
    both functions are pure, so a small cache takes about a sixth off the parse time."""
    for name in ("make_safe_absolute_uri", "_urljoin"):
        function = getattr(module, name)
        if not hasattr(function, "cache_info"):
            setattr(module, name, functools.lru_cache(maxsize=4096)(function))


def _xml_content_type(content_type: str | None) -> str:
    """The Content-Type to show feedparser: an XML type carrying only the server's charset.

    feedparser follows RFC 3023, where text/xml without charset means US-ASCII and a missing
    header means ISO-8859-1; RFC 7303 and every browser use the BOM, then the XML declaration,
    then UTF-8, which is what application/xml gets in feedparser.
    """
    declared = charset(content_type)
    return f"application/xml; charset={declared}" if declared else "application/xml"


def _describe(exc: BaseException) -> str:
    reason = " ".join(strip_control_chars(f"{type(exc).__name__}: {exc}").split())
    return reason[:_MAX_REASON]


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    max_items: int = MAX_ITEMS,
) -> ParsedFeed:
    """Parse a fetched feed document; `url` is where it came from (the base for relative links).

    Returns a `ParsedFeed` whose `problem` says why when the document was malformed but readable.
    Raises ParseError when nothing readable is in it.
    """
    start = _LEADING.match(body)
    pos = start.end() if start is not None else 0
    if pos >= len(body):
        raise ParseError("empty document")
    first = body[pos : pos + 1]
    if first == b"{" or (media_type(content_type) in _JSON_TYPES and first != b"<"):
        return parse_json_feed(body, url=url, max_items=max_items)
    harden_feedparser()
    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers={
                "content-type": _xml_content_type(content_type),
                "content-location": url,
            },
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except (ParseError, MemoryError, ImportError):  # an ImportError is the installation's
        raise
    except Exception as exc:
        raise ParseError(f"feedparser failed: {_describe(exc)}") from exc
    return _to_parsed_feed(result, body, url=url, content_type=content_type, max_items=max_items)


def _get(mapping: Any, key: str) -> Any:
    """Plain dict lookup: FeedParserDict's aliases (and their DeprecationWarnings) are unwanted."""
    return dict.get(mapping, key) if isinstance(mapping, dict) else None


def _unreadable_reason(result: Any, body: bytes, content_type: str | None) -> str:
    if _HTML_START.search(body, 0, 4096) or media_type(content_type) == "text/html":
        return "not a feed: looks like HTML"
    exc = _get(result, "bozo_exception")
    if exc is not None:
        return f"not a feed: {_describe(exc)}"
    return "not a feed: no RSS, RDF or Atom root element"


def _to_parsed_feed(
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
        problems.append(_describe(exc))
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
