"""The orders of the desk's list (`storage/ordering.py`) on SQLite and PostgreSQL: every sort
gives each stub one place, stubs without a value come last either way, ties go by item id,
and the next/previous stub of each agrees with the order of the whole list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aggregator.storage.ordering import (
    DEFAULT_SORT,
    RELEVANCE,
    SORTS,
    neighbours,
    order_of,
    sorted_by,
)
from aggregator.storage.store import Store
from aggregator.storage.tables import articles, feeds, items, stubs
from tests.helpers.storage import drafted

LISTED = sa.select(stubs.c.item_id).select_from(
    stubs.join(articles, articles.c.item_id == stubs.c.item_id)
    .join(items, items.c.id == stubs.c.item_id)
    .join(feeds, feeds.c.id == items.c.feed_id)
)


@pytest.fixture
def listed(store: Store) -> dict[int, float | None]:
    """Five drafted stubs in feeds one and two; qualities with a tie and one without."""
    qualities = {"a": 0.5, "b": 0.9, "c": None, "d": 0.5, "e": 0.1}
    ids = {}
    for guid, quality in qualities.items():
        item_id = drafted(store, guid, feed="two" if guid in "be" else "one")
        ids[item_id] = quality
        with store.writing() as conn:
            conn.execute(
                articles.update().where(articles.c.item_id == item_id).values(quality=quality)
            )
    return ids


def read(store: Store, sort: str, text: str | None = None) -> list[int]:
    with store.reading() as conn:
        return list(conn.execute(sorted_by(LISTED, sort, text)).scalars())


def test_quality_both_ways_with_ties_by_id_and_none_last(
    store: Store, listed: dict[int, float | None]
) -> None:
    a, b, c, d, e = listed
    assert read(store, "-quality") == [b, d, a, e, c]
    assert read(store, "quality") == [e, a, d, b, c]


def test_feed_both_ways(store: Store, listed: dict[int, float | None]) -> None:
    a, b, c, d, e = listed
    assert read(store, "feed") == [a, c, d, b, e]
    assert read(store, "-feed") == [e, b, d, c, a]


@pytest.mark.parametrize("sort", [s for s in SORTS if s != RELEVANCE])
def test_every_sort_places_each_stub_once_and_its_neighbours_agree(
    store: Store, listed: dict[int, float | None], sort: str
) -> None:
    order = read(store, sort)
    assert sorted(order) == sorted(listed)
    with store.reading() as conn:
        for place, item_id in enumerate(order):
            before = order[place - 1] if place > 0 else None
            after = order[place + 1] if place + 1 < len(order) else None
            assert neighbours(conn, LISTED, sort, None, item_id) == (before, after)
        assert neighbours(conn, LISTED, sort, None, max(listed) + 100) == (None, None)


def test_relevance_without_words_is_the_default_order(
    store: Store, listed: dict[int, float | None]
) -> None:
    assert read(store, RELEVANCE) == read(store, DEFAULT_SORT)
    assert [str(c) for c in order_of(RELEVANCE)] == [str(c) for c in order_of(DEFAULT_SORT)]


def test_relevance_with_words_lists_only_the_matches(
    store: Store, listed: dict[int, float | None]
) -> None:
    found = read(store, RELEVANCE, "story")
    assert found
    assert set(found) <= set(listed)
    assert len(found) == len(set(found))
    assert read(store, RELEVANCE, "zzzunknownword") == []
