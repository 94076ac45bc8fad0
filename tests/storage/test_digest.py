"""The digest's reads on a real store: states, categories and the window filtered in SQL,
newest change first, counted and paged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from aggregator.storage.digest import (
    DigestQuery,
    digest_page,
    digest_state,
    stub_categories,
)
from aggregator.storage.store import Store
from tests.digest.seed import NOW, open_store, seed_stub

EVERY = ("draft", "reviewed", "approved")
SINCE = NOW - timedelta(days=14)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    yield store
    store.close()


def query(**changes: object) -> DigestQuery:
    values: dict[str, object] = {"states": EVERY, "categories": (), "since": SINCE, "limit": 10}
    return DigestQuery(**{**values, **changes})  # type: ignore[arg-type]


def test_newest_change_first_ties_by_item_id(store: Store) -> None:
    a = seed_stub(store, "a", updated_at=NOW - timedelta(hours=2))
    b = seed_stub(store, "b", updated_at=NOW)
    c = seed_stub(store, "c", updated_at=NOW, feed="two")
    page = digest_page(store, query())
    assert [s.item_id for s in page.stubs] == [c, b, a]
    assert page.state.count == 3
    assert page.state.newest == NOW
    assert digest_state(store, query()) == page.state
    assert page.stubs[0].feed == "two"
    assert page.stubs[0].title == "Story c"


def test_states_categories_and_the_window_filter(store: Store) -> None:
    seed_stub(store, "draft")
    approved = seed_stub(store, "approved", state="approved", category="Politics")
    seed_stub(store, "rejected", state="rejected")
    seed_stub(store, "old", updated_at=SINCE - timedelta(seconds=1))
    edge = seed_stub(store, "edge", updated_at=SINCE)
    assert digest_state(store, query()).count == 3
    only = digest_page(store, query(states=("approved",)))
    assert [s.item_id for s in only.stubs] == [approved]
    assert digest_state(store, query(categories=("Politics", "Nothing"))).count == 1
    assert digest_state(store, query(categories=("World",))).count == 2
    assert edge in [s.item_id for s in digest_page(store, query()).stubs]
    empty = digest_page(store, query(categories=("Nothing",)))
    assert (empty.state.count, empty.state.newest, empty.stubs) == (0, None, ())
    assert stub_categories(store) == ["Politics", "World"]


def test_pages_do_not_repeat(store: Store) -> None:
    ids = [seed_stub(store, f"s{i}", updated_at=NOW - timedelta(minutes=i)) for i in range(7)]
    pages = [digest_page(store, query(limit=3, offset=o)) for o in (0, 3, 6, 9)]
    seen = [s.item_id for p in pages for s in p.stubs]
    assert seen == ids
    assert [len(p.stubs) for p in pages] == [3, 3, 1, 0]
    assert {p.state.count for p in pages} == {7}


def test_the_article_author_and_date_come_with_the_stub(store: Store) -> None:
    published = NOW - timedelta(days=1)
    seed_stub(store, "a", author="Ana Author", published=published, url=None)
    (stub,) = digest_page(store, query()).stubs
    assert (stub.author, stub.published, stub.url, stub.guid) == (
        "Ana Author",
        published,
        None,
        "a",
    )
