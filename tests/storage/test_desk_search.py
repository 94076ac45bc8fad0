"""The desk's list searched and sorted (date drafted or published, quality, feed, relevance;
both ways), the next/previous stub in that order, and an editor's edit found at once; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aggregator.drafting.editing import edit_part
from aggregator.storage.desk import Desk, StubFilter
from aggregator.storage.ordering import SORTS
from aggregator.storage.store import Store
from aggregator.storage.tables import articles, stubs
from tests.helpers.search import HOSTILE, drafted_story, stories
from tests.helpers.storage import NOW

__all__ = ["stories"]


@pytest.fixture
def listed(store: Store) -> list[int]:
    """Four stubs: drafted a day apart, published in the other order, quality .9 .5 none .7."""
    ids = [
        drafted_story(store, "a", "Port floods, port shut", "River water."),
        drafted_story(store, "b", "Port vote", "Flood defences voted."),
        drafted_story(store, "c", "Port strike", "No flood here."),
        drafted_story(store, "d", "Harbour news", "A port, flooded."),
    ]
    with store.writing() as conn:
        for n, (item_id, quality) in enumerate(zip(ids, (0.9, 0.5, None, 0.7), strict=True)):
            conn.execute(
                stubs.update()
                .where(stubs.c.item_id == item_id)
                .values(drafted_at=NOW + timedelta(days=n))
            )
            conn.execute(
                articles.update()
                .where(articles.c.item_id == item_id)
                .values(quality=quality, published=NOW - timedelta(days=n))
            )
    return ids


def order(store: Store, sort: str, search: str | None = None) -> list[int]:
    return [
        s.item_id for s in Desk(store, edit=edit_part).find(StubFilter(search=search, sort=sort))
    ]


def test_every_sort_both_ways(store: Store, listed: list[int]) -> None:
    a, b, c, d = listed
    assert order(store, "-drafted") == [d, c, b, a]
    assert order(store, "drafted") == [a, b, c, d]
    assert order(store, "-published") == [a, b, c, d]
    assert order(store, "published") == [d, c, b, a]
    assert order(store, "-quality") == [a, d, b, c]  # no quality: last either way
    assert order(store, "quality") == [b, d, a, c]
    assert order(store, "feed") == [a, b, c, d]  # one feed: the item id breaks the tie
    assert order(store, "-feed") == [d, c, b, a]
    assert order(store, "relevance") == order(store, "-drafted")  # no search: newest first
    # The title before the text; equal ranks newest first.
    assert order(store, "relevance", "port") == [a, c, b, d]
    assert set(SORTS) == {
        "-drafted", "drafted", "-published", "published", "-quality", "quality", "feed",
        "-feed", "relevance",
    }  # fmt: skip


def test_next_and_previous_keep_the_filter_and_the_order(store: Store, listed: list[int]) -> None:
    a, b, c, d = listed
    desk = Desk(store, edit=edit_part)
    assert desk.neighbours(StubFilter(), c) == (d, b)
    assert desk.neighbours(StubFilter(), d) == (None, c)
    assert desk.neighbours(StubFilter(sort="-quality"), d) == (a, b)
    assert desk.neighbours(StubFilter(sort="-quality"), c) == (b, None)
    assert desk.neighbours(StubFilter(search="flood", sort="drafted"), b) == (a, c)
    assert desk.neighbours(StubFilter(search="port", sort="relevance"), c) == (a, b)
    assert desk.neighbours(StubFilter(search="vote"), a) == (None, None)  # not in the list


def found(store: Store, query: str) -> set[int]:
    return {
        s.item_id for s in Desk(store, edit=edit_part).find(StubFilter(search=query), limit=200)
    }


def test_the_list_is_searched(store: Store, stories: dict[str, int]) -> None:
    desk = Desk(store, edit=edit_part)
    assert found(store, "flood defences") == {stories["vote"]}
    assert found(store, "東京 -大阪") == {stories["tokyo"]}
    assert desk.count(StubFilter(search="port")) == 2
    assert desk.count_by_state(StubFilter(search="port", states=("approved",)))["draft"] == 2
    assert {s.item_id for s in desk.find_summaries(StubFilter(search="overnight"))} == {
        stories["port"]
    }
    for query in HOSTILE:
        desk.find_summaries(StubFilter(search=query, sort="relevance"))
        desk.count_by_state(StubFilter(search=query))


def test_an_edit_is_found_at_once(store: Store, stories: dict[str, int]) -> None:
    desk = Desk(store, edit=edit_part)
    desk.edit(stories["vote"], "summary", "Harbour dredging starts in March.", "Ana", NOW)
    assert found(store, "dredging") == {stories["vote"]}
    desk.edit(stories["vote"], "summary", "", "Ana", NOW)
    assert found(store, "dredging") == set()


@pytest.mark.parametrize("search", ["\x07", "\U0001f83b\x07", "-", "port"])
def test_a_count_with_a_feed_filter_joins_the_feeds(
    store: Store, listed: list[int], search: str
) -> None:
    """A search without words is `false`, which folded the feed filter's table out of the
    count's joins: a cartesian product (SQLAlchemy's warning, an error here)."""
    desk = Desk(store, edit=edit_part)
    feed = desk.facets()["feeds"][0]
    for where in (
        StubFilter(feeds=(feed,), search=search),
        StubFilter(feeds=(feed, "no such feed"), search=search, stale=False, min_quality=0.1),
    ):
        found = desk.find(where, limit=10)
        assert desk.count(where) == len(found)
        assert sum(desk.count_by_state(where).values()) == len(found)
