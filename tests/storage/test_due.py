"""How much work is due (`storage/due.py`), on SQLite and PostgreSQL: the counts the article and
stub queues would claim at a time, so a progress display's totals agree with the work done."""

from __future__ import annotations

from datetime import timedelta

from aggregator.storage.articles import ArticleQueue
from aggregator.storage.due import due_counts
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from tests.helpers.storage import LEASE, NOW, article, drafted, stored_item


def test_an_empty_store_has_nothing_due(store: Store) -> None:
    assert due_counts(store, NOW) == {"articles": 0, "stubs": 0}


def test_counts_follow_the_queues(store: Store) -> None:
    first = stored_item(store, "a")
    stored_item(store, "b")
    assert due_counts(store, NOW) == {"articles": 2, "stubs": 0}
    claimed = ArticleQueue(store).claim_due(NOW, 1, LEASE)
    assert len(claimed) == 1
    assert due_counts(store, NOW) == {"articles": 1, "stubs": 0}  # one is leased
    assert due_counts(store, NOW + LEASE) == {"articles": 2, "stubs": 0}
    ArticleQueue(store).save(first, article("Text."), None, NOW)
    assert due_counts(store, NOW)["stubs"] == 1
    assert due_counts(store, NOW)["stubs"] == len(StubQueue(store).claim_due(NOW, 10, LEASE))
    assert due_counts(store, NOW)["stubs"] == 0


def test_drafted_stubs_are_not_due(store: Store) -> None:
    drafted(store, "a")
    assert due_counts(store, NOW + timedelta(days=1)) == {"articles": 0, "stubs": 0}
