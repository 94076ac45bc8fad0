"""The editors' side of the stubs: finding them, reading one beside its source, editing parts,
moving a stub through draft -> reviewed -> approved / rejected, and the history of who did what.

Every change is one transaction with its event; an edit makes the part `edited`, so a later
redraft keeps it, and a part saved empty is to write again: what an edit makes of a part is
drafting's rule (`drafting/editing.py`'s `edit_part`), handed to the desk that saves edits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

import sqlalchemy as sa

from aggregator.errors import AggregatorError
from aggregator.storage import search, versions
from aggregator.storage.database import Database
from aggregator.storage.ordering import DEFAULT_SORT, neighbours, sorted_by
from aggregator.storage.stubs import STUB_QUERY, stub_of
from aggregator.storage.summaries import (
    SUMMARY_QUERY,
    StubSummary,
    distinct_values,
    summary_of,
)
from aggregator.storage.tables import articles, feeds, items, stub_events, stubs
from aggregator.stub_records import (
    APPROVED,
    DRAFT,
    PART_NAMES,
    REJECTED,
    REVIEWED,
    STATES,
    Part,
    Stub,
)

MAX_PART_CHARS = 50_000
MAX_WHO_CHARS = 80

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({REVIEWED, REJECTED}),
    REVIEWED: frozenset({APPROVED, REJECTED, DRAFT}),
    APPROVED: frozenset({DRAFT, REJECTED}),
    REJECTED: frozenset({DRAFT}),
}
"""Where a stub may go from each state; approving needs a review first."""


class PartEdit(Protocol):
    """What an editor's `content` makes of `part` (`drafting.editing.edit_part`)."""

    def __call__(self, part: Part, content: str, who: str, language: str | None = None) -> Part: ...


class DeskError(AggregatorError):
    """An editor's request that cannot be done as asked (unknown stub, bad transition...)."""


@dataclass(frozen=True, slots=True)
class StubFilter:
    states: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    stale: bool | None = None
    min_quality: float | None = None
    search: str | None = None
    """What an editor typed to search titles, parts and article text (`storage/search.py`)."""
    sort: str = DEFAULT_SORT
    """The list's order (`storage/ordering.py`); counts ignore it."""


@dataclass(frozen=True, slots=True)
class Source:
    """The extracted article a stub was drafted from."""

    url: str | None
    title: str | None
    text: str
    html: str
    method: str | None
    language: str | None
    quality: float | None


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    who: str
    action: str
    detail: str | None


