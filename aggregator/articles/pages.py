"""Fetch an article page: robots.txt first, then the page, decoded to text.

Failures are values, marked transient (worth another try later: timeouts, 5xx, 429, robots.txt
unreachable) or permanent (404, not HTML, refused address, disallowed by robots.txt).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from aggregator.errors import DeadlineExceeded, FetchError
from aggregator.net.client import HttpClient, describe
from aggregator.net.headers import charset, media_type
from aggregator.net.robots import RobotsCache, Verdict

ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    html: str


@dataclass(frozen=True, slots=True)
class PageFailed:
    reason: str
    transient: bool


async def fetch_page(client: HttpClient, robots: RobotsCache, url: str) -> Page | PageFailed:
    if urlsplit(url).scheme not in ("http", "https"):
        return PageFailed(f"not an http(s) link: {url[:100]}", transient=False)
    verdict = await robots.verdict(url)
    if verdict is Verdict.DISALLOWED:
        return PageFailed("disallowed by the site's robots.txt", transient=False)
    if verdict is Verdict.REFUSED:
        return PageFailed(robots.refusal(url) or "refused address", transient=False)
    if verdict is Verdict.UNAVAILABLE:
        return PageFailed("the site's robots.txt could not be read", transient=True)
    try:
        response = await client.get(url, {"Accept": ACCEPT})
    except DeadlineExceeded as exc:
        return PageFailed(str(exc), transient=True)
    except FetchError as exc:
        return PageFailed(describe(exc), transient=False)
    except (httpx.HTTPError, OSError) as exc:
        return PageFailed(describe(exc), transient=True)
    if response.status != 200:
        return PageFailed(f"HTTP {response.status}", response.status in _TRANSIENT_STATUS)
    content_type = response.headers.get("content-type", "")
    if media_type(content_type) not in _HTML_TYPES:
        return PageFailed(f"not an HTML page ({media_type(content_type)})", transient=False)
    return Page(url=response.url, html=decode_html(response.body, content_type))


def decode_html(body: bytes, content_type: str | None) -> str:
    """The charset of the Content-Type header if it works, else a byte-order mark's, else UTF-8
    if the bytes are valid UTF-8, else the page's own declaration, else charset_normalizer's
    guess; undecodable bytes become U+FFFD rather than an error. (Valid UTF-8 is almost never
    another encoding by accident, while guessing from a short page often says a single-byte
    charset and garbles every non-ASCII letter.) The guess is always charset_normalizer's,
    never whichever detector happens to be installed beside it (bs4 prefers chardet)."""
    from bs4.dammit import EncodingDetector  # loaded with the first page, not with every command

    data, from_mark = EncodingDetector.strip_byte_order_mark(body)
    for encoding in (
        charset(content_type),
        from_mark,
        "utf-8",
        EncodingDetector.find_declared_encoding(data, is_html=True),
    ):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    return str(guess) if guess is not None else data.decode("utf-8", "replace")
