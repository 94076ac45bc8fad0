"""The operator's feed commands in the store (`storage/feed_admin.py`), on SQLite and
PostgreSQL: reset a feed's errors, count and purge a feed with what was fetched from it, and
the URLs permanent redirects moved, adopted by the config."""

from __future__ import annotations

import sqlalchemy as sa

from aggregator.config import FeedConfig
from aggregator.records import Outcome
from aggregator.storage.feed_admin import (
    RESET_REASON,
    MovedFeed,
    Purged,
    adopt_urls,
    count_feed,
    moved_feeds,
    purge_feed,
    reset_feed,
)
from aggregator.storage.store import Store
from aggregator.storage.tables import articles, feeds, items
from tests.helpers.storage import NOW, drafted, feed_id, stored_item, update


def feed_row(store: Store, name: str) -> sa.Row[object]:
    with store.reading() as conn:
        return conn.execute(sa.select(feeds).where(feeds.c.name == name)).one()


def test_reset_forgets_errors_and_makes_the_feed_due(store: Store) -> None:
    failed = update(Outcome.ERROR, error_count=4, error="HTTP 500", http_status=500)
    store.save_refresh(feed_id(store, "one"), failed, [])
    assert feed_row(store, "one").error_count == 4
    assert reset_feed(store, "one") is True
    row = feed_row(store, "one")
    assert (row.error_count, row.last_error, row.next_check_at) == (0, None, None)
    assert row.next_check_reason == RESET_REASON
    assert reset_feed(store, "nonesuch") is False


def test_purge_deletes_the_feed_with_its_items_and_stubs_and_counts_them(store: Store) -> None:
    drafted(store, "a")
    drafted(store, "b")
    stored_item(store, "c")
    kept = drafted(store, "d", feed="two")
    assert count_feed(store, "one") == Purged(items=3, stubs=2)
    assert count_feed(store, "nonesuch") == Purged(items=0, stubs=0)
    assert purge_feed(store, "one") == Purged(items=3, stubs=2)
    assert count_feed(store, "one") == Purged(items=0, stubs=0)
    assert "one" not in store.feed_names()
    with store.reading() as conn:
        assert conn.execute(sa.select(items.c.id)).scalars().all() == [kept]
        assert conn.execute(sa.select(articles.c.item_id)).scalars().all() == [kept]
    assert count_feed(store, "two") == Purged(items=1, stubs=1)


def test_a_moved_feed_is_listed_until_the_config_adopts_its_url(store: Store) -> None:
    assert moved_feeds(store) == []
    new_url = "https://e.org/one-moved"
    store.save_refresh(feed_id(store, "one"), update(moved_to=new_url), [])
    moved = moved_feeds(store)
    assert moved == [MovedFeed("one", "https://e.org/one", new_url)]
    adopt_urls(store, moved)
    assert moved_feeds(store) == []
    row = feed_row(store, "one")
    assert (row.url, row.config_url) == (new_url, new_url)
    # The config now says the new URL: syncing it changes nothing.
    store.sync_feeds([FeedConfig("one", new_url), FeedConfig("two", "https://e.org/two")], NOW)
    assert feed_row(store, "one").url == new_url
    assert moved_feeds(store) == []
