"""What the desk's list shows of a stub, read without its parts.

A list row needs a stub's title, state, category, languages, dates and quality, and how many of
its parts an editor still has to write; not the parts themselves (about 4 KB of JSON a stub,
every one decoded into `Part`s and `Entry`s). The title and that count are taken out of the
parts by the database (SQLite's `json_each`, PostgreSQL's `json_array_elements`), so only the
columns below cross into Python. `Desk.get` still reads the full stub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from aggregator.drafting.records import TO_WRITE
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


class PartTitle(FunctionElement[str]):
    """The content of the part named "title" of a parts column, NULL without one."""

    type = sa.Text()
    inherit_cache = True


class PartsToWrite(FunctionElement[int]):
    """How many parts of a parts column are left to write (read as `Part.from_json` does: a
    part marked `edited` is not)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(PartTitle, "sqlite")
def _title_sqlite(element: PartTitle, compiler: SQLCompiler, **kw: Any) -> str:
    parts = compiler.process(element.clauses, **kw)
    return (
        f"(SELECT json_extract(p.value, '$.content') FROM json_each({parts}) AS p "
        "WHERE json_extract(p.value, '$.name') = 'title' LIMIT 1)"
    )


@compiles(PartTitle, "postgresql")
def _title_postgresql(element: PartTitle, compiler: SQLCompiler, **kw: Any) -> str:
    parts = compiler.process(element.clauses, **kw)
    return (
        f"(SELECT p ->> 'content' FROM json_array_elements({parts}) AS p "
        "WHERE p ->> 'name' = 'title' LIMIT 1)"
    )


@compiles(PartsToWrite, "sqlite")
def _to_write_sqlite(element: PartsToWrite, compiler: SQLCompiler, **kw: Any) -> str:
    parts = compiler.process(element.clauses, **kw)
    return (
        f"(SELECT count(*) FROM json_each({parts}) AS p "
        f"WHERE json_extract(p.value, '$.kind') = '{TO_WRITE}' "
        "AND json_extract(p.value, '$.edited') IS NOT 1)"
    )


@compiles(PartsToWrite, "postgresql")
def _to_write_postgresql(element: PartsToWrite, compiler: SQLCompiler, **kw: Any) -> str:
    parts = compiler.process(element.clauses, **kw)
    return (
        f"(SELECT count(*) FROM json_array_elements({parts}) AS p "
        f"WHERE p ->> 'kind' = '{TO_WRITE}' AND coalesce(p ->> 'edited', '') <> 'true')"
    )


SUMMARY_QUERY = (
    sa.select(
        stubs.c.item_id,
        PartTitle(stubs.c.parts).label("title"),
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
        PartsToWrite(stubs.c.parts).label("to_write"),
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
    return StubSummary(
        item_id=r.item_id,
        title=r.title or "",
        feed=r.feed,
        url=r.url,
        state=r.state,
        stale=bool(r.stale),
        category=r.category,
        source_language=r.source_language,
        target_language=r.target_language,
        drafted_at=r.drafted_at,
        updated_at=r.updated_at,
        published=r.published,
        quality=r.quality,
        to_write=int(r.to_write or 0),
        version=int(r.version),
    )
