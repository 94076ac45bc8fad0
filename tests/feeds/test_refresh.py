"""Feed refreshes end to end over loopback HTTP into a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aggregator.app import App
from aggregator.records import Outcome
from aggregator.storage.store import Store
from tests.helpers.feeds import Harness, rss
from tests.loopback import Loopback, Reply, Request


def conditional(body: bytes, etag: str = '"v1"') -> Callable[[Request], Reply]:
    def handler(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, {"ETag": etag})
        return Reply(200, {"ETag": etag, "Content-Type": "application/rss+xml"}, body)

    return handler


def test_conditional_get_and_304_without_parsing(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/f", conditional(rss([("a", "A"), ("b", "B")])))
    h = harness("/f")
    (first,), parsed_first = h.fetch_counting()
    (second,), parsed_second = h.fetch_counting()
    assert (first.outcome, first.new_items, parsed_first) == (Outcome.OK, 2, 1)
    assert (second.outcome, second.new_items, parsed_second) == (Outcome.NOT_MODIFIED, 0, 0)
    assert site.hits("/f")[1].headers["if-none-match"] == '"v1"'


def test_changed_item_is_recorded_as_an_update(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    bodies = [rss([("a", "A")]), rss([("a", "A, corrected"), ("b", "B")])]
    site.route("/f", lambda _r: Reply(body=bodies.pop(0)))
    h = harness("/f")
    h.fetch()
    (report,) = h.fetch()
    assert (report.new_items, report.changed_items) == (1, 1)
    assert h.rows()["f"].items == 2


def test_retry_after_is_honoured_and_not_counted_as_an_error(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/f", Reply(429, {"Retry-After": "7200"}))
    h = harness("/f")
    (report,) = h.fetch()
    row = h.rows()["f"]
    assert report.outcome is Outcome.RETRY_LATER
    assert row.error_count == 0
    assert row.next_check_at == h.clock.now + timedelta(hours=2)
    assert h.fetch(due_only=True) == []


def test_retry_after_as_http_date_on_503(site: Loopback, harness: Callable[..., Harness]) -> None:
    site.route("/f", Reply(503, {"Retry-After": "Sun, 29 Nov 2026 15:00:00 GMT"}))
    h = harness("/f")
    (report,) = h.fetch()
    assert report.outcome is Outcome.RETRY_LATER
    assert h.rows()["f"].next_check_at == datetime(2026, 11, 29, 15, 0, tzinfo=UTC)


def test_error_backoff_grows_and_resets_on_success(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    ok = Reply(body=rss([("a", "A")]))
    replies = [ok, Reply(500), Reply(500), Reply(500), ok]
    site.route("/f", lambda _r: replies.pop(0))
    h = harness("/f", default_interval=30)
    h.fetch()  # fetched once: its errors back off from its interval
    delays = []
    for _ in range(3):
        h.clock.now = h.rows()["f"].next_check_at or h.clock.now
        h.fetch(due_only=True)  # the scheduled passes
        row = h.rows()["f"]
        assert row.next_check_at is not None
        delays.append((row.next_check_at - h.clock.now) / timedelta(minutes=1))
    assert delays == [60, 120, 240]
    assert h.rows()["f"].error_count == 3
    h.fetch()
    row = h.rows()["f"]
    assert (row.error_count, row.last_status) == (0, "ok")
    assert row.next_check_at == h.clock.now + timedelta(minutes=30)


def test_offline_first_run_never_fetched_feed_retries_within_minutes(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/f", Reply(500))
    h = harness("/f", default_interval=60)
    delays = []
    for _ in range(3):
        h.fetch(due_only=True)
        row = h.rows()["f"]
        assert row.next_check_at is not None
        delays.append((row.next_check_at - h.clock.now) / timedelta(minutes=1))
        h.clock.now = row.next_check_at
    assert delays == [10, 20, 40], "from min_interval (5 min), not the 60 min interval"
    assert "never fetched yet" in (h.rows()["f"].next_check_reason or "")


def test_forced_retries_by_hand_do_not_add_to_the_backoff(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    ok = Reply(body=rss([("a", "A")]))
    replies = [ok, Reply(500), *[Reply(500)] * 4]
    site.route("/f", lambda _r: replies.pop(0))
    h = harness("/f", default_interval=60)
    h.fetch()
    h.clock.now = h.rows()["f"].next_check_at or h.clock.now
    h.fetch(due_only=True)  # one scheduled error: 120 min
    assert h.rows()["f"].error_count == 1
    for _ in range(4):  # four forced tries used to make it 16 h
        h.fetch(["f"])
        row = h.rows()["f"]
        assert row.error_count == 1
        assert row.next_check_at == h.clock.now + timedelta(minutes=120)
        assert "by hand" in (row.next_check_reason or "")


@pytest.mark.parametrize(
    ("status", "moves"), [(301, True), (308, True), (302, False), (307, False)]
)
def test_permanent_redirects_update_the_stored_url(
    site: Loopback, harness: Callable[..., Harness], status: int, moves: bool
) -> None:
    site.route("/old", Reply(status, {"Location": "/new"}))
    site.route("/new", Reply(body=rss([("a", "A")])))
    h = harness("/old")
    (report,) = h.fetch()
    assert report.outcome is Outcome.OK
    assert h.rows()["old"].url == site.url("/new" if moves else "/old")
    h.fetch()
    assert len(site.hits("/old")) == (1 if moves else 2)


def test_410_retires_the_feed_visibly_until_re_enabled(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/f", Reply(410))
    h = harness("/f")
    (report,) = h.fetch()
    row = h.rows()["f"]
    assert report.outcome is Outcome.GONE
    assert row.retired_at is not None
    assert row.next_check_at is None
    assert h.fetch() == []

    async def enable() -> bool:
        async with App(h.config, clock=h.clock) as app:
            return app.store.enable_feed("f")

    assert asyncio.run(enable())
    assert len(h.fetch(due_only=True)) == 1


def test_one_bad_feed_never_stops_the_others(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/good", Reply(body=rss([("a", "A")])))
    site.route("/html", Reply(body=b"<html><body><p>Not a feed</p></body></html>"))
    site.route("/slow", Reply(body=rss([]), delay=3))
    site.route("/broken", Reply(raw=b"garbage\r\n\r\n"))
    h = harness("/good", "/html", "/slow", "/broken", request_deadline=1)
    reports = {r.feed: r for r in h.fetch()}
    assert reports["good"].outcome is Outcome.OK
    assert reports["good"].new_items == 1
    for name in ("html", "slow", "broken"):
        assert reports[name].outcome is Outcome.ERROR
        assert reports[name].error
    rows = h.rows()
    assert "unreadable feed" in (rows["html"].last_error or "")
    assert "within 1 s" in (rows["slow"].last_error or "")
    assert rows["good"].items == 1


def test_malformed_but_readable_feed_is_accepted_and_flagged(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    body = rss([("a", "A & B")]).replace(b"</channel></rss>", b"")
    site.route("/f", Reply(body=body))
    h = harness("/f")
    (report,) = h.fetch()
    assert report.outcome is Outcome.OK
    assert report.new_items == 1
    assert h.rows()["f"].last_problem


def test_ttl_is_honoured_and_a_restart_causes_no_burst(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/f", Reply(body=rss([("a", "A")], extra="<ttl>240</ttl>")))
    h = harness("/f")
    h.fetch()
    assert h.rows()["f"].next_check_at == h.clock.now + timedelta(minutes=240)
    assert h.fetch(due_only=True) == []
    h.clock.advance(minutes=241)
    assert len(h.fetch(due_only=True)) == 1
    assert len(site.hits("/f")) == 2


def test_private_destination_is_recorded_as_the_feed_error(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/f", Reply(302, {"Location": f"http://127.0.0.2:{site.port}/f"}))
    h = harness("/f")
    (report,) = h.fetch()
    assert report.outcome is Outcome.ERROR
    assert "127.0.0.2" in (report.error or "")


def test_cache_control_max_age_lengthens_the_interval(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    site.route("/f", Reply(body=rss([("a", "A")]), headers={"Cache-Control": "max-age=10800"}))
    h = harness("/f")
    h.fetch()
    row = h.rows()["f"]
    assert row.next_check_at == h.clock.now + timedelta(hours=3)
    assert row.next_check_reason == "Cache-Control max-age"


def test_items_without_guid_are_identified_by_normalised_link(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    def feed(query: str) -> bytes:
        return (
            '<rss version="2.0"><channel><title>t</title>'
            f"<item><title>A</title><link>http://example.org/a{query}</link></item>"
            "<item><title>No link, no guid</title><description>Only text</description></item>"
            "</channel></rss>"
        ).encode()

    bodies = [feed(""), feed("?utm_source=rss&amp;utm_medium=feed")]
    site.route("/f", lambda _r: Reply(body=bodies.pop(0)))
    h = harness("/f")
    (first,) = h.fetch()
    (second,) = h.fetch()
    assert first.new_items == 2
    assert (second.new_items, second.changed_items) == (0, 1)
    assert h.rows()["f"].items == 2


def test_worker_processes_parse_each_feed(site: Loopback, harness: Callable[..., Harness]) -> None:
    for i in range(6):
        site.route(f"/f{i}", Reply(body=rss([(f"urn:{i}:{j}", f"T{j}") for j in range(4)])))
    site.route("/bad", Reply(body=b"<html><p>no feed</p></html>"))
    h = harness(*[f"/f{i}" for i in range(6)], "/bad", parse_workers=2)
    reports = {r.feed: r for r in h.fetch()}
    assert all(reports[f"f{i}"].new_items == 4 for i in range(6))
    assert reports["bad"].outcome is Outcome.ERROR
    rows = h.rows()
    assert sum(row.items for row in rows.values()) == 24
    assert "not a feed" in (rows["bad"].last_error or "")
    (again,) = h.fetch(["f0"])
    assert (again.outcome, again.new_items) == (Outcome.OK, 0)


def test_feeds_asked_for_by_hand_are_marked_manual_and_scheduled_ones_not(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    """`fetch --feed`, `fetch --all`, "Fetch now" and forced worker refreshes select by name or
    regardless of being due; the scheduled pass and the workers' due refreshes do not."""
    site.route("/f", Reply(500))
    h = harness("/f")
    store = Store.open(h.config.settings.database_url)
    try:
        store.sync_feeds(h.config.feeds, h.clock.now)
        (feed_id,) = [f.feed_id for f in store.feeds_to_fetch(h.clock.now, 60, due_only=False)]

        def manual(**how: Any) -> list[tuple[bool, bool]]:
            return [
                (f.manual, f.never_fetched) for f in store.feeds_to_fetch(h.clock.now, 60, **how)
            ]

        assert manual(names=["f"]) == [(True, True)]
        assert manual(due_only=False) == [(True, True)]
        assert manual(ids=[feed_id], due_only=False) == [(True, True)]
        assert manual() == [(False, True)]
        assert manual(ids=[feed_id]) == [(False, True)]
    finally:
        store.close()
