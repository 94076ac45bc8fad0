"""A feed's first fetch: every item is stored, only the newest `backfill_items` get articles
and stubs; later fetches queue every new item; an editor can ask for an old one."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.feeds.plan import keyed
from aggregator.records import ParsedItem
from aggregator.storage.tables import articles, feeds, items, stubs
from tests.loopback import Loopback, Reply

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
HTML = {"Content-Type": "text/html"}
RSS = {"Content-Type": "application/rss+xml"}


def dated(guid: str, minutes: int | None) -> ParsedItem:
    when = None if minutes is None else START + timedelta(minutes=minutes)
    return ParsedItem(guid=guid, link=None, title=guid, published=when)


def story(number: int) -> bytes:
    return (
        f"<html><head><title>Story {number}</title></head><body><article><h1>Story {number}</h1>"
        f"<p>The harbour of town {number} reopened on Monday after three days of storms, the "
        f"port authority said. Ferries to the islands ran again from 6 a.m.</p>"
        f"<p>Fishermen in town {number} said 40 boats were damaged. The council promised a fund "
        f"of 2 million euros for repairs, to be voted on Thursday.</p>"
        f"<p>Forecasters expect calmer weather for the rest of the week in the region.</p>"
        f"</article></body></html>"
    ).encode()


def feed_of(site: Loopback, numbers: Sequence[int], minutes: Callable[[int], int]) -> bytes:
    """Items in the order given, item n published `minutes(n)` after START."""
    entries = "".join(
        f"<item><guid>urn:s:{n}</guid><title>Story {n}</title><link>{site.url(f'/s/{n}')}</link>"
        f"<pubDate>{format_datetime(START + timedelta(minutes=minutes(n)))}</pubDate></item>"
        for n in numbers
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Big</title>"
        f"<link>http://example.org/</link>{entries}</channel></rss>"
    ).encode()


def serve_stories(site: Loopback, numbers: Sequence[int]) -> None:
    for n in numbers:
        site.route(f"/s/{n}", Reply(body=story(n), headers=HTML))


def invoke(config: Config, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config.path), *args])
    return result.exit_code, result.output


def counts(config: Config, feed: str | None = None) -> dict[str, Any]:
    """Items, articles by state and stubs of one feed (or of all)."""
    engine = sa.create_engine(config.settings.database_url)
    joined = items.join(feeds, feeds.c.id == items.c.feed_id)
    where = [feeds.c.name == feed] if feed else []
    try:
        with engine.connect() as conn:
            n_items = conn.execute(sa.select(sa.func.count()).select_from(joined).where(*where))
            states = conn.execute(
                sa.select(articles.c.state, sa.func.count())
                .select_from(joined.join(articles, articles.c.item_id == items.c.id))
                .where(*where)
                .group_by(articles.c.state)
            )
            drafted = conn.execute(
                sa.select(items.c.url)
                .select_from(joined.join(stubs, stubs.c.item_id == items.c.id))
                .where(stubs.c.drafted_at.is_not(None), *where)
            )
            return {
                "items": n_items.scalar_one(),
                "articles": dict(states.all()),
                "stubs": sorted(row.url for row in drafted),
            }
    finally:
        engine.dispose()


def item_id_of(config: Config, guid: str) -> int:
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(items.c.id).where(items.c.guid == guid)).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_first_fetch_of_a_50000_item_feed_drafts_only_the_newest_20(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    total = 50_000
    # Oldest first in the document, so that "newest" must come from the dates, not the order.
    site.route("/big", Reply(body=feed_of(site, range(total), lambda n: n), headers=RSS))
    newest_20 = range(total - 20, total)
    serve_stories(site, newest_20)
    config = make_config([{"name": "big", "url": site.url("/big")}])
    assert config.settings.backfill_items == 20

    code, output = invoke(config, "fetch", "--all")
    assert code == 0, output
    assert "50000 new items" in output
    assert "49980 older items of first fetches stored without articles" in output
    assert "20 articles extracted" in output
    assert "20 stubs drafted" in output
    found = counts(config)
    assert found["items"] == total
    assert found["articles"] == {"done": 20, "backlog": total - 20}
    assert found["stubs"] == sorted(site.url(f"/s/{n}") for n in newest_20)

    code, output = invoke(config, "items", "--feed", "big", "--format", "jsonl")
    old = json.loads(output.splitlines()[0])
    assert old["extraction_state"] == "backlog"
    assert "draft --item" in old["extraction_reason"]


def test_later_fetches_queue_every_new_item_and_feeds_set_their_own_backfill(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    serve_stories(site, range(20))
    site.route("/a", Reply(body=feed_of(site, range(5), lambda n: n), headers=RSS))
    site.route("/b", Reply(body=feed_of(site, range(10, 15), lambda n: n), headers=RSS))
    site.route("/c", Reply(body=feed_of(site, range(15, 18), lambda n: n), headers=RSS))
    config = make_config(
        [
            {"name": "a", "url": site.url("/a")},
            {"name": "b", "url": site.url("/b"), "backfill_items": 4},
            {"name": "c", "url": site.url("/c"), "backfill_items": 0},
        ],
        backfill_items=2,
    )
    code, output = invoke(config, "fetch", "--all")
    assert code == 0, output
    assert counts(config, "a")["articles"] == {"done": 2, "backlog": 3}
    assert counts(config, "a")["stubs"] == [site.url("/s/3"), site.url("/s/4")]
    assert counts(config, "b")["articles"] == {"done": 4, "backlog": 1}
    assert counts(config, "c")["articles"] == {"backlog": 3}
    assert counts(config, "c")["stubs"] == []

    # Three new items and a changed title on a backlog item: the new ones all get articles,
    # the old one stays in the backlog.
    changed = feed_of(site, range(8), lambda n: n).replace(b"Story 0<", b"Story 0, corrected<")
    site.route("/a", Reply(body=changed, headers=RSS))
    code, output = invoke(config, "fetch", "--all")
    assert code == 0, output
    assert "3 new items, 1 changed" in output
    assert "older items" not in output
    assert counts(config, "a")["articles"] == {"done": 5, "backlog": 3}
    assert len(counts(config, "a")["stubs"]) == 5


def test_an_editor_asks_for_an_item_of_the_backlog(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    serve_stories(site, range(6))
    site.route("/a", Reply(body=feed_of(site, range(6), lambda n: n), headers=RSS))
    config = make_config([{"name": "a", "url": site.url("/a")}], backfill_items=1)
    code, output = invoke(config, "fetch", "--all")
    assert code == 0, output
    assert counts(config)["stubs"] == [site.url("/s/5")]
    hits_before = len(site.hits("/s/0"))
    assert hits_before == 0

    old = item_id_of(config, "urn:s:0")
    code, output = invoke(config, "draft", "--item", str(old))
    assert code == 0, output
    assert "1 stubs drafted" in output
    assert len(site.hits("/s/0")) == 1  # its page was fetched and extracted
    assert counts(config)["stubs"] == [site.url("/s/0"), site.url("/s/5")]
    assert counts(config)["articles"] == {"done": 2, "backlog": 4}
    code, output = invoke(config, "stubs", "--format", "jsonl")
    drafted = {json.loads(line)["item_id"]: json.loads(line) for line in output.splitlines()}
    assert "Story 0" in drafted[old]["title"]
    assert drafted[old]["provenance"]["extraction_method"] in ("generic", "rule")

    code, output = invoke(config, "draft", "--item", str(old))
    assert code != 0
    assert "--redo" in output
    code, output = invoke(config, "draft", "--item", "999999")
    assert code != 0
    assert "there is no item 999999" in output


def test_an_old_item_whose_page_fails_now_is_left_to_the_retries(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    serve_stories(site, [1])
    site.route("/s/0", Reply(503))
    site.route("/a", Reply(body=feed_of(site, range(2), lambda n: n), headers=RSS))
    config = make_config([{"name": "a", "url": site.url("/a")}], backfill_items=1)
    assert invoke(config, "fetch", "--all")[0] == 0
    code, output = invoke(config, "draft", "--item", str(item_id_of(config, "urn:s:0")))
    assert code != 0
    assert "could not be had now; it will be tried again" in output
    assert counts(config)["articles"] == {"done": 1, "pending": 1}


def test_the_store_holds_back_all_but_the_newest_of_a_first_fetch(database_url: str) -> None:
    from aggregator.config import FeedConfig
    from aggregator.records import FeedUpdate, NextCheck, Outcome
    from aggregator.storage.articles import ArticleQueue
    from aggregator.storage.store import Store

    now = START + timedelta(days=1)
    update = FeedUpdate(
        outcome=Outcome.OK,
        checked_at=now,
        next_check=NextCheck(now + timedelta(hours=1), "interval of 60 min"),
        error_count=0,
        http_status=200,
    )
    store = Store.open(database_url)
    try:
        store.sync_feeds([FeedConfig("one", "https://e.org/one")], now)
        (feed,) = store.feeds_to_fetch(now, 60, due_only=False)
        first = keyed([dated(f"g{n}", n) for n in range(5)])
        saved = store.save_refresh(feed.feed_id, update, first, 2)
        ids = dict(zip([r.item.guid for r in first], saved.new_item_ids, strict=True))
        assert sorted(saved.queued_item_ids) == sorted([ids["g3"], ids["g4"]])

        def states() -> dict[str, str]:
            with store.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(items.c.guid, articles.c.state).join(
                        articles, articles.c.item_id == items.c.id
                    )
                )
                return {row.guid: row.state for row in rows}

        assert states() == {
            "g0": "backlog", "g1": "backlog", "g2": "backlog", "g3": "pending", "g4": "pending"
        }  # fmt: skip
        later = [*first[:3], *keyed([dated(f"g{n}", n) for n in range(5, 8)])]
        later[0] = keyed([ParsedItem(guid="g0", link=None, title="g0, corrected")])[0]
        again = store.save_refresh(feed.feed_id, update, later, 2)
        assert (len(again.plan.new), len(again.plan.changed)) == (3, 1)
        assert again.queued_item_ids == again.new_item_ids
        assert states()["g0"] == "backlog"
        assert [states()[f"g{n}"] for n in range(5, 8)] == ["pending"] * 3

        queue = ArticleQueue(store)
        assert queue.request(ids["g1"], now) == "pending"
        assert states()["g1"] == "pending"
        assert queue.request(ids["g3"], now) == "pending"  # queued already: left as it is
        assert queue.request(10**9, now) is None
    finally:
        store.close()
