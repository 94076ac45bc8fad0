"""Feed documents (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into `ParsedFeed`.

Well-formed UTF-8 RSS 2.0, RSS 1.0 and Atom 1.0 go through the lxml fast path
(`feeds/fastpath.py`), which gives the same records at about a third of the CPU; it declines
everything else, which feedparser reads here. feedparser's dictionaries never leave the feeds
package: `feeds/convert.py` turns them (and the fast path's) into frozen records with plain-text
titles, sanitised HTML and absolute http(s) links. feedparser's own HTML sanitiser and URI
resolver are switched off because nh3 is stricter and about 3x cheaper.

feedparser is hardened before use (see `harden_feedparser`): left alone it resolves external
entities when libxml2's SAX driver is installed, expands DTD entities itself in its loose parser
(gigabytes from a few kilobytes), and treats a `bytes` body as a file name to open.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any

import feedparser
from feedparser.sanitizer import replace_doctype as _feedparser_replace_doctype

from aggregator.errors import ParseError
from aggregator.feeds.convert import describe, to_parsed_feed
from aggregator.feeds.fastpath import parse_well_formed
from aggregator.feeds.jsonfeed import parse_json_feed
from aggregator.net.headers import charset, media_type
from aggregator.records import ParsedFeed
from aggregator.sanitize import strip_internal_subset

__all__ = ["harden_feedparser", "parse_feed", "parse_with_feedparser"]

MAX_ITEMS = 50_000  # the default of [settings].max_items_per_feed
_JSON_TYPES = frozenset({"application/feed+json", "application/json"})

_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")


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
    fast = parse_well_formed(body, url=url, content_type=content_type, max_items=max_items)
    if fast is not None:
        return fast
    return parse_with_feedparser(body, url=url, content_type=content_type, max_items=max_items)


def parse_with_feedparser(
    body: bytes, *, url: str, content_type: str | None = None, max_items: int = MAX_ITEMS
) -> ParsedFeed:
    """The XML formats through feedparser: what `parse_feed` does when the fast path declines."""
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
        raise ParseError(f"feedparser failed: {describe(exc)}") from exc
    return to_parsed_feed(result, body, url=url, content_type=content_type, max_items=max_items)
