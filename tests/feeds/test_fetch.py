"""One feed fetched (`feeds/fetch.py`) from a loopback server: the validators echoed as they
were sent, and each kind of answer turned into its `FetchResult` record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.feeds.fetch import ACCEPT, conditional_headers, fetch_feed
from aggregator.net.client import HttpClient
from aggregator.records import (
    FeedToFetch,
    Fetched,
    FetchFailed,
    FetchResult,
    Gone,
    NotModified,
    RetryLater,
)
from tests.helpers.net import run, settings
from tests.loopback import Loopback, Reply

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ETAG = 'W/"v1"'
MODIFIED = "Mon, 02 Nov 2026 09:00:00 GMT"


def feed(url: str, etag: str | None = None, last_modified: str | None = None) -> FeedToFetch:
    return FeedToFetch(1, "city", url, 60, etag=etag, last_modified=last_modified)


def fetched(site: Loopback, path: str, reply: Reply, etag: str | None = None) -> FetchResult:
    site.route(path, reply)

    async def go() -> FetchResult:
        async with HttpClient(settings()) as client:
            return await fetch_feed(client, feed(site.url(path), etag), NOW)

    return run(go())


def test_conditional_headers_echo_the_validators_exactly() -> None:
    assert conditional_headers(feed("https://e.org/f")) == {"Accept": ACCEPT}
    headers = conditional_headers(feed("https://e.org/f", etag=ETAG, last_modified=MODIFIED))
    assert headers == {"Accept": ACCEPT, "If-None-Match": ETAG, "If-Modified-Since": MODIFIED}


def test_a_200_is_fetched_with_its_validators_and_cache_hints(site: Loopback) -> None:
    reply = Reply(
        body=b"<rss/>",
        headers={
            "Content-Type": "application/rss+xml",
            "ETag": ETAG,
            "Last-Modified": MODIFIED,
            "Cache-Control": "max-age=600",
        },
    )
    result = fetched(site, "/feed", reply, etag='"old"')
    assert isinstance(result, Fetched)
    assert (result.status, result.body, result.etag, result.last_modified) == (
        200,
        b"<rss/>",
        ETAG,
        MODIFIED,
    )
    assert result.content_type == "application/rss+xml"
    assert result.cache.max_age_seconds == 600
    assert result.permanent_url is None
    (request,) = site.hits("/feed")
    assert request.headers["if-none-match"] == '"old"'
    assert request.headers["accept"] == ACCEPT


def test_a_304_is_not_modified(site: Loopback) -> None:
    result = fetched(site, "/feed", Reply(status=304, headers={"ETag": ETAG}), etag=ETAG)
    assert result == NotModified(url=site.url("/feed"), etag=ETAG, last_modified=None)


def test_a_410_is_gone(site: Loopback) -> None:
    assert fetched(site, "/feed", Reply(status=410)) == Gone(url=site.url("/feed"))


@pytest.mark.parametrize("status", [429, 503])
def test_asked_to_retry_later_with_a_time(site: Loopback, status: int) -> None:
    result = fetched(site, "/feed", Reply(status=status, headers={"Retry-After": "120"}))
    assert result == RetryLater(
        status=status, url=site.url("/feed"), retry_at=NOW + timedelta(seconds=120)
    )


def test_a_503_without_retry_after_is_a_failure(site: Loopback) -> None:
    result = fetched(site, "/feed", Reply(status=503))
    assert result == FetchFailed(url=site.url("/feed"), reason="HTTP 503", status=503)


def test_a_permanent_redirect_is_followed_and_reported(site: Loopback) -> None:
    site.route("/new", Reply(body=b"<rss/>"))
    result = fetched(site, "/old", Reply(status=301, headers={"Location": site.url("/new")}))
    assert isinstance(result, Fetched)
    assert result.url == site.url("/new")
    assert result.permanent_url == site.url("/new")


def test_a_refused_address_is_a_failure_not_an_exception() -> None:
    async def go() -> FetchResult:
        async with HttpClient(settings()) as client:
            return await fetch_feed(client, feed("http://10.1.2.3/feed"), NOW)

    result = run(go())
    assert isinstance(result, FetchFailed)
    assert result.status is None
    assert result.reason
