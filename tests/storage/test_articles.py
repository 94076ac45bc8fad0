"""The article table as a work queue (`storage/articles.py`) on SQLite and PostgreSQL: new items
queued in the feed's transaction, claimed oldest first with what the chain needs, saved (which
queues the stub), retried with the attempt counted, given back without, and an old or held-back
item asked for by an editor."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from aggregator.storage.articles import BACKLOG, DONE, PENDING, ArticleQueue, enqueue_articles
from aggregator.storage.cleanup import clean_up
from aggregator.storage.store import Store
from aggregator.storage.tables import articles, stubs
from tests.helpers.storage import LEASE, NOW, article, stored_item


def row(store: Store, item_id: int) -> sa.Row[object]:
    with store.reading() as conn:
        return conn.execute(sa.select(articles).where(articles.c.item_id == item_id)).one()


def test_a_new_item_is_claimed_with_what_the_chain_needs(store: Store) -> None:
    item_id = stored_item(store, "a")
    queue = ArticleQueue(store)
    assert queue.counts() == {PENDING: 1}
    (pending,) = queue.claim_due(NOW, 10, LEASE)
    assert (pending.item_id, pending.feed, pending.attempts) == (item_id, "one", 0)
    assert pending.item.link == "https://e.org/a"
    assert queue.claim_due(NOW, 10, LEASE) == []  # leased


def test_claims_take_the_oldest_due_first(store: Store) -> None:
    first, second = stored_item(store, "a"), stored_item(store, "b")
    queue = ArticleQueue(store)
    queue.retry_later(first, "HTTP 503", NOW + timedelta(minutes=1))
    assert [p.item_id for p in queue.claim_due(NOW + timedelta(minutes=2), 1, LEASE)] == [second]


def test_a_saved_article_is_done_and_queues_its_stub(store: Store) -> None:
    item_id = stored_item(store, "a")
    queue = ArticleQueue(store)
    queue.save(item_id, article("The river rose.", title="Floods"), "https://e.org/a", NOW)
    saved = row(store, item_id)
    assert (saved.state, saved.text, saved.url, saved.next_attempt_at) == (
        DONE,
        "The river rose.",
        "https://e.org/a",
        None,
    )
    assert saved.quality == 1.0
    assert saved.quality_details["score"] == 1.0
    with store.reading() as conn:
        assert conn.execute(sa.select(stubs.c.item_id)).scalars().all() == [item_id]
    assert queue.counts() == {DONE: 1}


def test_retry_counts_the_attempt_and_release_does_not(store: Store) -> None:
    item_id = stored_item(store, "a")
    queue = ArticleQueue(store)
    later = NOW + timedelta(minutes=10)
    queue.retry_later(item_id, "HTTP 503", later)
    assert (row(store, item_id).attempts, row(store, item_id).last_error) == (1, "HTTP 503")
    assert row(store, item_id).next_attempt_at == later
    queue.release(item_id, "a module is missing", NOW)
    assert (row(store, item_id).attempts, row(store, item_id).last_error) == (
        1,
        "a module is missing",
    )
    (pending,) = queue.claim_due(NOW, 10, LEASE)
    assert pending.attempts == 1


def test_an_article_given_back_is_due_at_once_without_an_attempt(store: Store) -> None:
    item_id, other = stored_item(store, "a"), stored_item(store, "b")
    queue = ArticleQueue(store)
    assert len(queue.claim_due(NOW, 10, LEASE)) == 2
    queue.give_back([item_id], NOW + timedelta(seconds=5))
    (pending,) = queue.claim_due(NOW + timedelta(seconds=5), 10, LEASE)
    assert (pending.item_id, pending.attempts) == (item_id, 0)  # the other one stays leased
    assert row(store, other).next_attempt_at > NOW + timedelta(seconds=5)


def test_held_back_and_changed_items(store: Store) -> None:
    held, changed = stored_item(store, "a"), stored_item(store, "b")
    with store.writing() as conn:
        conn.execute(articles.delete().where(articles.c.item_id == held))
        enqueue_articles(conn, [], [], NOW, backlog_ids=[held], backfill=5)
        enqueue_articles(conn, [], [held, changed], NOW + timedelta(hours=1))
    backlog = row(store, held)
    assert (backlog.state, backlog.next_attempt_at) == (BACKLOG, None)  # a change does not queue it
    assert "newest 5 items" in backlog.reason
    assert row(store, changed).next_attempt_at == NOW + timedelta(hours=1)


def test_an_editor_asks_for_a_held_back_or_expired_article(store: Store) -> None:
    held = stored_item(store, "a")
    queue = ArticleQueue(store)
    with store.writing() as conn:
        conn.execute(
            articles.update()
            .where(articles.c.item_id == held)
            .values(state=BACKLOG, next_attempt_at=None)
        )
    assert queue.request(held, NOW) == PENDING
    assert (row(store, held).state, row(store, held).next_attempt_at) == (PENDING, NOW)
    assert queue.request(held, NOW) == PENDING  # already queued: said so, nothing changed
    queue.save(held, article("Text."), None, NOW)
    assert queue.request(held, NOW) == DONE
    assert queue.request(held + 1000, NOW) is None
    other = stored_item(store, "b")
    later = NOW + timedelta(days=40)
    clean_up(store, later, 30)
    assert queue.request(other, later) == PENDING
