"""robots.txt for article pages (RFC 9309), fetched once per site and kept for a while.

Feeds are fetched regardless, as feed readers do: a feed is published to be polled. Article
pages are what a crawler takes, so for them the site's robots.txt is asked first, under our
product token `aggregator`. A missing robots.txt (any 4xx) allows everything; an unreachable
one (5xx, network error) means "not now", and the page is tried again later. A site whose
address we refuse to reach (private, loopback, ...) is REFUSED: its pages are never asked for.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from protego import Protego

from aggregator.errors import BlockedAddress, FetchError
from aggregator.net.client import HttpClient

PRODUCT_TOKEN = "aggregator"


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    DISALLOWED = "disallowed"
    UNAVAILABLE = "unavailable"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class _Entry:
    rules: Protego | None
    """None: allow everything (no robots.txt); the verdict for an unreachable one is stored
    separately as `unavailable`."""
    unavailable: bool
    expires: float
    refused: str | None = None
    """Why the site cannot be reached at all (a refused address), for the page's reason."""


class RobotsCache:
    def __init__(
        self,
        client: HttpClient,
        ttl: float = 24 * 3600,
        retry_unavailable: float = 600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.retry_unavailable = retry_unavailable
        self.clock = clock
        self.entries: dict[str, _Entry] = {}
        self.loading: dict[str, asyncio.Future[_Entry]] = {}

    async def verdict(self, url: str) -> Verdict:
        site = _site(url)
        entry = self.entries.get(site)
        if entry is None or entry.expires <= self.clock():
            entry = await self._load(site)
        if entry.refused is not None:
            return Verdict.REFUSED
        if entry.unavailable:
            return Verdict.UNAVAILABLE
        if entry.rules is None or entry.rules.can_fetch(url, PRODUCT_TOKEN):
            return Verdict.ALLOWED
        return Verdict.DISALLOWED

    async def _load(self, site: str) -> _Entry:
        """One request per site even when many of its pages ask at once."""
        pending = self.loading.get(site)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[_Entry] = asyncio.get_running_loop().create_future()
        self.loading[site] = future
        try:
            entry = await self._fetch(site)
            future.set_result(entry)
            self.entries[site] = entry
            return entry
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters get it, nobody else needs to
            raise
        finally:
            del self.loading[site]

    def refusal(self, url: str) -> str | None:
        """Why the site of `url` is refused, once its verdict is REFUSED."""
        entry = self.entries.get(_site(url))
        return entry.refused if entry is not None else None

    async def _fetch(self, site: str) -> _Entry:
        now = self.clock()
        try:
            response = await self.client.get(f"{site}/robots.txt", {"Accept": "text/plain"})
        except BlockedAddress as exc:
            return _Entry(None, False, now + self.ttl, refused=str(exc))
        except (FetchError, httpx.HTTPError, OSError):
            return _Entry(None, True, now + self.retry_unavailable)
        if response.status >= 500 or response.status == 429:
            return _Entry(None, True, now + self.retry_unavailable)
        if response.status != 200:
            return _Entry(None, False, now + self.ttl)
        text = response.body.decode("utf-8", "replace")
        return _Entry(Protego.parse(text), False, now + self.ttl)


def _site(url: str) -> str:
    parts = urlsplit(url)
    netloc = (parts.hostname or "").lower()
    if ":" in netloc:  # an IPv6 literal keeps its brackets
        netloc = f"[{netloc}]"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return f"{parts.scheme.lower()}://{netloc}"
