"""Find the feed behind an address someone typed: the feed itself, or a page of the site.

The address comes from a person and the page from a stranger, so every request goes through
the project's `HttpClient` (address checks on every redirect, size caps, deadlines), and
addresses that are private literals are refused before any request. A page is searched for
`<link rel="alternate">` feed links first (relative to the page, or to its `<base>`), then the
usual feed paths of the site are tried; each candidate counts only once it has been fetched and
parsed into a feed with a title or items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from aggregator.articles.pages import decode_html
from aggregator.errors import AggregatorError, FetchError, ParseError
from aggregator.net.addresses import Network, is_refused_literal
from aggregator.net.client import HttpClient, HttpResponse, describe
from aggregator.net.headers import media_type
from aggregator.net.hosts import hostname
from aggregator.records import ParsedFeed
from aggregator.sanitize import safe_http_url

COMMON_PATHS = (
    "/feed",
    "/feed/",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feeds/posts/default",
    "/?feed=rss2",
)
FEED_LINK_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)
MAX_LINK_CANDIDATES = 10
MAX_PAGE_CHARS = 2_000_000
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, text/html;q=0.8, application/json;q=0.8, */*;q=0.1"
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)


class DiscoveryError(AggregatorError):
    """No usable feed at or behind an address; the message says what was tried and why not."""


class FeedParser(Protocol):
    """What parses a fetched document: `ParserPool` (within budgets) or anything alike."""

    async def parse(
        self, body: bytes, *, url: str, content_type: str | None = None
    ) -> ParsedFeed: ...


@dataclass(frozen=True, slots=True)
class FoundFeed:
    url: str
    """The feed's address to subscribe to: where permanent redirects led, if any."""
    feed: ParsedFeed
    found_by: str
    """How it was found, for people: "the address itself", "a link on the page", ..."""


@dataclass(frozen=True, slots=True)
class _Miss:
    url: str
    reason: str


async def discover_feed(http: HttpClient, parser: FeedParser, url: str) -> FoundFeed:
    """The feed at `url`, or the first usable feed that the page at `url` leads to; an address
    typed without a scheme is tried as https://.

    Raises DiscoveryError with the reasons when there is none.
    """
    if "://" not in url:
        url = f"https://{url}"
    allow = http.settings.allow_private_networks
    response = await _fetch(http, url, allow)
    if isinstance(response, _Miss):
        raise DiscoveryError(f"{url}: {response.reason}")
    outcome = await _as_feed(parser, response, url)
    if isinstance(outcome, FoundFeed):
        return FoundFeed(outcome.url, outcome.feed, "the address itself")
    if not looks_like_html(response.body, response.headers.get("content-type")):
        raise DiscoveryError(f"{url}: neither a feed nor an HTML page ({outcome.reason})")
    page = decode_html(response.body, response.headers.get("content-type"))[:MAX_PAGE_CHARS]
    links = feed_links(page, response.url)[:MAX_LINK_CANDIDATES]
    paths = [c for c in common_path_candidates(response.url) if c not in links]
    misses: list[_Miss] = []
    for candidates, found_by in ((links, "a link on the page"), (paths, "a usual feed path")):
        for candidate in candidates:
            fetched = await _fetch(http, candidate, allow)
            outcome = (
                fetched
                if isinstance(fetched, _Miss)
                else await _as_feed(parser, fetched, candidate)
            )
            if isinstance(outcome, FoundFeed):
                return FoundFeed(outcome.url, outcome.feed, found_by)
            misses.append(outcome)
    tried = "".join(f"\n  {miss.url}: {miss.reason}" for miss in misses)
    raise DiscoveryError(f"no feed found for {url}; tried:{tried}")


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    return media_type(content_type) in _HTML_TYPES or bool(_HTML_START.search(body, 0, 4096))


def feed_links(html: str, page_url: str) -> list[str]:
    """The absolute http(s) addresses of the page's feed links, in page order, without repeats.

    Relative addresses resolve against the first `<base href>`, itself relative to the page.
    """
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    base = safe_http_url(collector.base, page_url) if collector.base else None
    resolved = (safe_http_url(href, base or page_url) for href in collector.hrefs)
    return list(dict.fromkeys(link for link in resolved if link))


def common_path_candidates(page_url: str) -> list[str]:
    """The usual feed addresses on the page's own site (scheme, host and port)."""
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [urljoin(origin, path) for path in COMMON_PATHS]


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        href = values.get("href", "").strip()
        if tag == "base" and self.base is None and href:
            self.base = href
        elif tag == "link" and href and _is_feed_link(values):
            self.hrefs.append(href)


def _is_feed_link(attrs: dict[str, str]) -> bool:
    rel = attrs.get("rel", "").lower().split()
    return "alternate" in rel and media_type(attrs.get("type")) in FEED_LINK_TYPES


async def _fetch(
    http: HttpClient, url: str, allow: tuple[Network, ...] | bool
) -> HttpResponse | _Miss:
    checked = safe_http_url(url)
    if checked is None:
        return _Miss(url, "not an http:// or https:// address")
    host = hostname(checked)
    if is_refused_literal(host, allow):
        return _Miss(
            url,
            f"{host} is a private, loopback or reserved address (see "
            "[settings].allow_private_networks); not fetched",
        )
    try:
        response = await http.get(checked, {"Accept": ACCEPT})
    except (FetchError, httpx.HTTPError, OSError) as exc:
        return _Miss(url, describe(exc))
    if response.status != 200:
        return _Miss(url, f"HTTP {response.status}")
    return response


async def _as_feed(parser: FeedParser, response: HttpResponse, url: str) -> FoundFeed | _Miss:
    content_type = response.headers.get("content-type")
    try:
        feed = await parser.parse(response.body, url=response.url, content_type=content_type)
    except ParseError as exc:
        return _Miss(url, str(exc))
    if not (feed.title or feed.items):
        return _Miss(url, "a feed without a title or items")
    return FoundFeed(response.permanent_url or url, feed, "")
