"""The images of a page's article, for the generic extractor, which keeps text only: pure.

trafilatura's body is text; its image mode would put image markup into the text the benchmark
measures and the boilerplate pass judges. So the images are taken from the page itself: the
article's region is the smallest element holding the paragraphs trafilatura kept (found by
their text), and its images come out as text-free `<figure><img></figure>` put before the
body, with the caption and credit the page gives them (`<figcaption>`, WordPress caption text,
an element whose class says caption or credit) in the image's `title`. The stored text, its
hash and the extraction scores do not change: an image has no text. Lazy-loaded images are
read from `data-src` or `srcset` when `src` is a placeholder.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

from aggregator.sanitize import safe_http_url

__all__ = ["article_figures"]

MAX_FIGURES = 8
MAX_CAPTION_CHARS = 400
PROBE_PARAGRAPHS = 8
MIN_PROBE_CHARS = 40
PROBE_PREFIX = 60
MAX_MATCHED = 64
_LAZY = ("data-src", "data-lazy-src", "data-original", "data-url", "src")
_CAPTION_CLASS = re.compile(r"caption|credit|copyright|byline-photo", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_NOT_AN_ADDRESS = re.compile(r"[\s{}<>\"']")


def _norm(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def article_figures(tree: HtmlElement, body: etree._Element, base_url: str | None) -> str:
    """Markup of the images in the article region of `tree` (the page), or ""."""
    region = _region(tree, _probes(body))
    if region is None:
        return ""
    shown: list[str] = []
    seen: set[str] = set()
    for image in region.iter("img"):
        src = _source(image, base_url)
        if src is None or src in seen:
            continue
        seen.add(src)
        attributes = {"src": src, "alt": _norm(image.get("alt")) or None}
        attributes |= {k: image.get(k) for k in ("width", "height") if image.get(k)}
        attributes["title"] = _caption(image, region)
        pairs = " ".join(
            f'{k}="{htmllib.escape(v, quote=True)}"' for k, v in attributes.items() if v
        )
        shown.append(f"<figure><img {pairs}></figure>")
        if len(shown) == MAX_FIGURES:
            break
    return "".join(shown)


def _probes(body: etree._Element) -> list[str]:
    """Starts of the body's longer paragraphs, to find them in the page."""
    found = []
    for paragraph in body.iter("p"):
        text = _norm("".join(paragraph.itertext()))
        if len(text) >= MIN_PROBE_CHARS:
            found.append(text[:PROBE_PREFIX])
        if len(found) == PROBE_PARAGRAPHS:
            break
    return found


def _region(tree: HtmlElement, probes: list[str]) -> HtmlElement | None:
    """The smallest element of the page holding the paragraphs found; never body or html."""
    if not probes:
        return None
    wanted = set(probes)
    matched = []
    for paragraph in tree.iter("p"):
        if _norm(paragraph.text_content())[:PROBE_PREFIX] in wanted:
            matched.append(paragraph)
            if len(matched) == MAX_MATCHED:  # a page repeating one paragraph thousands of times
                break
    if not matched:
        return None
    common = _ancestors(matched[0])
    for element in matched[1:]:
        chain = set(map(id, _ancestors(element)))
        common = [a for a in common if id(a) in chain]
    region = common[0] if len(matched) > 1 else matched[0].getparent()
    if region is None or region.tag in ("body", "html"):
        return None
    return region


def _ancestors(element: HtmlElement) -> list[HtmlElement]:
    return list(element.iterancestors())


def _source(image: HtmlElement, base_url: str | None) -> str | None:
    for key in _LAZY:
        value = (image.get(key) or "").strip()
        if value and not value.startswith("data:"):
            # Some sites keep JSON or templates here ('{"default": ...}'): not an address.
            return None if _NOT_AN_ADDRESS.search(value) else safe_http_url(value, base_url)
    srcset = image.get("srcset") or image.get("data-srcset") or ""
    first = srcset.split(",")[0].split()
    return safe_http_url(first[0], base_url) if first else None


def _caption(image: HtmlElement, region: HtmlElement) -> str | None:
    """The caption and credit the page puts with the image, within three levels of it."""
    holder: HtmlElement | None = image
    for _ in range(3):
        holder = holder.getparent() if holder is not None else None
        if holder is None or holder is region or len(holder.findall(".//img")) > 1:
            return None  # past the article, or a caption there may be another image's
        texts = _caption_texts(holder)
        if texts:
            return _norm(" ".join(texts))[:MAX_CAPTION_CHARS] or None
    return None


def _caption_texts(holder: HtmlElement) -> list[str]:
    found: list[str] = []
    for element in _caption_elements(holder):
        text = _norm(element.text_content())
        if text and all(text not in t for t in found):
            found.append(text)
    return found


def _caption_elements(holder: HtmlElement) -> Iterable[HtmlElement]:
    """`<figcaption>`s, and elements classed as caption or credit outside any figcaption."""
    for element in holder.iter():
        if element is holder or not isinstance(element.tag, str):
            continue
        classed = bool(_CAPTION_CLASS.search(element.get("class") or ""))
        inside = next(element.iterancestors("figcaption"), None) is not None
        if element.tag == "figcaption" or (classed and not inside):
            yield element
