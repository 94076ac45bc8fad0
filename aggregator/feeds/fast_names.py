"""Elements by the names feedparser gives them, and which of them it keeps only for itself.

feedparser names an element by a standard prefix for the namespaces it knows (`dc_creator`,
`media_title`), by the document's own prefix for others, and without prefix in the RSS and Atom
namespaces (`pubdate`, lower-cased); a handler of that name, if it has one, decides what the
element does. An element with no handler is kept under its own name, which nothing reads.
"""

from __future__ import annotations

import functools

from lxml import etree

from aggregator.feeds.fast_compat import PREFIXES

__all__ = ["Decline", "generic", "key_of", "name_of"]


class Decline(Exception):
    """The document uses something the fast path does not reproduce; feedparser reads it."""


# Prefixed names feedparser has a handler for (its `_start_*`/`_end_*` methods, lower-cased).
_HANDLED_PREFIXED = frozenset(
    {"admin_errorreportsto", "admin_generatoragent", "cc_license", "content_encoded",
     "creativecommons_license", "dc_author", "dc_contributor", "dc_creator", "dc_date",
     "dc_description", "dc_language", "dc_publisher", "dc_rights", "dc_subject", "dc_title",
     "dcterms_created", "dcterms_issued", "dcterms_modified", "dcterms_valid",
     "feedburner_browserfriendly", "georss_box", "georss_line", "georss_point",
     "georss_polygon", "georss_where", "gml_exterior", "gml_linearring", "gml_linestring",
     "gml_point", "gml_polygon", "gml_pos", "gml_poslist", "itunes_author", "itunes_block",
     "itunes_category", "itunes_email", "itunes_explicit", "itunes_image", "itunes_keywords",
     "itunes_link", "itunes_name", "itunes_owner", "itunes_subtitle", "itunes_summary",
     "media_category", "media_content", "media_credit", "media_description", "media_group",
     "media_keywords", "media_license", "media_player", "media_rating", "media_restriction",
     "media_thumbnail", "media_title", "psc_chapter", "psc_chapters", "xhtml_body"}
)  # fmt: skip
# Unprefixed names feedparser has a handler for, and the keys `feeds/convert.py` reads: any
# other unprefixed element only sets a key nothing reads.
_UNPREFIXED_HANDLED = frozenset(
    {"abstract", "author", "body", "category", "channel", "cloud", "content", "contributor",
     "copyright", "created", "description", "email", "enclosure", "entry", "expirationdate",
     "feed", "fullitem", "generator", "guid", "height", "homepage", "id", "image", "info",
     "issued", "item", "keywords", "language", "lastbuilddate", "link", "managingeditor",
     "modified", "name", "newlocation", "pubdate", "published", "rights", "rss", "source",
     "subtitle", "summary", "tagline", "tags", "textinput", "title", "updated", "uri", "url",
     "webmaster", "where", "width"}
)  # fmt: skip
_READ_KEYS = frozenset(
    {"title", "title_detail", "link", "links", "summary", "summary_detail", "content", "id",
     "author", "tags", "published_parsed", "updated_parsed", "language", "ttl",
     "sy_updateperiod", "sy_updatefrequency", "guidislink", "content_detail", "author_detail",
     "authors"}
)  # fmt: skip


@functools.lru_cache(maxsize=2048)
def _name(tag: str, prefix: str | None) -> tuple[str, str]:
    """feedparser's prefix and name for an element (`dc_creator`: "dc"; `title`: "")."""
    uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    lowered = uri.lower()
    if "backend.userland.com/rss" in lowered:
        lowered = "http://backend.userland.com/rss"
    local = local.lower()
    standard = PREFIXES.get(lowered)
    if standard is not None:
        standard = standard.lower()
        return (standard, f"{standard}_{local}") if standard else ("", local)
    # An unknown namespace: feedparser goes by the prefix the document gives it.
    if prefix is None:
        return "", local
    return prefix.lower(), f"{prefix.lower()}_{local}"


def name_of(element: etree._Element) -> tuple[str, str]:
    tag = element.tag
    if not isinstance(tag, str):
        raise Decline("not an element")
    return _name(tag, element.prefix)


def key_of(element: etree._Element) -> str:
    return name_of(element)[1]


def generic(element: etree._Element) -> bool:
    """An element feedparser keeps only under a key of its own, and all inside it as well."""
    prefix, key = name_of(element)
    if key in _READ_KEYS or key in (_HANDLED_PREFIXED if prefix else _UNPREFIXED_HANDLED):
        return False
    return all(generic(child) for child in element)
