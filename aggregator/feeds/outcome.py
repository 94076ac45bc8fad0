"""From a fetch (and parse) result to what is written to the feed's row: a pure decision."""

from __future__ import annotations

from datetime import datetime

from aggregator.feeds.schedule import SchedulePolicy, next_check
from aggregator.records import (
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
    ScheduleInput,
)


def decide(
    feed: FeedToFetch,
    result: FetchResult,
    parsed: ParsedFeed | str | None,
    now: datetime,
    policy: SchedulePolicy,
    spread: float,
) -> FeedUpdate:
    """`parsed` is the parsed feed for a `Fetched` result, or the reason it could not be read."""
    outcome, error, status = _classify(result, parsed)
    errors = feed.error_count + 1 if outcome is Outcome.ERROR else 0
    if outcome is Outcome.RETRY_LATER or (outcome is Outcome.ERROR and feed.manual):
        errors = feed.error_count  # a retry by hand does not add to the backoff
    feed_doc = parsed if isinstance(parsed, ParsedFeed) else None
    cache = result.cache if isinstance(result, (Fetched, NotModified)) else None
    schedule_in = ScheduleInput(
        outcome=outcome,
        interval_minutes=feed.interval_minutes,
        error_count=errors,
        ttl_minutes=feed_doc.ttl_minutes if feed_doc else None,
        update_period_minutes=feed_doc.update_period_minutes if feed_doc else None,
        retry_at=result.retry_at if isinstance(result, RetryLater) else None,
        manual=feed.manual,
        never_fetched=feed.never_fetched,
        **({"cache": cache} if cache is not None else {}),
    )
    validators = result if isinstance(result, (Fetched, NotModified)) else None
    moved = getattr(result, "permanent_url", None)
    return FeedUpdate(
        outcome=outcome,
        checked_at=now,
        next_check=next_check(schedule_in, now, policy, spread),
        error_count=errors,
        http_status=status,
        error=error,
        problem=feed_doc.problem if feed_doc else None,
        etag=validators.etag if validators and outcome is not Outcome.ERROR else None,
        last_modified=(
            validators.last_modified if validators and outcome is not Outcome.ERROR else None
        ),
        moved_to=moved if moved and moved != feed.url else None,
        title=feed_doc.title if feed_doc else None,
        site_url=feed_doc.link if feed_doc else None,
        language=feed_doc.language if feed_doc else None,
    )


def _classify(
    result: FetchResult, parsed: ParsedFeed | str | None
) -> tuple[Outcome, str | None, int | None]:
    if isinstance(result, Fetched):
        if isinstance(parsed, ParsedFeed):
            return Outcome.OK, None, result.status
        return Outcome.ERROR, f"unreadable feed: {parsed or 'not parsed'}", result.status
    if isinstance(result, NotModified):
        return Outcome.NOT_MODIFIED, None, 304
    if isinstance(result, Gone):
        return Outcome.GONE, "HTTP 410 Gone", 410
    if isinstance(result, RetryLater):
        return Outcome.RETRY_LATER, f"HTTP {result.status}, asked to retry later", result.status
    assert isinstance(result, FetchFailed)
    return Outcome.ERROR, result.reason, result.status
