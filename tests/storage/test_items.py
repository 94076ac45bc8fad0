"""New items are stored field for field, each under the id `save_refresh` reports for it, on
SQLite (a multi-row INSERT) and PostgreSQL (one INSERT from arrays)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from aggregator.config import FeedConfig
from aggregator.feeds.plan import keyed
from aggregator.records import ParsedItem
from aggregator.storage.store import Store
from aggregator.storage.tables import items
from tests.helpers.storage import NOW, feed_id, update


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store.open(database_url)
    s.sync_feeds([FeedConfig("one", "https://news.example.org/one")], NOW)
    try:
        yield s
    finally:
        s.close()


def test_new_items_keep_every_field_and_their_reported_ids(store: Store) -> None:
    paris = timezone(timedelta(hours=1))
    parsed = [
        ParsedItem(
            guid=f"g{n}",
            link=f"https://pages.example/{n}",
            title=f"Titre {n} « guillemets », 日本語",
            author=None if n % 2 else "Ann O'Neil",
            summary='with "quotes", {braces}, \\backslash and NULL',
            content=None if n == 3 else "<p>x</p>" * n,
            published=datetime(2026, 11, 20, 8, n, tzinfo=paris) if n % 3 else None,
            updated=datetime(2026, 11, 21, tzinfo=UTC) if n == 2 else None,
            categories=("économie", "日本") if n == 1 else (),
        )
        for n in range(6)
    ]
    saved = store.save_refresh(feed_id(store, "one"), update(), keyed(parsed), backfill=None)
    stored = {row["guid"]: row for row in store.iter_items()}
    assert len(saved.new_item_ids) == len(parsed) == len(stored)
    for item_id, item in zip(saved.new_item_ids, parsed, strict=True):
        row = stored[item.guid]
        assert row["id"] == item_id
        assert (row["url"], row["title"], row["author"]) == (item.link, item.title, item.author)
        assert (row["summary"], row["content"]) == (item.summary, item.content)
        assert row["published"] == item.published
        assert row["updated"] == item.updated
        assert row["first_seen_at"] == NOW
        assert row["revision"] == 1
    assert stored["g1"]["published"].tzinfo is not None
    with store.engine.connect() as conn:
        categories = dict(conn.execute(sa.select(items.c.guid, items.c.categories)).all())
    assert categories == {item.guid: list(item.categories) for item in parsed}
