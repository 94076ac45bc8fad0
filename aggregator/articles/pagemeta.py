"""What a page says about its article in metadata: headline sources, author, publication date.

Read from `<meta>` tags and JSON-LD, which are cheap to find; trafilatura's own metadata step
costs about a third of the generic extractor's time budget.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml.html import HtmlElement

_SPACE = re.compile(r"\s+")
_META_DATES = "article:published_time datepublished pubdate publishdate date dcterms.date"
_META_AUTHORS = "author article:author dcterms.creator parsely-author sailthru.author"


def norm(text: str) -> str:
    """Whitespace collapsed and trimmed."""
    return _SPACE.sub(" ", text).strip()


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """The page's `<meta>` contents by lower-case property, name or itemprop; first one wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key, content = (
            meta.get("property") or meta.get("name") or meta.get("itemprop"),
            meta.get("content"),
        )
        if key and content and content.strip():
            found.setdefault(key.lower(), norm(content))
    return found


def ld_articles(tree: HtmlElement) -> Iterator[dict[str, object]]:
    """The page's JSON-LD objects typed as articles, out of lists and `@graph`s."""
    pending: list[object] = []
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            pending.append(json.loads(script.text or ""))
        except ValueError:
            continue
    for _ in range(1000):  # bounded: a page cannot make us walk forever
        if not pending:
            return
        item = pending.pop(0)
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(v for k, v in item.items() if k == "@graph")
            kinds = item.get("@type")
            for kind in kinds if isinstance(kinds, list) else [kinds]:
                if isinstance(kind, str) and ("Article" in kind or kind == "BlogPosting"):
                    yield item
                    break


def author(tree: HtmlElement, metas: dict[str, str], ld: list[dict[str, object]]) -> str | None:
    """The author's name: JSON-LD first, then the usual meta tags, then byline markup."""
    for article in ld:
        authors = article.get("author")
        people = authors if isinstance(authors, list) else [authors]
        names = [p.get("name") if isinstance(p, dict) else p for p in people]
        if joined := ", ".join(norm(n) for n in names if isinstance(n, str) and norm(n)):
            return joined[:200]
    found = [metas.get(key) for key in _META_AUTHORS.split()]
    found += [e.text_content() for e in tree.xpath('//*[@rel="author" or @itemprop="author"]')[:1]]
    for value in found:
        text = re.sub(r"^by\s+", "", norm(value or ""), flags=re.IGNORECASE)
        if text and not text.startswith("http") and len(text) <= 200:
            return text
    return None


def published(
    tree: HtmlElement, metas: dict[str, str], ld: list[dict[str, object]]
) -> datetime | None:
    """The publication date in UTC; a date without a time zone is taken as UTC."""
    found = [a.get("datePublished") for a in ld] + [metas.get(key) for key in _META_DATES.split()]
    for value in found:
        if isinstance(value, str) and (parsed := parse_date(value.strip())):
            return parsed
    for value in tree.xpath('//*[@itemprop="datePublished"]/@datetime|//time[@pubdate]/@datetime'):
        if isinstance(value, str) and (parsed := parse_date(value.strip())):
            return parsed
    return None


_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH_NAMES["sept"] = 9
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_TIME = r"(?:\D{1,6}?(?P<hour>\d{1,2}):(?P<minute>\d{2}))?"
_MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TIME}",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}}){_TIME}",
    re.IGNORECASE,
)


def _prose_date(value: str) -> datetime | None:
    found = _MONTH_FIRST.search(value) or _DAY_FIRST.search(value)
    if found is None:
        return None
    day = (int(found["year"]), _MONTH_NAMES[found["month"].lower()], int(found["day"]))
    try:
        return datetime(*day, int(found["hour"] or 0), int(found["minute"] or 0))
    except ValueError:
        return None


_DATE_PARSERS: tuple[Callable[[str], datetime | None], ...] = (
    datetime.fromisoformat,
    parsedate_to_datetime,
    _prose_date,
)


def parse_date(value: str) -> datetime | None:
    """A publication date as written in a page: ISO 8601, RFC 2822 or English prose.

    "Thursday, June 11th, 2009 @ 10:57 UTC" is how Global Voices wrote it in 2009. A date
    without a zone is taken as UTC, and every result is converted to UTC.
    """
    value = " ".join(value.split())[:200]
    if not value:
        return None
    parsed: datetime | None = None
    for parse in _DATE_PARSERS:
        try:
            parsed = parse(value)
        except (TypeError, ValueError, IndexError):
            continue
        if parsed is not None:
            break
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # Placeholder and mistyped years are no date at all.
    return parsed.astimezone(UTC) if 1970 <= parsed.year <= 2100 else None
