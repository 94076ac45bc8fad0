"""The article's own images, offered as illustrations with their credits: pure, from stored HTML.

The stored article HTML is sanitised (aggregator.sanitize): `<img>` keeps only `src`, `alt`,
`title`, `width` and `height`, every `src` is absolute http(s), and `<figure>`/`<figcaption>`
survive; the extraction chain puts the page's declared lead image (og:image) first. Here each
image is judged on what is left: tracking pixels (a side of 2 pixels or less), icons and
avatars (both sides 64 pixels or less) and furniture (share buttons, logos, emoji, feed icons,
known counters) are dropped by size and by address. An image's caption is its `<figcaption>`,
else the short paragraph right after it when that paragraph credits someone or repeats the
image's alt text (WordPress wrote "[caption]" blocks that way). Its credit and licence are read
from the caption, then the alt text, then the title (aggregator.drafting.image_credits); when
nothing names a licence, the feed's configured one applies, and the record says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from aggregator.drafting.image_credits import find_credit, find_licence
from aggregator.sanitize import safe_http_url

__all__ = [
    "FROM_CREDIT",
    "FROM_FEED",
    "MAX_ILLUSTRATIONS",
    "Illustration",
    "find_illustrations",
]

MAX_ILLUSTRATIONS = 4
MAX_CAPTION_WORDS = 60
MAX_PIXEL_SIDE = 2
MAX_ICON_SIDE = 64
MAX_HTML_CHARS = 1_000_000
FROM_CREDIT = "credit"
"""The licence is named by the image's own credit line."""
FROM_FEED = "feed"
"""No licence is named next to the image: the feed's configured licence is assumed."""

