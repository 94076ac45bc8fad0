"""The orders the desk's list can be read in: by date drafted or published, quality or feed,
either way, or by how well a search matches.

A sort is named by its key, with a leading `-` for descending (`-quality`: best first). Stubs
without a value (no quality, no date of publication) come last either way, and ties are broken
by the item id in the sort's direction, so that every stub has one place and a page boundary or
a next/previous link never skips or repeats one.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa

from aggregator.storage import search
from aggregator.storage.tables import articles, feeds, items, stubs

SortName = Literal[
    "-drafted",
    "drafted",
    "-published",
    "published",
    "-quality",
    "quality",
    "feed",
    "-feed",
    "relevance",
]
RELEVANCE: SortName = "relevance"
DEFAULT_SORT: SortName = "-drafted"
SORTS: dict[SortName, str] = {
    "-drafted": "newest drafts first",
    "drafted": "oldest drafts first",
    "-published": "newest published first",
    "published": "oldest published first",
    "-quality": "best quality first",
    "quality": "lowest quality first",
    "feed": "feed A to Z",
    "-feed": "feed Z to A",
    RELEVANCE: "best match first (with a search)",
}
"""Every sort the list takes, with how the page names it."""


def _key(name: str) -> sa.ColumnElement[Any]:
    if name == "drafted":
        return stubs.c.drafted_at
    if name == "published":
        return sa.func.coalesce(articles.c.published, items.c.published)
    if name == "quality":
        return articles.c.quality
    return feeds.c.name


def sorted_by(query: sa.Select[Any], sort: str, text: str | None) -> sa.Select[Any]:
    """`query` joined to the search's ranks when `sort` orders by them, then ordered."""
    hits = _ranked(text) if sort == RELEVANCE else None
    if hits is not None:
        query = query.join(hits, hits.c.item_id == stubs.c.item_id)
    return query.order_by(*order_of(sort, hits))


def order_of(sort: str, hits: sa.Subquery | None = None) -> list[sa.ColumnElement[Any]]:
    """The ORDER BY of `sort`; `hits` is the search's (item_id, rank) for "relevance"."""
    if sort == RELEVANCE:
        if hits is None:
            sort = DEFAULT_SORT
        else:
            return [hits.c.rank.desc(), stubs.c.drafted_at.desc(), stubs.c.item_id.desc()]
    descending = sort.startswith("-")
    key = _key(sort.lstrip("-"))
    if descending:
        return [key.desc().nulls_last(), stubs.c.item_id.desc()]
    return [key.asc().nulls_last(), stubs.c.item_id.asc()]


def neighbours(
    conn: sa.Connection, query: sa.Select[Any], sort: str, text: str | None, item_id: int
) -> tuple[int | None, int | None]:
    """The item ids before and after `item_id` in `query` (the filtered list's stub ids) read
    in the order `sort` names; None at either end, or both when the stub is not in the list."""
    hits = _ranked(text) if sort == RELEVANCE else None
    if hits is not None:
        query = query.join(hits, hits.c.item_id == stubs.c.item_id)
    order = order_of(sort, hits)
    around = query.add_columns(
        sa.func.lag(stubs.c.item_id).over(order_by=order).label("before"),
        sa.func.lead(stubs.c.item_id).over(order_by=order).label("after"),
    ).subquery()
    row = conn.execute(
        sa.select(around.c.before, around.c.after).where(around.c.item_id == item_id)
    ).one_or_none()
    return (None, None) if row is None else (row.before, row.after)


def _ranked(text: str | None) -> sa.Subquery | None:
    return search.match(text).subquery("hits") if text else None
