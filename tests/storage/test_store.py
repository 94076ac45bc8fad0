from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from aggregator.config import FeedConfig
from aggregator.feeds.plan import keyed
from aggregator.records import NextCheck, Outcome, ParsedItem
from aggregator.storage.engine import SCHEMA_REVISION
from aggregator.storage.store import Store
from aggregator.storage.tables import feeds, item_changes, items
from tests.helpers.storage import NOW, feed_id, update


def rows(store: Store, table: sa.Table) -> list[sa.Row[object]]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(table)))


def test_migrations_create_the_database_and_are_idempotent(tmp_path: Path) -> None:
    (tmp_path / "new").mkdir()
    url = f"sqlite:///{tmp_path / 'new' / 'x.db'}"
    Store.open(url).close()
    store = Store.open(url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert (
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            == SCHEMA_REVISION
        )


def test_items_are_stored_exactly_once(store: Store) -> None:
    records = keyed([ParsedItem(guid=f"g{i}", link=None, title=f"t{i}") for i in range(3)])
    first = store.save_refresh(feed_id(store, "one"), update(), records)
    again = store.save_refresh(feed_id(store, "one"), update(), records)
    assert len(first.plan.new) == 3
    assert len(first.new_item_ids) == 3
    assert again.plan.new == ()
    assert again.plan.unchanged == 3
    assert len(rows(store, items)) == 3


def test_the_same_guid_in_two_feeds_is_two_items(store: Store) -> None:
    records = keyed([ParsedItem(guid="same", link=None, title="t")])
    store.save_refresh(feed_id(store, "one"), update(), records)
    store.save_refresh(feed_id(store, "two"), update(), records)
    assert len(rows(store, items)) == 2


def test_changed_content_is_an_update_not_a_new_item(store: Store) -> None:
    fid = feed_id(store, "one")
    store.save_refresh(fid, update(), keyed([ParsedItem(guid="g", link=None, title="old")]))
    saved = store.save_refresh(fid, update(), keyed([ParsedItem(guid="g", link=None, title="new")]))
    assert len(saved.plan.changed) == 1
    (row,) = rows(store, items)
    assert (row.title, row.revision) == ("new", 2)
    (change,) = rows(store, item_changes)
    assert change.previous_title == "old"


def test_a_failing_refresh_writes_nothing(store: Store) -> None:
    fid = feed_id(store, "one")
    good = ParsedItem(guid="a", link=None, title="fine")
    naive = ParsedItem(guid="b", link=None, title="bad", published=datetime(2026, 1, 1))
    with pytest.raises(sa.exc.StatementError):
        store.save_refresh(fid, update(etag='"new"'), keyed([good, naive]))
    assert rows(store, items) == []
    (feed,) = [r for r in rows(store, feeds) if r.name == "one"]
    assert feed.etag is None
    assert feed.last_checked_at is None


def test_validators_kept_on_304_and_replaced_on_200(store: Store) -> None:
    fid = feed_id(store, "one")
    store.save_refresh(fid, update(etag='"v1"', last_modified="Mon"), [])
    store.save_refresh(fid, update(Outcome.NOT_MODIFIED, http_status=304), [])
    feed = store.feeds_to_fetch(NOW, 60, names=["one"])[0]
    assert (feed.etag, feed.last_modified) == ('"v1"', "Mon")
    store.save_refresh(fid, update(etag=None, last_modified="Tue"), [])
    feed = store.feeds_to_fetch(NOW, 60, names=["one"])[0]
    assert (feed.etag, feed.last_modified) == (None, "Tue")


def test_due_feeds_and_retirement(store: Store) -> None:
    fid = feed_id(store, "one")
    store.save_refresh(fid, update(), [])
    assert [f.name for f in store.feeds_to_fetch(NOW, 60)] == ["two"]
    assert {f.name for f in store.feeds_to_fetch(NOW + timedelta(hours=2), 60)} == {"one", "two"}
    gone = update(Outcome.GONE, http_status=410, next_check=NextCheck(None, "retired: 410"))
    store.save_refresh(fid, gone, [])
    assert [f.name for f in store.feeds_to_fetch(NOW + timedelta(days=9), 60, due_only=False)] == [
        "two"
    ]
    assert store.enable_feed("one")
    assert "one" in [f.name for f in store.feeds_to_fetch(NOW, 60)]


def test_config_changes_are_synced(store: Store) -> None:
    fid = feed_id(store, "one")
    store.save_refresh(fid, update(etag='"x"', moved_to="https://e.org/moved"), [])
    store.sync_feeds([FeedConfig("one", "https://e.org/one")], NOW)
    one = store.feeds_to_fetch(NOW, 60, names=["one"])[0]
    assert one.url == "https://e.org/moved", "a permanent redirect survives a restart"
    store.sync_feeds([FeedConfig("one", "https://e.org/edited")], NOW)
    one = store.feeds_to_fetch(NOW, 60, names=["one"])[0]
    assert (one.url, one.etag) == ("https://e.org/edited", None), "an edited config URL wins"
    assert [r.name for r in store.feed_rows() if not r.in_config] == ["two"]
    assert [f.name for f in store.feeds_to_fetch(NOW, 60, due_only=False)] == ["one"]


def test_schema_revision_is_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from aggregator.storage.engine import MIGRATIONS, SCHEMA_REVISION

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_migrations_match_the_tables(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from aggregator.storage import search
    from aggregator.storage.tables import metadata

    store = Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    with store.engine.connect() as conn:
        # The search tables are the search module's, outside the Core metadata.
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, kind, _: not search.is_search_table(name)}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_new_and_changed_items_are_queued_for_extraction(store: Store) -> None:
    from aggregator.storage.articles import ArticleQueue

    fid = feed_id(store, "one")
    store.save_refresh(
        fid, update(), keyed([ParsedItem(guid="g", link="https://e.org/a", title="a")])
    )
    queue = ArticleQueue(store)
    (pending,) = queue.claim_due(NOW, 10, timedelta(minutes=5))
    assert (pending.item.link, pending.feed, pending.attempts) == ("https://e.org/a", "one", 0)
    assert queue.claim_due(NOW, 10, timedelta(minutes=5)) == [], "leased"
    assert len(queue.claim_due(NOW + timedelta(minutes=6), 10, timedelta(minutes=5))) == 1
    changed = keyed([ParsedItem(guid="g", link="https://e.org/a", title="a, corrected")])
    store.save_refresh(fid, update(), changed)
    assert queue.counts() == {"pending": 1}
    assert len(queue.claim_due(NOW, 10, timedelta(minutes=5))) == 1


def test_a_plain_postgresql_url_is_spoken_to_with_psycopg_3() -> None:
    from aggregator.storage.engine import create_engine

    engine = create_engine("postgresql://someone@db.example/aggregator")
    try:
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()
