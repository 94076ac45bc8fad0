"""Stubs in the store: queued with their article, claimed with a lease, saved in one transaction.

An article stored for the first time queues its stub in the same transaction. An article whose
text changes marks its stub stale, with what changed; the stub is not redrafted by itself, so an
editor's work is never overwritten: `draft --redo` does that on request, keeping edited parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa

from aggregator.faults import crash_point
from aggregator.sanitize import html_to_text
from aggregator.storage import search
from aggregator.storage.database import Database
from aggregator.storage.leases import claim
from aggregator.storage.tables import articles, feeds, items, stub_events, stubs
from aggregator.stub_records import DRAFT, REVIEWED, Part, Provenance, Stub
from aggregator.text.changes import describe_change

ARCHIVE = "archive"
"""Who the history names for a change the archive made (a later related article)."""
QUEUED = "queued"
DRAFTED = "drafted"
PENDING = "pending"
"""Drafted, but a machine step (translation, commentary) waits for a backend or its budget."""


class PartsChange(Protocol):
    """A change to a drafted stub's parts, with what changed for its history."""

    @property
    def parts(self) -> Sequence[Part]: ...

    @property
    def detail(self) -> str: ...


@dataclass(frozen=True, slots=True)
class DraftJob:
    """Everything drafting needs about one item, read in one query."""

    item_id: int
    feed: str
    feed_tags: tuple[str, ...]
    feed_language: str | None
    guid: str | None
    url: str | None
    title: str | None
    author: str | None
    published: datetime | None
    categories: tuple[str, ...]
    fetched_at: datetime | None
    text: str
    html: str | None
    """The extracted article as sanitised HTML (its links and images)."""
    method: str | None
    content_hash: str | None
    language: str | None
    attempts: int
    current: tuple[Part, ...]
    """The stub's parts as stored now (empty for a first draft); edited ones are kept."""
    stale: bool
    excerpt: str | None = None
    """The feed's own description of the item, as plain text (a summary candidate)."""


@dataclass(frozen=True, slots=True)
class DraftResult:
    category: str | None
    source_language: str | None
    target_language: str
    parts: tuple[Part, ...]
    provenance: Provenance
    pending: str | None
    errors: tuple[str, ...]
    retry_at: datetime | None
    """When to come back for the pending machine steps; None when nothing is pending."""


def queue_stub(
    conn: sa.Connection,
    item_id: int,
    old: sa.Row[Any, Any] | None,
    new_title: str | None,
    new_text: str | None,
    new_hash: str | None,
    now: datetime,
) -> None:
    """Part of the transaction that stores an article: queue its first draft, or mark its stub
    stale when the text it was drafted from changed (`old`: the article's title and text
    before, None for a new one)."""
    stub = conn.execute(
        sa.select(stubs.c.article_hash, stubs.c.stale).where(stubs.c.item_id == item_id)
    ).one_or_none()
    if stub is None:
        conn.execute(
            stubs.insert().values(
                item_id=item_id,
                state=DRAFT,
                work=QUEUED,
                next_attempt_at=now,
                attempts=0,
                stale=False,
                errors=[],
                queued_at=now,
                updated_at=now,
            )
        )
        return
    if stub.article_hash is None or stub.article_hash == new_hash:
        return
    change = describe_change(
        old.title if old else None, old.text if old else None, new_title, new_text
    )
    reason = f"source changed {now:%Y-%m-%d %H:%M} UTC: {change}"
    conn.execute(
        stubs.update()
        .where(stubs.c.item_id == item_id)
        .values(stale=True, stale_reason=reason, updated_at=now)
    )


_JOB_COLUMNS = (
    stubs.c.item_id,
    stubs.c.attempts,
    stubs.c.parts,
    stubs.c.stale,
    feeds.c.name,
    feeds.c.tags,
    feeds.c.language,
    feeds.c.feed_language,
    items.c.guid,
    items.c.url,
    items.c.title,
    items.c.author,
    items.c.published,
    items.c.categories,
    items.c.first_seen_at,
    items.c.summary,
    articles.c.text,
    articles.c.html,
    articles.c.title.label("article_title"),
    articles.c.author.label("article_author"),
    articles.c.published.label("article_published"),
    articles.c.method,
    articles.c.content_hash,
    articles.c.language.label("article_language"),
)
_JOINED = stubs.join(items, items.c.id == stubs.c.item_id).join(
    feeds, feeds.c.id == items.c.feed_id
)


