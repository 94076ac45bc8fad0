"""The rules of RFC 4287 (Atom) and JSON Feed 1.1 that a digest must keep, written out as
assertions over a parsed document, for the unit tests and the live-server tests alike."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
TEXT_TYPES = ("text", "html", "xhtml")


def absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _one(parent: Any, name: str) -> Any:
    found = parent.findall(ATOM + name)
    assert len(found) == 1, f"{parent.tag} has {len(found)} {name} elements, expected 1"
    return found[0]


def _date(parent: Any, name: str, required: bool) -> None:
    found = parent.findall(ATOM + name)
    allowed = (1,) if required else (0, 1)
    assert len(found) in allowed, f"{parent.tag} has {len(found)} {name} elements"
    for element in found:
        assert RFC3339.fullmatch(element.text or ""), f"{name} not RFC 3339: {element.text!r}"


def _text_construct(element: Any) -> None:
    assert element.get("type", "text") in TEXT_TYPES


def _links(parent: Any) -> list[Any]:
    links = parent.findall(ATOM + "link")
    for link in links:
        assert absolute(link.get("href", "")), f"link not absolute: {link.get('href')!r}"
    alternates = [(k.get("type"), k.get("hreflang")) for k in links if k.get("rel") == "alternate"]
    assert len(alternates) == len(set(alternates)), "two alternate links of one type"
    return list(links)


def _has_author(parent: Any) -> bool:
    authors = parent.findall(ATOM + "author")
    for author in authors:
        assert (_one(author, "name").text or "").strip(), "an author without a name"
    return bool(authors)


def check_atom(body: bytes) -> Any:
    """Parse `body` (it must be well-formed) and assert RFC 4287's rules; returns the root."""
    feed = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    assert feed.tag == ATOM + "feed"
    assert urlsplit(_one(feed, "id").text or "").scheme, "feed id is not an IRI"
    _text_construct(_one(feed, "title"))
    _date(feed, "updated", required=True)
    links = _links(feed)
    assert [k.get("rel") for k in links].count("self") == 1, "feed needs one self link"
    feed_author = _has_author(feed)
    ids = []
    for entry in feed.findall(ATOM + "entry"):
        ids.append(_one(entry, "id").text)
        assert urlsplit(ids[-1] or "").scheme, "entry id is not an IRI"
        _text_construct(_one(entry, "title"))
        _date(entry, "updated", required=True)
        _date(entry, "published", required=False)
        assert _has_author(entry) or feed_author, "an entry without an author"
        _links(entry)
        content = _one(entry, "content")
        assert content.get("type") == "html"
        assert len(content) == 0, "html content must be escaped text, not child elements"
        for summary in entry.findall(ATOM + "summary"):
            _text_construct(summary)
        for category in entry.findall(ATOM + "category"):
            assert category.get("term"), "a category without a term"
    assert len(ids) == len(set(ids)), "entry ids are not unique"
    return feed


def entries(feed: Any) -> list[Any]:
    return list(feed.findall(ATOM + "entry"))


def text_of(parent: Any, name: str) -> str:
    return str(_one(parent, name).text or "")


def link(parent: Any, rel: str) -> str | None:
    found = [k.get("href") for k in parent.findall(ATOM + "link") if k.get("rel") == rel]
    assert len(found) <= 1
    return found[0] if found else None


def check_json_feed(document: dict[str, Any]) -> None:
    """JSON Feed 1.1: version, title, items with unique ids and content, valid dates."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str)
    assert document["title"]
    for key in ("home_page_url", "feed_url", "next_url"):
        if key in document:
            assert absolute(document[key]), key
    assert isinstance(document["items"], list)
    ids = [item["id"] for item in document["items"]]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(ids) == len(set(ids))
    for item in document["items"]:
        assert isinstance(item.get("content_html"), str)
        assert item["content_html"]
        assert isinstance(item["title"], str)
        if "url" in item:
            assert absolute(item["url"])
        for key in ("date_published", "date_modified"):
            assert RFC3339.fullmatch(item[key]), key
        assert all(isinstance(a["name"], str) and a["name"] for a in item["authors"])
        assert all(isinstance(t, str) for t in item.get("tags", []))
