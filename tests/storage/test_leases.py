"""Claiming queued rows with a lease (`storage/leases.py`), on SQLite and PostgreSQL: a claim
takes due rows and pushes them past the lease, a second claim finds none, a lease that ran out
is claimed again, and rows given back are due at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from aggregator.storage.leases import claim, give_back
from aggregator.storage.store import Store
from aggregator.storage.tables import articles
from tests.helpers.storage import LEASE, NOW, stored_item

QUEUE = sa.select(articles.c.item_id).order_by(articles.c.item_id)


def due_at(store: Store, item_id: int) -> object:
    with store.reading() as conn:
        return conn.execute(
            sa.select(articles.c.next_attempt_at).where(articles.c.item_id == item_id)
        ).scalar_one()


def claimed(
    store: Store,
    now: datetime = NOW,
    item_ids: Sequence[int] | None = None,
    leased_too: bool = False,
) -> list[int]:
    rows = claim(store, articles, QUEUE, now, LEASE, item_ids=item_ids, leased_too=leased_too)
    return [row.item_id for row in rows]


def test_a_claim_takes_the_due_rows_once_until_the_lease_runs_out(store: Store) -> None:
    first, second = stored_item(store, "a"), stored_item(store, "b")
    assert claimed(store) == [first, second]
    assert due_at(store, first) == NOW + LEASE
    assert claimed(store) == []  # leased
    assert claimed(store, now=NOW + LEASE - timedelta(seconds=1)) == []
    assert claimed(store, now=NOW + LEASE) == [first, second]  # the holder died


def test_a_claim_can_be_narrowed_to_items_and_take_leased_ones_too(store: Store) -> None:
    first, second = stored_item(store, "a"), stored_item(store, "b")
    assert claimed(store, item_ids=[second]) == [second]
    assert claimed(store, item_ids=[second]) == []
    assert claimed(store, item_ids=[second], leased_too=True) == [second]
    assert claimed(store, item_ids=[]) == []
    assert claimed(store) == [first]


def test_the_query_keeps_its_own_limit(store: Store) -> None:
    ids = [stored_item(store, guid) for guid in "abc"]
    rows = claim(store, articles, QUEUE.limit(2), NOW, LEASE)
    assert [r.item_id for r in rows] == ids[:2]
    assert due_at(store, ids[2]) != NOW + LEASE


def test_given_back_rows_are_due_at_once_and_nothing_else_changes(store: Store) -> None:
    first, second = stored_item(store, "a"), stored_item(store, "b")
    claimed(store)
    with store.reading() as conn:
        before = conn.execute(sa.select(articles).order_by(articles.c.item_id)).all()
    give_back(store, articles, [first], NOW + timedelta(minutes=1))
    give_back(store, articles, [], NOW)
    assert due_at(store, first) == NOW + timedelta(minutes=1)
    assert due_at(store, second) == NOW + LEASE
    with store.reading() as conn:
        after = conn.execute(sa.select(articles).order_by(articles.c.item_id)).all()
    changed = [
        key
        for old, new in zip(before, after, strict=True)
        for key in old._mapping
        if old._mapping[key] != new._mapping[key]
    ]
    assert changed == ["next_attempt_at"]
    assert claimed(store, now=NOW + timedelta(minutes=1)) == [first]
