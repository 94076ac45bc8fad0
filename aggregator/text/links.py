"""The links of an article as evidence of what it is about: pure functions of strings.

A translation links to its original; two reports of one event cite the same statement, study
or post. So the pages an article links to, and its own address, are compared between
articles like words are, after normalising away what does not change the page (scheme,
"www.", a trailing slash, the fragment, tracking parameters). Links every page carries (the
site's home, share buttons, the licence) say nothing of the subject: they are dropped here
when they are recognisable, and the related search ignores any link carried by many articles.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from bs4 import BeautifulSoup

LINK_PREFIX = "link:"
"""How a link is written as an index term beside the words (which never hold a colon)."""
MAX_LINKS = 30
"""Links kept per article, in order of appearance (the article's own address first)."""

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|src|share)$", re.I)
_NOT_A_SUBJECT = re.compile(
    r"^(twitter\.com/(intent|share|home)|x\.com/intent|facebook\.com/(sharer|share|dialog)"
    r"|(plus\.google|linkedin|reddit|pinterest|digg|delicious|stumbleupon)\.com/(share|submit|pin)"
    r"|creativecommons\.org/|feeds?\.|[^/]+/(feed|rss|tag|tags|category|author|search)(/|$))",
    re.I,
)


def normalise_link(url: str) -> str | None:
    """`url` as the page it names ("example.org/a/b?id=3"), or None when it is not a link
    to a page worth comparing (not http(s), a site's home page, a share button)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)))
    if not path and not query:
        return None
    page = f"{host}{path}" + (f"?{query}" if query else "")
    if _NOT_A_SUBJECT.match(page):
        return None
    return page


def article_links(url: str | None, html: str | None) -> tuple[str, ...]:
    """The article's own address and the pages its HTML links to, normalised, each once."""
    found: dict[str, None] = {}
    own = normalise_link(url) if url else None
    if own:
        found[own] = None
    if html and "<a" in html:
        for anchor in BeautifulSoup(html, "lxml").find_all("a", href=True):
            href = anchor.get("href")
            page = normalise_link(href) if isinstance(href, str) else None
            if page:
                found.setdefault(page, None)
            if len(found) >= MAX_LINKS:
                break
    return tuple(found)
