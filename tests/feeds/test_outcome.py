"""From a fetch result to the feed row's update (`feeds/outcome.decide`): outcome, error text,
error count, validators kept or dropped, a permanent move, and what the document says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator.feeds.outcome import decide
from aggregator.feeds.schedule import SchedulePolicy
from aggregator.records import (
    CacheHints,
    FeedToFetch,
    FeedUpdate,
    Fetched,
    FetchFailed,
    FetchResult,
    Gone,
    NotModified,
    Outcome,
    ParsedFeed,
    RetryLater,
)

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
URL = "https://example.org/feed"
POLICY = SchedulePolicy(min_interval=5, max_interval=1440, max_backoff=1440, jitter=0.0)
FEED = FeedToFetch(feed_id=1, name="city", url=URL, interval_minutes=60, error_count=2)
DOCUMENT = ParsedFeed(
    format="rss20",
    title="City news",
    link="https://example.org/",
    items=(),
    language="hr",
    ttl_minutes=120,
    problem="not well-formed, read anyway",
)


def fetched(permanent_url: str | None = None) -> Fetched:
    return Fetched(
        status=200,
        body=b"<rss/>",
        url=URL,
        content_type="application/rss+xml",
        etag='"v2"',
        last_modified="Mon, 02 Nov 2026 09:00:00 GMT",
        permanent_url=permanent_url,
    )


def decided(
    result: FetchResult, parsed: ParsedFeed | str | None = None, feed: FeedToFetch = FEED
) -> FeedUpdate:
    return decide(feed, result, parsed, NOW, POLICY, 0.0)


def test_a_parsed_feed_is_ok_resets_errors_and_keeps_what_the_document_says() -> None:
    update = decided(fetched(), DOCUMENT)
    assert (update.outcome, update.error_count, update.http_status) == (Outcome.OK, 0, 200)
    assert update.error is None
    assert (update.etag, update.last_modified) == ('"v2"', "Mon, 02 Nov 2026 09:00:00 GMT")
    assert (update.title, update.site_url, update.language) == (
        "City news",
        "https://example.org/",
        "hr",
    )
    assert update.problem == "not well-formed, read anyway"
    assert update.checked_at == NOW
    assert update.next_check.at == NOW + timedelta(minutes=120)  # the feed's ttl, over 60
    assert update.moved_to is None


def test_an_unreadable_body_is_an_error_that_drops_the_validators() -> None:
    update = decided(fetched(), "no root element")
    assert (update.outcome, update.error, update.error_count) == (
        Outcome.ERROR,
        "unreadable feed: no root element",
        3,
    )
    assert (update.etag, update.last_modified, update.title) == (None, None, None)
    assert decided(fetched(), None).error == "unreadable feed: not parsed"


def test_not_modified_is_304_and_keeps_the_refreshed_validators() -> None:
    update = decided(NotModified(URL, etag='"v3"', last_modified=None))
    assert (update.outcome, update.http_status, update.error_count) == (
        Outcome.NOT_MODIFIED,
        304,
        0,
    )
    assert (update.etag, update.last_modified) == ('"v3"', None)


def test_cache_hints_of_a_response_reach_the_schedule() -> None:
    hints = CacheHints(max_age_seconds=3 * 3600)
    update = decided(NotModified(URL, None, None, cache=hints))
    assert update.next_check.at == NOW + timedelta(hours=3)


def test_gone_retires_the_feed() -> None:
    update = decided(Gone(URL))
    assert (update.outcome, update.http_status, update.error) == (
        Outcome.GONE,
        410,
        "HTTP 410 Gone",
    )
    assert update.next_check.at is None


def test_retry_later_keeps_the_error_count_and_comes_back_when_asked() -> None:
    update = decided(RetryLater(status=429, url=URL, retry_at=NOW + timedelta(minutes=30)))
    assert (update.outcome, update.error_count, update.http_status) == (
        Outcome.RETRY_LATER,
        2,
        429,
    )
    assert update.error == "HTTP 429, asked to retry later"
    assert update.next_check.at == NOW + timedelta(minutes=30)


def test_a_failure_counts_unless_it_was_asked_for_by_hand() -> None:
    failed = FetchFailed(URL, reason="connection refused")
    scheduled = decided(failed)
    assert (scheduled.outcome, scheduled.error, scheduled.error_count) == (
        Outcome.ERROR,
        "connection refused",
        3,
    )
    by_hand = decided(failed, feed=FeedToFetch(1, "city", URL, 60, error_count=2, manual=True))
    assert by_hand.error_count == 2
    assert by_hand.next_check.at is not None
    assert scheduled.next_check.at is not None
    assert by_hand.next_check.at < scheduled.next_check.at


def test_a_permanent_redirect_to_another_address_is_a_move() -> None:
    elsewhere = "https://example.org/new-feed"
    assert decided(fetched(permanent_url=elsewhere), DOCUMENT).moved_to == elsewhere
    assert decided(fetched(permanent_url=URL), DOCUMENT).moved_to is None
    failed = FetchFailed(URL, reason="HTTP 404", status=404, permanent_url=elsewhere)
    assert decided(failed).moved_to == elsewhere
    assert decided(failed).http_status == 404
