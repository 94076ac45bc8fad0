"""The article table as a work queue: items wait there for their page to be extracted.

A new or changed item is queued in the same transaction that stores it, so a crash between the
two cannot lose it. Claiming sets a lease (`next_attempt_at` in the future): a worker that dies
mid-extraction leaves the article to be claimed again once the lease runs out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from aggregator.faults import crash_point
from aggregator.records import Article, ParsedItem, PendingArticle
from aggregator.storage import search
from aggregator.storage.cleanup import EXPIRED
from aggregator.storage.database import Database
from aggregator.storage.leases import claim, give_back
from aggregator.storage.stubs import queue_stub
from aggregator.storage.tables import articles, feeds, items

PENDING = "pending"
DONE = "done"
BACKLOG = "backlog"
"""An item of a feed's first fetch older than its newest `backfill_items`: stored without its
article until an editor asks for it (`ArticleQueue.request`)."""
BACKLOG_REASON = (
    "older than the newest {n} items of the feed's first fetch: not extracted; "
    "`aggregator draft --item ID` extracts and drafts it"
)


def enqueue_articles(
    conn: sa.Connection,
    new_ids: Sequence[int],
    changed_ids: Sequence[int],
    now: datetime,
    *,
    backlog_ids: Sequence[int] = (),
    backfill: int = 0,
) -> None:
    """Queue the articles of new items, and queue again those of changed items; part of the
    caller's transaction. New items cannot have an article row yet, so they are inserted
    without looking. `backlog_ids` (new items held back on a first fetch, `backfill` being
    how many were not) are stored as backlog; a change to a backlog item does not queue it."""
    queued = {"state": PENDING, "attempts": 0, "next_attempt_at": now, "queued_at": now}
    existing: set[int] = set()
    if changed_ids:
        changed = list(changed_ids)
        existing = set(
            conn.execute(
                sa.select(articles.c.item_id).where(articles.c.item_id.in_(changed))
            ).scalars()
        )
        if existing:
            conn.execute(
                articles.update()
                .where(articles.c.item_id.in_(list(existing)), articles.c.state != BACKLOG)
                .values(last_error=None, **queued)
            )
    fresh = [{"item_id": i, **queued} for i in (*new_ids, *changed_ids) if i not in existing]
    if fresh:
        conn.execute(articles.insert(), fresh)
    if backlog_ids:
        held = {
            "state": BACKLOG,
            "attempts": 0,
            "next_attempt_at": None,
            "queued_at": now,
            "reason": BACKLOG_REASON.format(n=backfill),
        }
        conn.execute(articles.insert(), [{"item_id": i, **held} for i in backlog_ids])


class ArticleQueue:
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
    ) -> list[PendingArticle]:
        """Take up to `limit` due articles, oldest first, and lease them for `lease`
        (`item_ids` and `leased_too` as in `leases.claim`)."""
        query = (
            sa.select(
                articles.c.item_id,
                articles.c.attempts,
                feeds.c.name,
                feeds.c.language,
                feeds.c.feed_language,
                items.c.guid,
                items.c.url,
                items.c.title,
                items.c.author,
                items.c.summary,
                items.c.content,
                items.c.published,
                items.c.updated,
            )
            .select_from(
                articles.join(items, items.c.id == articles.c.item_id).join(
                    feeds, feeds.c.id == items.c.feed_id
                )
            )
            .where(articles.c.state == PENDING)
            .order_by(articles.c.next_attempt_at, articles.c.item_id)
            .limit(limit)
        )
        rows = claim(
            self.store, articles, query, now, lease, item_ids=item_ids, leased_too=leased_too
        )
        return [
            PendingArticle(
                item_id=r.item_id,
                feed=r.name,
                feed_language=r.language or r.feed_language,
                item=ParsedItem(
                    guid=r.guid,
                    link=r.url,
                    title=r.title,
                    author=r.author,
                    summary=r.summary,
                    content=r.content,
                    published=r.published,
                    updated=r.updated,
                ),
                attempts=r.attempts,
            )
            for r in rows
        ]

    def save(self, item_id: int, article: Article, url: str | None, now: datetime) -> None:
        values: dict[str, object] = {
            "state": DONE,
            "url": url,
            "next_attempt_at": None,
            "last_error": None,
            "extracted_at": now,
            "quality": article.quality.score,
            "quality_details": _quality_details(article),
            **{
                f.name: getattr(article, f.name)
                for f in dataclasses.fields(article)
                if f.name not in ("quality",)
            },
        }
        with self.store.writing() as conn:
            old = conn.execute(
                sa.select(articles.c.title, articles.c.text).where(articles.c.item_id == item_id)
            ).one_or_none()
            conn.execute(articles.update().where(articles.c.item_id == item_id).values(**values))
            queue_stub(conn, item_id, old, article.title, article.text, article.content_hash, now)
            search.index(conn, item_id)
            crash_point("extract.in_transaction")

    def request(self, item_id: int, now: datetime) -> str | None:
        """An editor asks for this item's article: one held back as backlog (or let go by the
        cleanup) is queued now. Returns the article's state afterwards ("pending", "done"),
        None when there is no such item."""
        with self.store.writing() as conn:
            if conn.execute(sa.select(items.c.id).where(items.c.id == item_id)).first() is None:
                return None
            state = conn.execute(
                sa.select(articles.c.state).where(articles.c.item_id == item_id)
            ).scalar_one_or_none()
            queued = {"state": PENDING, "attempts": 0, "next_attempt_at": now, "queued_at": now}
            if state is None:
                conn.execute(articles.insert().values(item_id=item_id, **queued))
            elif state in (BACKLOG, EXPIRED):
                conn.execute(
                    articles.update()
                    .where(articles.c.item_id == item_id)
                    .values(reason=None, last_error=None, **queued)
                )
            else:
                return str(state)
            return PENDING

    def retry_later(self, item_id: int, error: str, at: datetime) -> None:
        """A transient failure: count the attempt and come back at `at`."""
        with self.store.writing() as conn:
            conn.execute(
                articles.update()
                .where(articles.c.item_id == item_id)
                .values(attempts=articles.c.attempts + 1, last_error=error, next_attempt_at=at)
            )

    def release(self, item_id: int, error: str, at: datetime) -> None:
        """Give a claimed article back, due at `at`, without counting an attempt: the run
        could not work on it (a module missing), the article is not at fault."""
        with self.store.writing() as conn:
            conn.execute(
                articles.update()
                .where(articles.c.item_id == item_id)
                .values(last_error=error, next_attempt_at=at)
            )

    def give_back(self, item_ids: Sequence[int], now: datetime) -> None:
        """End the lease of claimed articles not worked on (the run is stopping): due again
        at `now`, no attempt counted (`leases.give_back`)."""
        give_back(self.store, articles, item_ids, now)

    def counts(self) -> dict[str, int]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(articles.c.state, sa.func.count()).group_by(articles.c.state)
            ).all()
        return dict(rows)


def _quality_details(article: Article) -> dict[str, Any]:
    quality = dataclasses.asdict(article.quality)
    quality["notes"] = list(article.quality.notes)
    return quality
