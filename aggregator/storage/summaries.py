"""What the desk's list shows of a stub, read without its parts.

A list row needs a stub's title, state, category, languages, dates and quality, and how many of
its parts an editor still has to write; not the parts themselves (about 4 KB of JSON a stub,
every one decoded into `Part`s and `Entry`s). The title and that count are columns the database
keeps from the parts (triggers of migration 0009, on every write of `parts`), so the list reads
only the columns below. `Desk.get` still reads the full stub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa

from aggregator.storage.tables import articles, feeds, items, stubs


@dataclass(frozen=True, slots=True)
class StubSummary:
    """A row of the desk's list: the fields of `Stub` it shows, and no parts."""

    item_id: int
    title: str
    """The title part's content ("" without one), as `Stub.title`."""
    feed: str
    url: str | None
    state: str
    stale: bool
    category: str | None
    source_language: str | None
    target_language: str | None
    drafted_at: datetime
    updated_at: datetime
    published: datetime | None
    quality: float | None
    to_write: int
    """Parts left for an editor to write (kind `to_write`)."""
    version: int


SUMMARY_QUERY = (
    sa.select(
        stubs.c.item_id,
        stubs.c.title,
        feeds.c.name.label("feed"),
        items.c.url,
        stubs.c.state,
        stubs.c.stale,
        stubs.c.category,
        stubs.c.source_language,
        stubs.c.target_language,
        stubs.c.drafted_at,
        stubs.c.updated_at,
        sa.func.coalesce(articles.c.published, items.c.published).label("published"),
        articles.c.quality,
        stubs.c.to_write,
        stubs.c.version,
    )
    .select_from(
        stubs.join(items, items.c.id == stubs.c.item_id)
        .join(feeds, feeds.c.id == items.c.feed_id)
        .outerjoin(articles, articles.c.item_id == stubs.c.item_id)
    )
    .where(stubs.c.drafted_at.is_not(None))
)
"""Drafted stubs as list rows; callers add filters and order, as to `STUB_QUERY`."""


def summary_of(r: sa.Row[Any]) -> StubSummary:
    """A row of `SUMMARY_QUERY`, unpacked by position (its columns are in the record's order;
    by name, reading the rows cost as much as the query)."""
    row: tuple[Any, ...] = tuple(r)
    (item_id, title, feed, url, state, stale, category, source, target, *times, to_write, v) = row
    drafted_at, updated_at, published, quality = times
    return StubSummary(
        item_id,
        title or "",
        feed,
        url,
        state,
        bool(stale),
        category,
        source,
        target,
        drafted_at,
        updated_at,
        published,
        quality,
        int(to_write or 0),
        int(v),
    )


def distinct_values(conn: sa.Connection, column: sa.Column[str]) -> list[str]:
    """The distinct values of an indexed `column` (NULL left out), in order, one index probe
    per value (a loose index scan): the smallest value, then the smallest above it, and so on.
    For the list's filter choices, where `SELECT DISTINCT` read every stub's index entry."""
    return [str(value) for value in conn.execute(_distinct_query(column)).scalars()]


@cache
def _distinct_query(column: sa.Column[str]) -> sa.Select[tuple[str]]:
    """Built once per column: building the statement cost more than running it."""
    found = sa.select(sa.func.min(column).label("value")).cte("found", recursive=True)
    above = sa.select(sa.func.min(column)).where(column > found.c.value).scalar_subquery()
    found = found.union_all(sa.select(above).where(found.c.value.is_not(None)))
    return sa.select(found.c.value).where(found.c.value.is_not(None))
