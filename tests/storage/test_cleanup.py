"""Retention (`storage/cleanup.py`) on SQLite and PostgreSQL: past `retention_days` article
texts, stubs (approved ones stay), change histories and ledger rows go; items stay, so that an
old entry still in a feed does not come back as new."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from aggregator.storage.articles import ArticleQueue
from aggregator.storage.cleanup import EXPIRED, CleanupReport, clean_up
from aggregator.storage.desk import Desk
from aggregator.storage.store import Store
from aggregator.storage.tables import articles, items, stub_events, stubs
from tests.helpers.storage import NOW, article, drafted, stored_item

LATER = NOW + timedelta(days=31)


def column(store: Store, query: sa.Select[tuple[object]]) -> list[object]:
    with store.reading() as conn:
        return list(conn.execute(query).scalars())


def test_nothing_within_the_retention_goes(store: Store) -> None:
    drafted(store, "a")
    assert clean_up(store, NOW + timedelta(days=29), 30) == CleanupReport(0, (), 0, 0)
    assert column(store, sa.select(articles.c.state)) == ["done"]


def test_old_stubs_and_texts_go_approved_stubs_and_items_stay(store: Store) -> None:
    gone, kept = drafted(store, "a"), drafted(store, "b", feed="two")
    waiting = stored_item(store, "c")
    desk = Desk(store)
    desk.move(kept, "reviewed", "Ana", NOW)
    desk.move(kept, "approved", "Ana", NOW)
    report = clean_up(store, LATER, 30)
    assert report.stubs == (("one", gone),)
    assert report.articles == 2  # the removed stub's article and the one never extracted
    assert column(store, sa.select(stubs.c.item_id)) == [kept]
    assert column(store, sa.select(stub_events.c.item_id).distinct()) == [kept]
    assert sorted(column(store, sa.select(items.c.id))) == sorted([gone, kept, waiting])
    with store.reading() as conn:
        rows = {r.item_id: r for r in conn.execute(sa.select(articles))}
    assert (rows[gone].state, rows[gone].text, rows[gone].html) == (EXPIRED, None, None)
    assert rows[waiting].next_attempt_at is None
    assert rows[kept].text == "Text of b."
    # Run again: nothing more to do.
    assert clean_up(store, LATER, 30) == CleanupReport(0, (), 0, 0)


def test_an_expired_article_is_not_extracted_again(store: Store) -> None:
    stored_item(store, "a")
    clean_up(store, LATER, 30)
    assert ArticleQueue(store).claim_due(LATER, 10, timedelta(minutes=5)) == []


def test_an_article_saved_after_the_cutoff_of_an_old_item_still_expires(store: Store) -> None:
    item_id = stored_item(store, "a")
    ArticleQueue(store).save(item_id, article("Late text."), None, LATER)
    report = clean_up(store, LATER, 30)
    assert report.articles == 1
    assert column(store, sa.select(articles.c.text)) == [None]
