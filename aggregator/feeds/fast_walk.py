"""The fast path's walk over a parsed RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 tree.

Every element is named as feedparser names it (`dc_creator`, `pubdate`, `itunes_summary`) and
either handled as feedparser handles it (`feeds/fast_fields.py`), or known to leave nothing that
`feeds/convert.py` reads, or the document is declined. Elements feedparser treats in ways this
walk does not follow (GeoRSS and GML, Podlove chapters, Creative Commons licences, an image or
`itunes:owner` inside an item, Atom `source`, a known element inside an unknown one) decline.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from aggregator.feeds import fast_fields as fields
from aggregator.feeds.fast_fields import Context, Walk
from aggregator.feeds.fast_names import Decline, generic, key_of

__all__ = ["walk_atom", "walk_rdf", "walk_rss"]

Handler = Callable[[Walk, Context, etree._Element, int], None]

_MEDIA_LEAVES = frozenset(
    {"media_thumbnail", "media_player", "media_rating", "media_credit", "media_restriction",
     "media_license"}
)  # fmt: skip
_ITUNES_LEAVES = frozenset({"itunes_explicit", "itunes_image", "itunes_block", "itunes_subtitle"})
# Handled by feedparser, but only into keys nothing reads.
_LEAVES = (
    frozenset(
        {"comments", "enclosure", "rights", "copyright", "created", "expirationdate",
         "dc_rights", "dc_publisher", "dcterms_created", "language", "dc_language"}
    )
    | _MEDIA_LEAVES
    | _ITUNES_LEAVES
)  # fmt: skip
_FEED_LEAVES = frozenset(
    {"generator", "docs", "cloud", "rating", "subtitle", "tagline", "icon", "logo", "webmaster",
     "info", "feedburner_browserfriendly", "admin_generatoragent", "admin_errorreportsto"}
)  # fmt: skip
# Handled elements that may hold others, and which ones.
_CONTAINERS = {
    "contributor": frozenset({"name", "email", "uri", "url"}),
    "itunes_owner": frozenset({"itunes_name", "itunes_email"}),
    "itunes_category": frozenset({"itunes_category"}),
}
_FEED_ONLY_CONTAINERS = frozenset({"itunes_owner", "itunes_category"})


def _harmless(element: etree._Element, key: str, feed_level: bool) -> bool:
    """True when feedparser keeps nothing of this element (and all inside it) that is read."""
    if generic(element):
        return True
    allowed = _CONTAINERS.get(key)
    if allowed is not None and (feed_level or key not in _FEED_ONLY_CONTAINERS):
        for child in element:
            child_key = key_of(child)
            if child_key not in allowed and not generic(child):
                return False
            if len(child) and not _harmless(child, child_key, feed_level):
                return False
        return True
    if key in _LEAVES or (feed_level and key in _FEED_LEAVES):
        return len(element) == 0
    return False


def _text_key(key: str) -> Handler:
    return lambda walk, context, element, depth: fields.plain(walk, context, element, key, depth)


def _dated(key: str) -> Handler:
    return lambda walk, context, element, depth: fields.date(context, element, key)


def _summary(default: str) -> Handler:
    return lambda walk, context, element, depth: fields.summary(
        walk, context, element, default, depth
    )


def _content(default: str) -> Handler:
    return lambda walk, context, element, depth: fields.content(walk, context, element, default)


def _source(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    if walk.atom or len(element):
        raise Decline("source element")
    walk.title_depth = -1


def _media_title(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    fields.title(walk, context, element, depth, media=True)


def _media_container(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    """`media:group` and `media:content`: feedparser reads what is inside as if it stood in
    the item itself, one level deeper."""
    _children(walk, context, element, depth + 1, _FEED if context is walk.feed else _ENTRY)


_COMMON: dict[str, Handler] = {
    "title": fields.title,
    "guid": fields.guid,
    "link": fields.link,
    "summary": _summary("text/plain"),
    "description": _summary("text/html"),
    "content_encoded": _content("text/html"),
    "content": _content("text/plain"),
    "author": fields.author,
    "category": lambda walk, context, element, depth: fields.category(context, element),
    **{key: _dated("published_parsed") for key in ("pubdate", "published", "issued")},
    **{key: _dated("updated_parsed") for key in ("updated", "modified", "lastbuilddate")},
    "media_title": _media_title,
    "media_group": _media_container,
    "media_content": _media_container,
    "media_category": lambda walk, context, element, depth: fields.category(
        context, element, "http://search.yahoo.com/mrss/category_schema"
    ),
    "media_keywords": lambda walk, context, element, depth: fields.keywords(context, element, None),
    "itunes_keywords": lambda walk, context, element, depth: fields.keywords(
        context, element, "http://www.itunes.com/"
    ),
}
_COMMON |= {
    "dc_title": _COMMON["title"],
    "id": _COMMON["guid"],
    "itunes_summary": _COMMON["summary"],
    "dc_description": _COMMON["description"],
    "media_description": _COMMON["description"],
    "dc_creator": _COMMON["author"],
    "dc_author": _COMMON["author"],
    "itunes_author": _COMMON["author"],
    "dc_subject": _COMMON["category"],
    "keywords": _COMMON["category"],
    "dcterms_issued": _COMMON["published"],
    "dc_date": _COMMON["updated"],
    "dcterms_modified": _COMMON["updated"],
}
_ENTRY: dict[str, Handler] = _COMMON | {
    "source": _source,
    "itunes_category": lambda walk, context, element, depth: fields.itunes_category(
        context, element
    ),
}
_FEED: dict[str, Handler] = _COMMON | {
    "managingeditor": _COMMON["author"],
    "language": _text_key("language"),
    "dc_language": _text_key("language"),
    **{key: _text_key(key) for key in ("ttl", "sy_updateperiod", "sy_updatefrequency")},
}


def _children(
    walk: Walk, context: Context, parent: etree._Element, depth: int, table: dict[str, Handler]
) -> None:
    feed_level = table is _FEED
    for element in parent:
        key = key_of(element)
        handler = table.get(key)
        if handler is None and feed_level and key in ("item", "entry", "image", "textinput"):
            handler = _entry if key in ("item", "entry") else _image
        if handler is None:
            if not _harmless(element, key, feed_level):
                raise Decline(f"element {key[:40]!r}")
            continue
        previous = fields.enter(walk, element)
        handler(walk, context, element, depth)
        walk.base = previous


def _entry(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    attrs = fields.attributes(element)
    if "lastmod" in attrs or "href" in attrs:
        raise Decline("CDF attributes on an item")
    entry: Context = {}
    walk.entries.append(entry)
    walk.depths = {}
    walk.title_depth = -1
    about = attrs.get("rdf:about")
    if about:
        entry["id"] = about
    _children(walk, entry, element, depth + 1, _ENTRY)
    walk.has_content = False


def _image(walk: Walk, context: Context, element: etree._Element, depth: int) -> None:
    """`image` and `textInput` keep their own title and link; only the title depth leaks."""
    walk.title_depth = -1
    for child in element:
        key = key_of(child)
        if key not in ("title", "link", "url", "width", "height", "description", "name"):
            raise Decline(f"element {key[:40]!r} in an image")
        if fields.text_of(child) and key == "title":
            walk.title_depth = depth + 1


def _root(walk: Walk, root: etree._Element) -> None:
    fields.enter(walk, root)
    attrs = fields.attributes(root)
    lang = attrs.get("xml:lang", attrs.get("lang"))
    if lang and key_of(root) in ("rss", "feed"):
        walk.feed["language"] = lang.replace("_", "-")


def walk_rss(walk: Walk, root: etree._Element) -> None:
    """`<rss version="2.x">` with one `<channel>`, items inside it."""
    _root(walk, root)
    channels = list(root)
    if len(channels) != 1 or key_of(channels[0]) != "channel":
        raise Decline("rss without exactly one channel")
    _channel(walk, channels[0])


def walk_atom(walk: Walk, root: etree._Element) -> None:
    _root(walk, root)
    _children(walk, walk.feed, root, 2, _FEED)


def walk_rdf(walk: Walk, root: etree._Element) -> None:
    """`<rdf:RDF>`: the channel, then items, image and textinput beside it."""
    _root(walk, root)
    seen_channel = False
    for element in root:
        key = key_of(element)
        if key == "channel" and not seen_channel:
            seen_channel = True
            _channel(walk, element)
        elif key in ("item", "image", "textinput"):
            previous = fields.enter(walk, element)
            (_entry if key == "item" else _image)(walk, walk.feed, element, 2)
            walk.base = previous
        else:
            raise Decline(f"element {key[:40]!r} at the root")


def _channel(walk: Walk, channel: etree._Element) -> None:
    attrs = fields.attributes(channel)
    if "lastmod" in attrs or "href" in attrs:
        raise Decline("CDF attributes on a channel")
    previous = fields.enter(walk, channel)
    _children(walk, walk.feed, channel, 3, _FEED)
    walk.base = previous
