"""The list's page, its counts and its filter choices are read on one connection, in one read
transaction; the statements the desk keeps give fresh rows every time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from aggregator.storage.articles import ArticleQueue
from aggregator.storage.desk import Desk, StubFilter
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.storage.tables import stubs
from aggregator.stub_records import PREPARED, TO_WRITE, Part
from aggregator.web.pages.stubs import read_listing
from tests.helpers.storage import LEASE, NOW, article, result, stored_item

SHAPES = (
    (Part("title", PREPARED, "Flood in the port"), Part("summary", TO_WRITE, "", prompt="Write.")),
    (Part("category", PREPARED, "World"), Part("title", PREPARED, "Vote")),
    (Part("summary", PREPARED, "No title part at all."),),
)


def draft(store: Store, guid: str, parts: tuple[Part, ...], feed: str) -> None:
    item_id = stored_item(store, guid, feed)
    ArticleQueue(store).save(item_id, article(f"Text of {guid}.", title=f"Story {guid}"), None, NOW)
    queue = StubQueue(store)
    for job in queue.claim_due(NOW, 10, LEASE, item_ids=[item_id]):
        queue.save(job, result(parts), NOW + timedelta(minutes=len(guid)))


@pytest.fixture
def desk(store: Store) -> Desk:
    for n, parts in enumerate(SHAPES):
        draft(store, "s" * (n + 1), parts, feed="one" if n % 2 else "two")
    return Desk(store)


def checkouts(desk: Desk, run: Any) -> int:
    """How many connections `run` takes from the pool."""
    taken: list[object] = []

    def record(*args: Any) -> None:
        taken.append(args)

    sa.event.listen(desk.store.engine, "checkout", record)
    try:
        run()
    finally:
        sa.event.remove(desk.store.engine, "checkout", record)
    return len(taken)


def test_a_list_page_takes_one_connection(desk: Desk) -> None:
    assert checkouts(desk, lambda: read_listing(desk, StubFilter(), 1)) == 1
    where = StubFilter(states=("draft",), feeds=("one",))
    assert checkouts(desk, lambda: read_listing(desk, where, 1)) == 1
    item_id = desk.find(StubFilter())[0].item_id
    assert checkouts(desk, lambda: desk.get(item_id)) == 1  # outside a snapshot: one a read


def test_kept_statements_read_fresh_rows(desk: Desk) -> None:
    before = read_listing(desk, StubFilter(), 1)
    moved = before.stubs[0].item_id
    desk.move(moved, "reviewed", "Ana", NOW)
    after = read_listing(desk, StubFilter(), 1)
    assert after.by_state["reviewed"] == before.by_state["reviewed"] + 1
    assert after.by_state["draft"] == before.by_state["draft"] - 1
    assert next(s for s in after.stubs if s.item_id == moved).state == "reviewed"
    reviewed = read_listing(desk, StubFilter(states=("reviewed",)), 1)
    assert [s.item_id for s in reviewed.stubs] == [moved]
    assert reviewed.total == 1


def test_a_snapshot_does_not_see_a_later_commit_on_sqlite(desk: Desk) -> None:
    if desk.store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads at READ COMMITTED: each statement sees its own snapshot")
    with desk.snapshot() as seen:
        first = seen.count_by_state(StubFilter())
        with desk.store.writing() as conn:
            conn.execute(stubs.update().values(state="rejected"))
        assert seen.count_by_state(StubFilter()) == first
    assert desk.count_by_state(StubFilter())["rejected"] == len(SHAPES)
