"""The small pure pieces of feedparser the fast path must reproduce exactly, and its name tables.

The fast path (`feeds/fastpath.py`) must give the same records as feedparser, so where feedparser
applies a rule of its own to a value (its date formats and their leniencies, its "looks like
HTML" test for RSS titles, its repair of UTF-8 read as Latin-1, its URL join), the same function
is called here rather than rewritten: a second copy would drift from the version installed.
None of these touch a document; feedparser's parser itself is not used on this path.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import time
from typing import Final

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri

__all__ = [
    "DEFAULT_NAMESPACES",
    "PREFIXES",
    "STANDARD_PREFIXES",
    "document_base",
    "fixed_text",
    "looks_like_html",
    "parse_date",
    "rebase",
    "repaired",
    "resolve",
]

_C1_CONTROLS = re.compile("[\x80-\x9f]")
_RFC3339 = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)T(?P<hour>\d\d):(?P<minute>\d\d)"
    r":(?P<second>\d\d)(?:\.\d{1,9})?(?P<zone>Z|[+-]\d\d:\d\d)\Z"
)
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(?P<day>\d\d?) "
    r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?P<year>\d{4}) "
    r"(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d) (?P<zone>GMT|UT|Z|[+-]\d{4})\Z"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}

# feedparser's own table (`_FeedParserMixin.namespaces`), keys lower-cased as it matches them.
PREFIXES: Final[dict[str, str]] = {
    uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()
}
STANDARD_PREFIXES: Final[frozenset[str]] = frozenset(p.lower() for p in PREFIXES.values() if p)
DEFAULT_NAMESPACES: Final[frozenset[str]] = frozenset(u for u, p in PREFIXES.items() if not p)


def looks_like_html(text: str) -> bool:
    """feedparser's test that turns an RSS `text/plain` value into HTML."""
    return bool(_FeedParserMixin.looks_like_html(text))


def fixed_text(text: str) -> str:
    """What feedparser makes of an element's text: stripped, UTF-8 that was read as Latin-1
    decoded again ("Ã©" becomes "é"), C1 controls read as windows-1252."""
    return repaired(text.strip())


def repaired(text: str) -> str:
    """`fixed_text` without the strip: feedparser repairs a link after resolving it."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    if _C1_CONTROLS.search(text) is None:  # str.translate with a dict is slow on long text
        return text
    return text.translate(_cp1252)


def parse_date(text: str) -> time.struct_time | None:
    """A date as feedparser reads it (RFC 822, W3C-DTF/RFC 3339 and its other formats), UTC.

    The two forms nearly every feed uses are read here directly, with the arithmetic
    feedparser's handlers do (its W3C-DTF handler drops fractions of a second); anything else,
    and any value those two reject, goes to feedparser's own function.
    """
    found = _RFC3339.match(text) or _RFC822.match(text)
    if found is not None:
        year, month, day, hour, minute, second, zone = found.group(
            "year", "month", "day", "hour", "minute", "second", "zone"
        )
        sign = -1 if zone[0] == "-" else 1
        offset_hours = sign * int(zone[1:3]) if zone[0] in "+-" else 0
        offset_minutes = sign * int(zone[-2:]) if zone[0] in "+-" else 0
        try:
            stamp = datetime.datetime(
                int(year),
                _MONTHS.get(month, 0) or int(month),
                int(day),
                int(hour),
                int(minute),
                int(second),
            )
            return (
                stamp - datetime.timedelta(hours=offset_hours, minutes=offset_minutes)
            ).utctimetuple()
        except (ValueError, OverflowError):
            pass
    parsed = _parse_date(text)
    return parsed if isinstance(parsed, time.struct_time) else None


def document_base(url: str) -> str:
    """The base URI feedparser uses for a document fetched from `url` without xml:base."""
    return str(make_safe_absolute_uri(url, url) or url)


def rebase(base: str, declared: str) -> str:
    """The base inside an element with `xml:base="declared"`, as feedparser tracks it."""
    return str(make_safe_absolute_uri(base, declared) or base)


def resolve(base: str, reference: str) -> str:
    """feedparser's join of a link or href against the document's base."""
    return str(_urljoin(base, reference))