class Desk:
    def __init__(
        self, store: Database, conn: sa.Connection | None = None, *, edit: PartEdit | None = None
    ) -> None:
        """`edit`: the rule of editors' edits; a desk without it reads and moves stubs, and
        refuses to save parts."""
        self.store = store
        self._conn = conn
        self._edit = edit

    @contextmanager
    def snapshot(self) -> Iterator[Desk]:
        """A desk whose reads share one connection and one read transaction: a page that
        reads several things (the list, its counts, its filter choices) opens one connection,
        not one for each, and on SQLite they all see the same snapshot."""
        if self._conn is not None:
            yield self
            return
        with self.store.engine.connect() as conn:
            yield Desk(self.store, conn, edit=self._edit)

    def _connect(self) -> AbstractContextManager[sa.Connection]:
        """A connection for one read: the snapshot's when there is one."""
        return nullcontext(self._conn) if self._conn is not None else self.store.engine.connect()

    def find(self, where: StubFilter, *, limit: int = 50, offset: int = 0) -> list[Stub]:
        """Stubs matching `where`, newest drafts first, with their parts."""
        with self._connect() as conn:
            rows = conn.execute(_listed(STUB_QUERY, where, limit, offset))
            return [stub_of(r) for r in rows]

    def find_summaries(
        self, where: StubFilter, *, limit: int = 50, offset: int = 0
    ) -> list[StubSummary]:
        """The same stubs as `find`, in the same order, as list rows without their parts."""
        with self._connect() as conn:
            rows = conn.execute(_listed(SUMMARY_QUERY, where, limit, offset))
            return [summary_of(r) for r in rows]

    def neighbours(self, where: StubFilter, item_id: int) -> tuple[int | None, int | None]:
        """The stubs before and after `item_id` in the list `where` gives, in its order."""
        query = _filtered(STUB_QUERY.with_only_columns(stubs.c.item_id), where)
        with self._connect() as conn:
            return neighbours(conn, query, where.sort, where.search, item_id)

    def count(self, where: StubFilter) -> int:
        with self._connect() as conn:
            return int(conn.execute(_count(replace(where, sort=DEFAULT_SORT))).scalar_one())

    def count_by_state(self, where: StubFilter) -> dict[str, int]:
        """How many stubs of each state match `where` apart from its states, in one query."""
        query = _by_state(replace(where, states=(), sort=DEFAULT_SORT))
        with self._connect() as conn:
            row = conn.execute(query).one()
        return {state: int(n) for state, n in zip(STATES, row, strict=True)}

    def facets(self) -> dict[str, list[str]]:
        """The values the list can be filtered by: feeds, categories and languages in use."""
        with self._connect() as conn:
            names = conn.execute(sa.select(feeds.c.name).order_by(feeds.c.name)).scalars()
            return {
                "states": list(STATES),
                "feeds": list(names),
                "categories": distinct_values(conn, stubs.c.category),
                "languages": distinct_values(conn, stubs.c.source_language),
            }

    def get(self, item_id: int) -> Stub:
        with self._connect() as conn:
            row = conn.execute(STUB_QUERY.where(stubs.c.item_id == item_id)).one_or_none()
        if row is None:
            raise DeskError(f"no drafted stub for item {item_id}")
        return stub_of(row)

    def source(self, item_id: int) -> Source:
        with self._connect() as conn:
            row = conn.execute(
                sa.select(
                    sa.func.coalesce(articles.c.url, items.c.url).label("url"),
                    sa.func.coalesce(articles.c.title, items.c.title).label("title"),
                    articles.c.text,
                    articles.c.html,
                    articles.c.method,
                    articles.c.language,
                    articles.c.quality,
                )
                .select_from(items.join(articles, articles.c.item_id == items.c.id))
                .where(items.c.id == item_id)
            ).one_or_none()
        if row is None:
            raise DeskError(f"no article for item {item_id}")
        return Source(
            url=row.url,
            title=row.title,
            text=row.text or "",
            html=row.html or "",
            method=row.method,
            language=row.language,
            quality=row.quality,
        )

    def edit(
        self,
        item_id: int,
        name: str,
        content: str,
        who: str,
        now: datetime,
        *,
        expected_version: int | None = None,
    ) -> Stub:
        """Replace a part's content with an editor's (see `edit_parts`)."""
        return self.edit_parts(
            item_id, {name: content}, who, now, expected_version=expected_version
        )

    def edit_parts(
        self,
        item_id: int,
        contents: Mapping[str, str],
        who: str,
        now: datetime,
        *,
        expected_version: int | None = None,
    ) -> Stub:
        """Replace parts' contents with an editor's, in one transaction with one version and
        one history event per part; each part is then `edited` and kept across redrafts, or
        to write again (with its prompt) when saved empty. With `expected_version`, nothing
        is written unless the stub is still at that version (StaleVersion)."""
        who = _who(who)
        edit = self._edit
        if edit is None:
            raise DeskError("this desk only reads: it was opened without the rule for edits")
        if not contents:
            raise DeskError("no part to save")
        for name, content in contents.items():
            if name not in PART_NAMES:
                raise DeskError(f"unknown part {name!r}; parts are {', '.join(PART_NAMES)}")
            if len(content) > MAX_PART_CHARS:
                raise DeskError(f"a part holds at most {MAX_PART_CHARS} characters")
        cleaned = {
            name: content.replace("\r\n", "\n").strip() for name, content in contents.items()
        }
        with self.store.writing() as conn:
            row = versions.locked_row(conn, item_id, stubs.c.parts, stubs.c.target_language)
            if row is None:
                raise DeskError(f"no drafted stub for item {item_id}")
            versions.check(item_id, expected_version, row.version)
            parts = [Part.from_json(p) for p in row.parts or ()]
            missing = sorted(set(cleaned) - {p.name for p in parts})
            if missing:
                raise DeskError(f"stub {item_id} has no part {missing[0]!r}")
            language = row.target_language
            parts = [
                edit(p, cleaned[p.name], who, language) if p.name in cleaned else p for p in parts
            ]
            values: dict[str, object] = {"parts": [p.to_json() for p in parts], "updated_at": now}
            if cleaned.get("category"):
                values["category"] = cleaned["category"]  # the list and the digest filter on it
            versions.compare_and_set(conn, item_id, row.version, values)
            search.index(conn, item_id)
            for name in (p.name for p in parts if p.name in cleaned):
                _event(conn, item_id, now, who, "edit", name)
        return self.get(item_id)

    def move(
        self,
        item_id: int,
        state: str,
        who: str,
        now: datetime,
        *,
        expected_version: int | None = None,
    ) -> Stub:
        """Move a stub to `state`, recording who and when; refuses transitions not allowed.
        With `expected_version`, nothing moves unless the stub is still at that version."""
        who = _who(who)
        if state not in STATES:
            raise DeskError(f"unknown state {state!r}; states are {', '.join(STATES)}")
        with self.store.writing() as conn:
            row = versions.locked_row(conn, item_id, stubs.c.state)
            if row is None:
                raise DeskError(f"no drafted stub for item {item_id}")
            versions.check(item_id, expected_version, row.version)
            current = row.state
            if state not in TRANSITIONS[current]:
                allowed = ", ".join(sorted(TRANSITIONS[current]))
                raise DeskError(f"a {current} stub can go to {allowed}, not {state}")
            values = {
                "state": state,
                "state_changed_at": now,
                "state_changed_by": who,
                "updated_at": now,
            }
            versions.compare_and_set(conn, item_id, row.version, values)
            _event(conn, item_id, now, who, "state", json.dumps({"from": current, "to": state}))
        return self.get(item_id)

    def events(self, item_id: int) -> list[Event]:
        with self._connect() as conn:
            rows = conn.execute(
                sa.select(stub_events)
                .where(stub_events.c.item_id == item_id)
                .order_by(stub_events.c.at, stub_events.c.id)
            )
            return [Event(r.at, r.who, r.action, r.detail) for r in rows]


