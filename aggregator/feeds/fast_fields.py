"""The fast path's element handlers: each does to a feedparser-shaped dictionary what feedparser
does when it meets the same element, so that `feeds/convert.py` makes the same records of it.

Anything these handlers do not follow exactly (markup inside a text element, an unknown content
type, base64, `src`) raises `Decline` and the document goes to feedparser instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from aggregator.feeds.fast_compat import (
    PREFIXES,
    fixed_text,
    looks_like_html,
    parse_date,
    rebase,
    resolve,
)
from aggregator.feeds.fast_compat import repaired as _repaired
from aggregator.feeds.fast_names import Decline, generic, name_of

__all__ = ["Context", "Walk", "attributes", "enter", "text_of"]

Context = dict[str, Any]
"""A feed's or an entry's values under feedparser's keys (`title`, `title_detail`, `links`...)."""

_TEXT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}
_ACCEPTED_TYPES = frozenset({"text/plain", "text/html"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ENTITY_LIKE = re.compile("&([A-Za-z0-9_]+);")
_MEDIA_SCHEME = "http://search.yahoo.com/mrss/category_schema"
_ITUNES_SCHEME = "http://www.itunes.com/"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@dataclass
class Walk:
    """What feedparser carries from one element to the next while it reads a document."""

    version: str
    base: str
    feed: Context = field(default_factory=dict)
    entries: list[Context] = field(default_factory=list)
    has_content: bool = False
    title_depth: int = -1
    depths: dict[str, int] = field(default_factory=dict)
    """The depth each key of the current entry was saved at (feedparser's property_depth_map)."""

    @property
    def atom(self) -> bool:
        return self.version.startswith("atom")


def attributes(element: etree._Element) -> dict[str, str]:
    """The attributes under feedparser's names: lower-cased, known namespaces by their prefix,
    `rel` and `type` values lower-cased."""
    pairs = element.items()
    if not pairs:
        return {}
    found: dict[str, str] = {}
    for name, value in pairs:
        key = str(name)
        if key.startswith("{"):
            uri, _, local = key[1:].partition("}")
            prefix = PREFIXES.get(uri.lower(), "")
            key = f"{prefix}:{local}" if prefix else local
        key = key.lower()
        if key in found:
            raise Decline("two attributes of one name")
        found[key] = str(value).lower() if key in ("rel", "type") else str(value)
    return found


def enter(walk: Walk, element: etree._Element) -> str:
    """Apply the element's `xml:base` (or plain `base`) to the walk; returns the base to restore
    when the element ends."""
    previous = walk.base
    declared = element.get(_XML_BASE)
    if declared is None:
        declared = element.get("base")
    if declared:
        walk.base = rebase(previous, declared)
    return previous


def text_of(element: etree._Element) -> str:
    """The element's text as feedparser keeps it; markup inside it is declined."""
    if len(element):
        raise Decline("markup inside a text element")
    return fixed_text(element.text or "")


def _content_type(attrs: dict[str, str], default: str) -> str:
    if "mode" in attrs or "src" in attrs:
        raise Decline("mode or src on a content element")
    declared = attrs.get("type", default).lower()
    kind = _TEXT_TYPES.get(declared, declared)
    if kind not in _ACCEPTED_TYPES:
        raise Decline(f"content type {kind[:40]!r}")
    return kind


def _detail(walk: Walk, element: etree._Element, default: str) -> tuple[str, Context]:
    """push_content + pop: the text and its `_detail` (type after the RSS HTML guess, base)."""
    kind = _content_type(attributes(element), default)
    value = text_of(element)
    if not walk.atom and kind == "text/plain" and looks_like_html(value):
        kind = "text/html"
    return value, {"type": kind, "language": None, "base": walk.base, "value": value}


def save(walk: Walk, context: Context, key: str, value: Any, depth: int) -> None:
    """feedparser's save of a popped value: in an entry, a deeper element does not replace a
    value saved from a shallower one."""
    if context is walk.feed:
        context[key] = value
        return
    saved = walk.depths.get(key)
    if saved is None or depth <= saved:
        walk.depths[key] = depth
        context[key] = value


def _save_detailed(
    walk: Walk, context: Context, key: str, value: str, detail: Context, depth: int
) -> None:
    save(walk, context, key, value, depth)
    context[f"{key}_detail"] = detail


def title(
    walk: Walk, context: Context, element: etree._Element, depth: int, *, media: bool = False
) -> None:
    """The first non-empty title at the shallowest depth stays (feedparser's `title_depth`);
    a `media:title` leaves that depth as it was."""
    value, detail = _detail(walk, element, "text/plain")
    if not -1 < walk.title_depth <= depth:
        _save_detailed(walk, context, "title", value, detail, depth)
    if value and not media:
        walk.title_depth = depth


def content(walk: Walk, context: Context, element: etree._Element, default: str) -> None:
    """`content`, `content:encoded`, or a second summary read as content; it also fills a
    missing summary."""
    walk.has_content = True
    value, detail = _detail(walk, element, default)
    if context is walk.feed:
        context["content"] = value
    else:
        context.setdefault("content", []).append(detail)
    context.setdefault("summary", value)


def summary(
    walk: Walk, context: Context, element: etree._Element, default: str, depth: int
) -> None:
    """`description` (default HTML) or `summary` (default text); a second one, before any
    content, is content. A feed's description is its `subtitle`."""
    if "summary" in context and not walk.has_content:
        content(walk, context, element, "text/plain")
        return
    value, detail = _detail(walk, element, default)
    key = "subtitle" if context is walk.feed and default == "text/html" else "summary"
    _save_detailed(walk, context, key, value, detail, depth)


def link(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    attrs = attributes(element)
    rel = attrs.setdefault("rel", "alternate")
    kind = attrs.setdefault("type", "application/atom+xml" if rel == "self" else "text/html")
    if "url" in attrs or "uri" in attrs:
        raise Decline("link with url or uri attribute")
    links = context.setdefault("links", [])
    if "href" in attrs:
        if len(element) or (element.text or "").strip():
            raise Decline("link with both href and text")
        href = resolve(walk.base, attrs["href"])
        links.append({"rel": rel, "type": kind, "href": href})
        if rel == "alternate" and _TEXT_TYPES.get(kind, kind) in _HTML_TYPES:
            context["link"] = href
        return
    links.append({"rel": rel, "type": kind})
    if len(element):
        raise Decline("markup inside a link")
    value = (element.text or "").strip()
    value = _repaired(resolve(walk.base, value)) if value else ""
    if context is not walk.feed:
        value = value.replace("&amp;", "&")
    value = _ENTITY_LIKE.sub(r"&\g<1>", value)
    context["link"] = value
    if value:
        links[-1]["href"] = value


def guid(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    """`guid` or Atom `id`; a permalink (the default, also for Atom) is the link if none is set."""
    is_link = attributes(element).get("ispermalink", "true") == "true"
    value = text_of(element)
    save(walk, context, "id", value, depth)
    if is_link:
        context.setdefault("link", value)


def author(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    """RSS `author`/`dc:creator` text as written; Atom `name` and `email` as "name (email)"."""
    detail: dict[str, str] = {}
    for child in element:
        if generic(child):
            continue  # kept by feedparser under a key of its own
        prefix, key = name_of(child)
        if prefix or key not in ("name", "email", "uri", "url"):
            raise Decline("unexpected element in an author")
        if len(child):
            raise Decline("markup inside an author")
        detail[key] = (child.text or "").strip()
    own_text = [element.text or ""] + [child.tail or "" for child in element]
    save(walk, context, "author", fixed_text("".join(own_text)), depth)
    name, email = detail.get("name"), detail.get("email")
    if detail and (name or email):
        context["author"] = f"{name} ({email})" if name and email else name or email


def category(context: Context, element: etree._Element, default_scheme: str | None = None) -> None:
    attrs = attributes(element)
    if default_scheme is not None:
        attrs.setdefault("scheme", default_scheme)
    _add_tag(
        context, attrs.get("term"), attrs.get("scheme", attrs.get("domain")), attrs.get("label")
    )
    _end_category(context, element)


def _end_category(context: Context, element: etree._Element) -> None:
    value = text_of(element)
    if not value:
        return
    tags = context["tags"]
    if tags and not tags[-1]["term"]:
        tags[-1]["term"] = value
    else:
        _add_tag(context, value, None, None)


def itunes_category(context: Context, element: etree._Element) -> None:
    _add_tag(context, attributes(element).get("text"), _ITUNES_SCHEME, None)
    _end_category(context, element)


def keywords(context: Context, element: etree._Element, scheme: str | None) -> None:
    """`media:keywords` and `itunes:keywords`: comma-separated tags."""
    if element.attrib:
        raise Decline("attributes on keywords")
    for term in text_of(element).split(","):
        if term.strip():
            _add_tag(context, term.strip(), scheme, None)


def _add_tag(context: Context, term: str | None, scheme: str | None, label: str | None) -> None:
    tags = context.setdefault("tags", [])
    if not (term or scheme or label):
        return
    tag = {"term": term, "scheme": scheme, "label": label}
    if tag not in tags:
        tags.append(tag)


def date(context: Context, element: etree._Element, key: str) -> None:
    context[key] = parse_date(text_of(element))


def plain(walk: Walk, context: Context, element: etree._Element, key: str, depth: int) -> None:
    save(walk, context, key, text_of(element), depth)