_FURNITURE = re.compile(
    r"avatar|gravatar|emoji|smil(?:ey|ies)|favicon|/icons?/|[-_./]icons?[-_.]|sprite|spacer"
    r"|blank\.gif|clear\.gif|pixel|beacon|tracking|/ads?/|doubleclick|scorecardresearch"
    r"|quantserve|google-analytics|facebook\.com/tr|stats\.wp\.com|feedburner|share|sharing"
    r"|social|button|badge|logo|/wp-includes/images/|printer|rss",
    re.IGNORECASE,
)
_FURNITURE_ALT = re.compile(
    r"^(?:share\b|email\b|e-mail\b|print\b|rss\b|feed\b|avatar\b|logo\b|icon\b|follow\b"
    r"|subscribe\b|tweet\b|like\b|advert)",
    re.IGNORECASE,
)
_CAPTION_TAGS = frozenset({"p", "figcaption", "small", "em", "i", "span", "div", "cite"})
_WRAPPERS = frozenset({"a", "p", "span", "em", "strong", "b", "i", "div", "center"})
_WORD = re.compile(r"\w{3,}")
_IMAGE_FILE = re.compile(r"^[\w.-]+\.(?:jpe?g|png|gif|webp|avif|svg)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Illustration:
    """One image of the article and what may be said about its rights.

    `credit` is the person or agency credited (None when the page credits nobody); `licence`
    is the licence the credit names, else the feed's (`licence_from` says which: FROM_CREDIT
    or FROM_FEED; None when neither is known); `found_at` is the article page it is on.
    """

    url: str
    alt: str | None
    caption: str | None
    credit: str | None
    licence: str | None
    licence_url: str | None
    licence_from: str | None
    found_at: str | None


def find_illustrations(
    html: str,
    *,
    page_url: str | None,
    feed_licence: str | None,
    feed_licence_url: str | None = None,
    limit: int = MAX_ILLUSTRATIONS,
) -> tuple[Illustration, ...]:
    """Up to `limit` illustrations of the article `html`, in the order the page shows them."""
    if "<img" not in html.lower() or limit <= 0:
        return ()
    try:
        root = fragment_fromstring(html[:MAX_HTML_CHARS], create_parent="div")
    except (etree.ParserError, ValueError):
        return ()
    found: list[Illustration] = []
    seen: set[str] = set()
    for image in root.iter("img"):
        url = _usable_src(image)
        if url is None or url in seen:
            continue
        seen.add(url)
        alt = _alt(image, url)
        caption = _caption(image, alt)
        texts = [t for t in (caption, alt, _attr(image, "title")) if t]
        credit = next((c for t in texts if (c := find_credit(t)) is not None), None)
        named = next((n for t in texts if (n := find_licence(t, credit)) is not None), None)
        if named is not None:
            licence, licence_url, origin = named.licence, named.url, FROM_CREDIT
        elif feed_licence:
            licence, licence_url, origin = feed_licence, feed_licence_url, FROM_FEED
        else:
            licence, licence_url, origin = None, None, None
        found.append(
            Illustration(url, alt, caption, credit, licence, licence_url, origin, page_url)
        )
        if len(found) == limit:
            break
    return tuple(found)


def _attr(element: HtmlElement, name: str) -> str | None:
    value = element.get(name)
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _side(image: HtmlElement, name: str) -> int | None:
    value = (image.get(name) or "").strip().removesuffix("px")
    return int(value) if value.isdigit() else None


def _usable_src(image: HtmlElement) -> str | None:
    """The image's address when it is an illustration: absolute http(s), not furniture."""
    url = safe_http_url(image.get("src"))
    if url is None:
        return None
    width, height = _side(image, "width"), _side(image, "height")
    sides = [s for s in (width, height) if s is not None]
    if any(s <= MAX_PIXEL_SIDE for s in sides):
        return None
    if len(sides) == 2 and max(sides) <= MAX_ICON_SIDE:
        return None
    parts = urlsplit(url)
    if _FURNITURE.search(f"{parts.hostname}{parts.path}"):
        return None
    alt = _attr(image, "alt") or ""
    return None if _FURNITURE_ALT.match(alt) else url


def _alt(image: HtmlElement, url: str) -> str | None:
    """The alt text, unless it is only the file's name ("3512371729_b3dd79e8d5", "thumb")."""
    alt = _attr(image, "alt")
    if alt is None:
        return None
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    if _IMAGE_FILE.match(alt) or (" " not in alt and alt.lower() in name):
        return None
    return alt


def _caption(image: HtmlElement, alt: str | None) -> str | None:
    figure = next(image.iterancestors("figure"), None)
    if figure is not None:
        caption = figure.find(".//figcaption")
        if caption is not None:
            return _text(caption)
        # The generic extractor keeps an image's caption and credit in its title.
        title = _attr(image, "title")
        return title if title and title != alt and " " in title else None
    # Climb out of the link and the paragraph that hold nothing but the image.
    holder: HtmlElement = image
    while (parent := holder.getparent()) is not None and parent.tag in _WRAPPERS:
        if _text(parent) or len(parent.findall(".//img")) > 1 or parent.getparent() is None:
            break
        holder = parent
    if (holder.tail or "").strip():
        return None
    following = holder.getnext()
    if not isinstance(following, HtmlElement) or following.tag not in _CAPTION_TAGS:
        return None
    if following.find(".//img") is not None:
        return None
    text = _text(following)
    if not text or len(text.split()) > MAX_CAPTION_WORDS:
        return None
    if find_credit(text) is not None or _repeats(text, alt):
        return text
    return None


def _repeats(text: str, alt: str | None) -> bool:
    """Whether `text` says what the alt text says: it has half the alt's words or more, and a
    third of its own words are the alt's (a paragraph that only mentions the same name is
    article text: "Omar Bongo" before "When Omar Bongo was admitted in Barcelona...")."""
    if not alt:
        return False
    wanted = {w.lower() for w in _WORD.findall(alt)}
    present = {w.lower() for w in _WORD.findall(text)}
    shared = len(wanted & present)
    return bool(wanted) and shared * 2 >= len(wanted) and shared * 3 >= len(present)


def _text(element: HtmlElement) -> str | None:
    return " ".join(element.text_content().split()) or None
