"""The page's lead image (og:image, twitter:image), kept with the stored article: pure.

Extractors keep the body, and a page's lead picture is often outside it (in a header above the
headline). The page declares it in its metadata, so it is read from the `<head>` alone (parsed
on its own: cheap, and nothing in the body can fake it) and put in the stored HTML as a
`<figure>` when the body shows no image at all. When it does, the body's pictures win: they
often include the lead in another size (under another address) with the credit that metadata
lacks. The article's text and hash do not change: an image has no text.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import fromstring

from aggregator.articles.clean import clean_article_html
from aggregator.articles.pagemeta import meta_tags
from aggregator.sanitize import safe_http_url

__all__ = ["LeadImage", "lead_image", "with_lead_image"]

MAX_HEAD_CHARS = 300_000
_IMAGE_KEYS = (
    "og:image:secure_url",
    "og:image",
    "og:image:url",
    "twitter:image",
    "twitter:image:src",
)
_ALT_KEYS = ("og:image:alt", "twitter:image:alt")
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
_SRC = re.compile(r"""<img\b[^>]*?\ssrc=["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LeadImage:
    url: str
    alt: str | None = None


def lead_image(page: str, base_url: str) -> LeadImage | None:
    """The image the page declares as its own in `<meta>` tags, absolute http(s), or None."""
    end = _HEAD_END.search(page, 0, MAX_HEAD_CHARS)
    head = page[: end.start() if end else MAX_HEAD_CHARS]
    if "<meta" not in head.lower():
        return None
    try:
        tree = fromstring(head.encode("utf-8", "replace"))
    except (etree.ParserError, ValueError):
        return None
    metas = meta_tags(tree)
    url = next((u for k in _IMAGE_KEYS if (u := safe_http_url(metas.get(k), base_url))), None)
    if url is None:
        return None
    return LeadImage(url, next((metas[k] for k in _ALT_KEYS if metas.get(k)), None))


def with_lead_image(article_html: str, image: LeadImage | None, base_url: str) -> str:
    """`article_html` with `image` first as a sanitised `<figure>`, when the body shows no
    image: a body's pictures often include the lead in another size or crop, under another
    address, and with the credit the page's metadata lacks."""
    if image is None or _SRC.search(article_html):
        return article_html
    alt = htmllib.escape(image.alt or "", quote=True)
    figure = f'<figure><img src="{htmllib.escape(image.url, quote=True)}" alt="{alt}"></figure>'
    return clean_article_html(figure, base_url) + article_html
