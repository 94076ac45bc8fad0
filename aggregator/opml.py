"""Subscription lists in OPML (2.0, and 1.0, which has the same shape): read and written.

An OPML file comes from another feed reader or from a stranger, so it is parsed as hostile XML:
size-capped first, then by lxml with entity substitution, DTD loading and network access off,
and any DOCTYPE refused outright (OPML never needs one; it is how entity bombs and external
entities get in). Outlines nest: the titles of the outlines around a feed, and the
slash-delimited paths of its `category` attribute, become the feed's tags.

Export builds the tree with lxml, so every attribute is escaped by the library.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from lxml import etree

from aggregator.errors import AggregatorError
from aggregator.safe_xml import safe_xml_parser
from aggregator.sanitize import plain_text, safe_http_url

MAX_OPML_BYTES = 5_000_000
MAX_OUTLINES = 50_000
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_WHERE = re.compile(r" \(<string>, line \d+\)$")


class OpmlError(AggregatorError):
    """An OPML file that is too large, malformed, or not OPML at all."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription. `xml_url` is as written in the file (it may not be an http(s) URL)."""

    xml_url: str
    text: str | None = None
    title: str | None = None
    html_url: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()


def read_opml(data: bytes, *, max_bytes: int = MAX_OPML_BYTES) -> tuple[OpmlFeed, ...]:
    """Every outline with an `xmlUrl`, in document order. Raises OpmlError."""
    if len(data) > max_bytes:
        raise OpmlError(f"larger than {max_bytes:,} bytes; not read")
    if _DOCTYPE.search(data):
        raise OpmlError("has a DOCTYPE declaration, which OPML files never need; not read")
    parser = safe_xml_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"is not well-formed XML: {_reason(exc)}") from None
    if root.getroottree().docinfo.doctype:
        raise OpmlError("has a DOCTYPE declaration, which OPML files never need; not read")
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise OpmlError(f"is not OPML: the root element is <{_tag(root)}>, not <opml>")
    body = next((child for child in root if _tag(child).lower() == "body"), None)
    if body is None:
        raise OpmlError("is not OPML: it has no <body>")
    return tuple(_feeds(body))


def _reason(exc: etree.XMLSyntaxError) -> str:
    return _WHERE.sub("", " ".join(str(exc).split()))[:200]


def _tag(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else "?"


def _attributes(element: Any) -> dict[str, str]:
    """Attributes by lower-cased local name: `xmlUrl`, `xmlurl` and `XMLURL` are all seen."""
    return {etree.QName(k).localname.lower(): str(v) for k, v in element.attrib.items()}


def _feeds(body: Any) -> Iterator[OpmlFeed]:
    """Outlines with an `xmlUrl`, in document order; the outlines around them are folders."""
    for count, outline in enumerate(_outlines(body), start=1):
        if count > MAX_OUTLINES:
            raise OpmlError(f"has more than {MAX_OUTLINES:,} outlines; not read")
        attrs = _attributes(outline)
        xml_url = plain_text(attrs.get("xmlurl"))
        if xml_url:
            yield _feed(attrs, xml_url, _folder_titles(outline, body))


def _outlines(body: Any) -> Iterator[Any]:
    return (e for e in body.iterdescendants() if _tag(e).lower() == "outline")


def _folder_titles(outline: Any, body: Any) -> tuple[str, ...]:
    """The titles of the enclosing outlines that are not feeds themselves, outermost first."""
    titles = []
    for ancestor in outline.iterancestors():
        if ancestor is body:
            break
        attrs = _attributes(ancestor)
        label = plain_text(attrs.get("text")) or plain_text(attrs.get("title"))
        if label and not attrs.get("xmlurl"):
            titles.append(label)
    return tuple(reversed(titles))


def _feed(attrs: Mapping[str, str], xml_url: str, tags: tuple[str, ...]) -> OpmlFeed:
    return OpmlFeed(
        xml_url=xml_url,
        text=plain_text(attrs.get("text")),
        title=plain_text(attrs.get("title")),
        html_url=safe_http_url(attrs.get("htmlurl")),
        language=plain_text(attrs.get("language")),
        tags=_unique((*tags, *_category_tags(attrs.get("category")))),
    )


def _category_tags(value: str | None) -> list[str]:
    """`/Boston/Weather,/Harvard` → Boston, Weather, Harvard (OPML 2.0's `category`)."""
    tags: list[str] = []
    for path in (value or "").split(","):
        tags += [name for part in path.split("/") if (name := plain_text(part))]
    return tags


def _unique(tags: Sequence[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for tag in tags:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            kept.append(tag)
    return tuple(kept)


def write_opml(feeds: Sequence[OpmlFeed], *, title: str, created: datetime) -> bytes:
    """An OPML 2.0 document: one `<outline type="rss">` per feed, tags as `category` paths."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(created, usegmt=True)
    body = etree.SubElement(root, "body")
    for feed in feeds:
        outline = etree.SubElement(body, "outline", type="rss")
        label = feed.text or feed.title or feed.xml_url
        outline.set("text", _xml_safe(label))
        outline.set("title", _xml_safe(feed.title or label))
        outline.set("xmlUrl", _xml_safe(feed.xml_url))
        if feed.html_url:
            outline.set("htmlUrl", _xml_safe(feed.html_url))
        if feed.language:
            outline.set("language", _xml_safe(feed.language))
        if feed.tags:
            outline.set("category", ",".join("/" + _xml_safe(tag) for tag in feed.tags))
    etree.indent(root, space="  ")
    document: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return document + b"\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(value: str) -> str:
    """Characters XML 1.0 cannot carry at all (most controls) are dropped."""
    return _NOT_XML.sub("", value)