def draftable() -> sa.ColumnElement[bool]:
    """Stubs with drafting to do whose article has its text (the time is the caller's)."""
    return sa.and_(
        stubs.c.work.in_((QUEUED, PENDING)),
        # A stale stub waits for an editor's redo; a pending step does not redraft it.
        sa.or_(stubs.c.stale.is_(False), stubs.c.work == QUEUED),
        articles.c.text.is_not(None),
    )


class StubQueue:
    def __init__(self, store: Database) -> None:
        self.store = store

    def claim_due(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        *,
        item_ids: Sequence[int] | None = None,
        leased_too: bool = False,
    ) -> list[DraftJob]:
        """Stubs to draft now (first drafts, redos, pending machine steps), leased
        (`item_ids` and `leased_too` as in `leases.claim`)."""
        query = (
            sa.select(*_JOB_COLUMNS)
            .select_from(_JOINED.join(articles, articles.c.item_id == stubs.c.item_id))
            .where(draftable())
            # Oldest story first, so that each one finds the stories before it.
            .order_by(
                sa.func.coalesce(articles.c.published, items.c.published, items.c.first_seen_at),
                stubs.c.item_id,
            )
            .limit(limit)
        )
        rows = claim(self.store, stubs, query, now, lease, item_ids=item_ids, leased_too=leased_too)
        return [_job(r) for r in rows]

    def save(
        self,
        job: DraftJob,
        result: DraftResult,
        now: datetime,
        on_saved: Callable[[Stub], None] | None = None,
    ) -> None:
        """Store a draft. Parts an editor edited meanwhile are kept; if the article changed
        while it was being drafted, the stub is stale at once. `on_saved` (the stub's file)
        runs inside the transaction with the stub as stored: a crash before the commit leaves
        the stub to be drafted again, never a drafted stub without its file."""
        with self.store.writing() as conn:
            row = conn.execute(
                sa.select(
                    stubs.c.parts, stubs.c.stale, stubs.c.stale_reason, articles.c.content_hash
                )
                .select_from(stubs.join(articles, articles.c.item_id == stubs.c.item_id))
                .where(stubs.c.item_id == job.item_id)
                .with_for_update(of=stubs)  # an editor's save waits, and is not lost
            ).one_or_none()
            if row is None:  # the item was deleted meanwhile
                return
            edited = {p.name: p for p in _parts(row.parts) if p.edited}
            parts = [edited.get(p.name, p) for p in result.parts]
            changed = row.content_hash != job.content_hash
            values: dict[str, object] = {
                "work": PENDING if result.retry_at is not None else DRAFTED,
                "next_attempt_at": result.retry_at,
                "attempts": job.attempts + 1 if result.retry_at is not None else 0,
                "last_error": result.errors[-1] if result.errors else None,
                "article_hash": job.content_hash,
                "category": result.category,
                "source_language": result.source_language,
                "target_language": result.target_language,
                "parts": [p.to_json() for p in parts],
                "provenance": result.provenance.to_json(),
                "pending": result.pending,
                "errors": list(result.errors),
                "drafted_at": now,
                "updated_at": now,
                "stale": changed,
                "stale_reason": "source changed while the stub was drafted" if changed else None,
                "version": stubs.c.version + 1,  # a desk save based on the old draft is stale
            }
            conn.execute(stubs.update().where(stubs.c.item_id == job.item_id).values(**values))
            search.index(conn, job.item_id)
            if on_saved is not None:
                on_saved(
                    stub_of(conn.execute(STUB_QUERY.where(stubs.c.item_id == job.item_id)).one())
                )
            crash_point("draft.in_transaction")

    def refresh(
        self,
        item_id: int,
        change: Callable[[Stub], PartsChange | None],
        now: datetime,
        on_saved: Callable[[Stub], None] | None = None,
        *,
        translate: bool = False,
    ) -> bool:
        """Apply `change` to a drafted stub not yet approved or rejected, in one transaction
        with its history event and its file (`on_saved`); `change` returns None when there
        is nothing to change. True when the stub changed. With `translate` (a backend
        translates), a stub written in another language than its source is queued to be
        drafted again, so the entries just added are translated too (the ledger keeps what
        was paid for; edited parts are kept)."""
        with self.store.writing() as conn:
            row = conn.execute(
                STUB_QUERY.where(
                    stubs.c.item_id == item_id, stubs.c.state.in_((DRAFT, REVIEWED))
                ).with_for_update(of=stubs)
            ).one_or_none()
            changed = None if row is None else change(stub_of(row))
            if changed is None:
                return False
            conn.execute(
                stubs.update()
                .where(stubs.c.item_id == item_id)
                .values(
                    parts=[p.to_json() for p in changed.parts],
                    updated_at=now,
                    version=stubs.c.version + 1,
                )
            )
            search.index(conn, item_id)
            if translate:
                conn.execute(
                    stubs.update()
                    .where(
                        stubs.c.item_id == item_id,
                        stubs.c.stale.is_(False),
                        stubs.c.source_language.is_distinct_from(stubs.c.target_language),
                    )
                    .values(work=QUEUED, next_attempt_at=now, attempts=0)
                )
            conn.execute(
                stub_events.insert().values(
                    item_id=item_id, at=now, who=ARCHIVE, action="related", detail=changed.detail
                )
            )
            if on_saved is not None:
                on_saved(stub_of(conn.execute(STUB_QUERY.where(stubs.c.item_id == item_id)).one()))
        return True

    def release(self, item_id: int, error: str, at: datetime) -> None:
        """Drafting failed unexpectedly: keep the error, try again at `at`."""
        with self.store.writing() as conn:
            conn.execute(
                stubs.update()
                .where(stubs.c.item_id == item_id)
                .values(attempts=stubs.c.attempts + 1, last_error=error, next_attempt_at=at)
            )

    def redo(self, item_ids: Sequence[int] | None, now: datetime, *, stale_only: bool) -> int:
        """Queue stubs to be drafted again (all, the given ones, or only the stale ones)."""
        query = stubs.update().values(work=QUEUED, next_attempt_at=now, attempts=0)
        if item_ids is not None:
            query = query.where(stubs.c.item_id.in_(list(item_ids)))
        if stale_only:
            query = query.where(stubs.c.stale.is_(True))
        with self.store.writing() as conn:
            return int(conn.execute(query).rowcount)

    def list(self, item_ids: Sequence[int] | None = None) -> list[Stub]:
        query = STUB_QUERY.order_by(stubs.c.item_id)
        if item_ids is not None:
            query = query.where(stubs.c.item_id.in_(list(item_ids)))
        with self.store.engine.connect() as conn:
            return [stub_of(r) for r in conn.execute(query)]

    def work_of(self, item_id: int) -> str | None:
        """ "queued", "drafted" or "pending" for the item's stub; None when it has none."""
        with self.store.engine.connect() as conn:
            work = conn.execute(
                sa.select(stubs.c.work).where(stubs.c.item_id == item_id)
            ).scalar_one_or_none()
        return None if work is None else str(work)

    def counts(self) -> dict[str, int]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(stubs.c.work, sa.func.count()).group_by(stubs.c.work))
            return {str(work): int(n) for work, n in rows}


