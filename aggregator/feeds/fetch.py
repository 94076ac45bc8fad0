"""Fetch one feed: a conditional GET turned into one of the `FetchResult` records."""

from __future__ import annotations

from datetime import datetime

import httpx

from aggregator.errors import FetchError
from aggregator.net.client import HttpClient, describe
from aggregator.net.headers import cache_hints, retry_after
from aggregator.records import (
    FeedToFetch,
    Fetched,
    FetchFailed,
    FetchResult,
    Gone,
    NotModified,
    RetryLater,
)

ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.1"
)


def conditional_headers(feed: FeedToFetch) -> dict[str, str]:
    """Validators echoed exactly as the server sent them."""
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


async def fetch_feed(client: HttpClient, feed: FeedToFetch, now: datetime) -> FetchResult:
    try:
        response = await client.get(feed.url, conditional_headers(feed))
    except (FetchError, httpx.HTTPError, OSError) as exc:
        return FetchFailed(url=feed.url, reason=describe(exc))
    h = response.headers
    cache = cache_hints(h.get("cache-control"), h.get("expires"), now)
    moved = response.permanent_url
    if response.status == 200:
        return Fetched(
            status=200,
            body=response.body,
            url=response.url,
            content_type=h.get("content-type"),
            etag=h.get("etag"),
            last_modified=h.get("last-modified"),
            cache=cache,
            permanent_url=moved,
        )
    if response.status == 304:
        return NotModified(
            url=response.url,
            etag=h.get("etag"),
            last_modified=h.get("last-modified"),
            cache=cache,
            permanent_url=moved,
        )
    if response.status == 410:
        return Gone(url=response.url)
    if response.status in (429, 503):
        retry_at = retry_after(h.get("retry-after"), now)
        if retry_at is not None:
            return RetryLater(status=response.status, url=response.url, retry_at=retry_at)
    return FetchFailed(
        url=response.url,
        reason=f"HTTP {response.status}",
        status=response.status,
        permanent_url=moved,
    )
