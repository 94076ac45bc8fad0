"""A digest spelt as an Atom 1.0 document (RFC 4287), with RFC 5005 paging links.

The tree is built with lxml, so every text and attribute is escaped by the serialiser: a title
such as `<img onerror=...>` stays text, and the stub's HTML is carried as escaped text in a
`type="html"` content element, never as markup of the feed itself. Each entry's `xml:lang` is
the language of its text; a title, summary or content in another one carries its own.

Each entry also links to its stub's page on the editors' desk (`rel="related"`) and says the
stub's state as a category in a scheme of ours, `STATE_SCHEME`:
`<category scheme="https://aggregator.invalid/state" term="approved" label="approved"/>`. The
`.invalid` host (RFC 2606) can never resolve: the scheme is a name, not a page.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from aggregator.digest.model import Digest, DigestEntry, rfc3339

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_TYPE = "application/atom+xml"
GENERATOR = "aggregator"
STATE_SCHEME = "https://aggregator.invalid/state"


def _element(parent: Any, name: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _author(parent: Any, name: str) -> None:
    _element(_element(parent, "author"), "name", name)


def write_atom(digest: Digest) -> bytes:
    """The Atom document of `digest`, UTF-8 with an XML declaration."""
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _element(feed, "id", digest.id)
    _element(feed, "title", digest.title, type="text")
    _element(feed, "updated", rfc3339(digest.updated))
    _author(feed, digest.author)
    _element(feed, "link", rel="self", href=digest.self_url, type=ATOM_TYPE)
    _element(feed, "link", rel="alternate", href=digest.home_url, type="text/html")
    for link in digest.paging:
        _element(feed, "link", rel=link.rel, href=link.href, type=ATOM_TYPE)
    _element(feed, "generator", GENERATOR)
    for entry in digest.entries:
        _entry(feed, entry)
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))


def _entry(feed: Any, entry: DigestEntry) -> None:
    element = _element(feed, "entry")
    if entry.language:
        element.set(XML_LANG, entry.language)
    _element(element, "id", entry.id)
    title = _element(element, "title", entry.title, type="text")
    if entry.title_language:
        title.set(XML_LANG, entry.title_language)
    _element(element, "updated", rfc3339(entry.updated))
    _element(element, "published", rfc3339(entry.published))
    _author(element, entry.author)
    if entry.url:
        _element(element, "link", rel="alternate", href=entry.url, type="text/html")
    if entry.desk_url:
        _element(element, "link", rel="related", href=entry.desk_url, type="text/html")
    if entry.category:
        _element(element, "category", term=entry.category)
    if entry.state:
        _element(element, "category", scheme=STATE_SCHEME, term=entry.state, label=entry.state)
    if entry.summary:
        summary = _element(element, "summary", entry.summary, type="text")
        if entry.summary_language:
            summary.set(XML_LANG, entry.summary_language)
    content = _element(element, "content", entry.content_html, type="html")
    if entry.content_language:
        content.set(XML_LANG, entry.content_language)
