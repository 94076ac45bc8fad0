"""The digest's reads: which stubs are in it (states, categories, time window), how many there
are and the newest change, and one page of them, newest change first.

The filters are SQL so the store does the work: `digest_state` is one aggregate over the stubs
table alone (what a conditional request needs, no rows read out), and `digest_page` reads the
state and one page in the same read transaction, so the page and the validators built from its
state describe the same snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from aggregator.storage.database import Database
from aggregator.storage.stubs import stub_of
from aggregator.storage.tables import articles, feeds, items, stubs
from aggregator.stub_records import Stub


@dataclass(frozen=True, slots=True)
class DigestQuery:
    states: tuple[str, ...]
    categories: tuple[str, ...]
    """Only these categories; empty for every category."""
    since: datetime
    """Only stubs updated at or after this time."""
    limit: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class DigestState:
    """What the selection looks like: enough to tell whether it changed."""

    count: int
    newest: datetime | None
    """The newest `updated_at` of the selection; None when it is empty."""


@dataclass(frozen=True, slots=True)
class DigestPage:
    state: DigestState
    stubs: tuple[Stub, ...]


_PAGE_COLUMNS = sa.select(
    stubs,
    feeds.c.name.label("feed"),
    items.c.guid,
    items.c.url,
    sa.func.coalesce(articles.c.author, items.c.author).label("author"),
    sa.func.coalesce(articles.c.published, items.c.published).label("published"),
    articles.c.quality,
).select_from(
    stubs.join(items, items.c.id == stubs.c.item_id)
    .join(feeds, feeds.c.id == items.c.feed_id)
    .outerjoin(articles, articles.c.item_id == stubs.c.item_id)
)


def _where(query: DigestQuery) -> list[sa.ColumnElement[bool]]:
    conditions = [
        stubs.c.drafted_at.is_not(None),
        stubs.c.updated_at >= query.since,
        stubs.c.state.in_(query.states),
    ]
    if query.categories:
        conditions.append(stubs.c.category.in_(query.categories))
    return conditions


def _state(conn: sa.Connection, query: DigestQuery) -> DigestState:
    row = conn.execute(
        sa.select(sa.func.count(), sa.func.max(stubs.c.updated_at)).where(*_where(query))
    ).one()
    return DigestState(count=int(row[0]), newest=row[1])


def digest_state(store: Database, query: DigestQuery) -> DigestState:
    """How many stubs the selection has and its newest change (the page is not read)."""
    with store.engine.connect() as conn:
        return _state(conn, query)


def digest_page(store: Database, query: DigestQuery) -> DigestPage:
    """The selection's state and its page `offset`/`limit`, newest `updated_at` first (ties:
    the higher item id first), read in one transaction.

    The page's ids are found first, sorting only (updated_at, item_id) pairs; then only those
    rows are read whole, so a deep page does not read and sort the parts of every stub before
    it."""
    ids_query = (
        sa.select(stubs.c.item_id)
        .where(*_where(query))
        .order_by(stubs.c.updated_at.desc(), stubs.c.item_id.desc())
        .limit(query.limit)
        .offset(query.offset)
    )
    with store.engine.connect() as conn, conn.begin():
        state = _state(conn, query)
        ids = list(conn.execute(ids_query).scalars()) if state.count > query.offset else []
        rows = conn.execute(_PAGE_COLUMNS.where(stubs.c.item_id.in_(ids))).all() if ids else []
    by_id = {row.item_id: row for row in rows}
    return DigestPage(state=state, stubs=tuple(stub_of(by_id[i]) for i in ids if i in by_id))


def stub_categories(store: Database) -> list[str]:
    """The categories drafted stubs have, sorted."""
    with store.engine.connect() as conn:
        found = conn.execute(
            sa.select(stubs.c.category).where(stubs.c.category.is_not(None)).distinct()
        ).scalars()
        return sorted(str(c) for c in found)