@lru_cache(maxsize=256)
def _listed(query: sa.Select[Any], where: StubFilter, limit: int, offset: int) -> sa.Select[Any]:
    """A page of `query` (full stubs or summaries) filtered by `where`, newest drafts first
    (the order the index on `drafted_at` keeps). Statements are kept by filter and page:
    building one, and finding its compiled form again, cost more than running it."""
    ordered = sorted_by(_filtered(query, where), where.sort, where.search)
    return ordered.limit(limit).offset(offset)


@lru_cache(maxsize=256)
def _count(where: StubFilter) -> sa.Select[Any]:
    """How many stubs match `where` (kept, as `_listed`)."""
    return _counted(where, sa.func.count())


@lru_cache(maxsize=256)
def _by_state(where: StubFilter) -> sa.Select[Any]:
    """One row: how many stubs of each state match `where` (kept, as `_listed`)."""
    # Each state's count names the state literally, so that its partial index is used.
    counts = [
        _counted(where, sa.func.count())
        .where(stubs.c.state == sa.literal_column(f"'{state}'"))
        .scalar_subquery()
        for state in STATES
    ]
    return sa.select(*counts)


def _counted(where: StubFilter, *columns: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """`columns` over the drafted stubs matching `where`, joined only to the tables its
    conditions name: a count needs no feed, item or article of a stub otherwise (each stub has
    one item and feed, at most one article), and 10,000 joined rows cost 10 times as much."""
    # The tables of each condition, not of their conjunction: `x AND false` (a search with no
    # words) is folded to `false`, which names no table, while the query keeps `x`.
    named = set(_filtered(sa.select(stubs.c.item_id), where).get_final_froms())
    source: sa.FromClause = stubs
    if named & {items, feeds}:
        source = source.join(items, items.c.id == stubs.c.item_id)
    if feeds in named:
        source = source.join(feeds, feeds.c.id == items.c.feed_id)
    if articles in named:
        source = source.outerjoin(articles, articles.c.item_id == stubs.c.item_id)
    query = sa.select(*columns).select_from(source).where(stubs.c.drafted_at.is_not(None))
    return _filtered(query, where)


def _filtered(query: sa.Select[Any], where: StubFilter) -> sa.Select[Any]:
    if where.states:
        query = query.where(stubs.c.state.in_(where.states))
    if where.feeds:
        query = query.where(feeds.c.name.in_(where.feeds))
    if where.categories:
        query = query.where(stubs.c.category.in_(where.categories))
    if where.languages:
        query = query.where(stubs.c.source_language.in_(where.languages))
    if where.stale is not None:
        query = query.where(stubs.c.stale.is_(where.stale))
    if where.min_quality is not None:
        query = query.where(articles.c.quality >= where.min_quality)
    if where.search:
        query = query.where(search.matching(where.search))
    return query


def _who(who: str) -> str:
    name = " ".join(who.split())
    if not name:
        raise DeskError("say who you are: an editor's name is required")
    return name[:MAX_WHO_CHARS]


def _event(
    conn: sa.Connection, item_id: int, now: datetime, who: str, action: str, detail: str
) -> None:
    conn.execute(
        stub_events.insert().values(item_id=item_id, at=now, who=who, action=action, detail=detail)
    )


def states_in(values: Sequence[str]) -> tuple[str, ...]:
    """The known states among `values` (for filters read from a query string)."""
    return tuple(v for v in values if v in STATES)