def _parts(raw: Iterable[Mapping[str, Any]] | None) -> list[Part]:
    return [Part.from_json(p) for p in raw or ()]


def _job(r: sa.Row[Any]) -> DraftJob:
    return DraftJob(
        item_id=r.item_id,
        feed=r.name,
        feed_tags=tuple(r.tags or ()),
        feed_language=r.language or r.feed_language,
        guid=r.guid,
        url=r.url,
        title=r.article_title or r.title,
        author=r.article_author or r.author,
        published=r.article_published or r.published,
        categories=tuple(r.categories or ()),
        fetched_at=r.first_seen_at,
        text=r.text,
        html=r.html,
        method=r.method,
        content_hash=r.content_hash,
        language=r.article_language,
        attempts=r.attempts,
        current=tuple(_parts(r.parts)),
        stale=bool(r.stale),
        excerpt=html_to_text(r.summary) if r.summary else None,
    )


STUB_QUERY = (
    sa.select(
        stubs,
        feeds.c.name.label("feed"),
        items.c.guid,
        items.c.url,
        items.c.author,
        sa.func.coalesce(articles.c.published, items.c.published).label("published"),
        articles.c.quality,
    )
    .select_from(_JOINED.outerjoin(articles, articles.c.item_id == stubs.c.item_id))
    .where(stubs.c.drafted_at.is_not(None))
)
"""Drafted stubs with what a reader of them needs; callers add filters and order."""


def stub_of(r: sa.Row[Any]) -> Stub:
    return Stub(
        item_id=r.item_id,
        feed=r.feed,
        guid=r.guid,
        url=r.url,
        state=r.state,
        stale=bool(r.stale),
        stale_reason=r.stale_reason,
        category=r.category,
        parts=tuple(_parts(r.parts)),
        provenance=Provenance.from_json(r.provenance),
        pending=r.pending,
        errors=tuple(r.errors or ()),
        drafted_at=r.drafted_at,
        updated_at=r.updated_at,
        published=r.published,
        author=r.author,
        state_changed_at=r.state_changed_at,
        state_changed_by=r.state_changed_by,
        quality=r.quality,
        version=r.version,
    )
