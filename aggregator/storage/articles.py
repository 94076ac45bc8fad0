"""The article table as a work queue: items wait there for their page to be extracted.

A new or changed item is queued in the same transaction that stores it, so a crash between the
two cannot lose it. Claiming sets a lease (`next_attempt_at` in the future): a worker that dies
mid-extraction leaves the article to be claimed again once the lease runs out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from aggregator.faults import crash_point
from aggregator.records import Article, ParsedItem
from aggregator.storage.leases import claim
from aggregator.storage.stubs import queue_stub
from aggregator.storage.tables import articles, feeds, items

PENDING = "pending"
DONE = "done"


@dataclass(frozen=True, slots=True)
class PendingArticle:
    """An item whose page is to be fetched and extracted, with what the chain needs of it."""

    item_id: int
    feed: str
    feed_language: str | None
    item: ParsedItem
    attempts: int


def enqueue_articles(
    conn: sa.Connection, new_ids: Sequence[int], changed_ids: Sequence[int], now: datetime
) -> None:
    """Queue the articles of new items, and queue again those of changed items; part of the
    caller's transaction. New items cannot have an article row yet, so they are inserted
    without looking."""
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
                .where(articles.c.item_id.in_(list(existing)))
                .values(last_error=None, **queued)
            )
    fresh = [{"item_id": i, **queued} for i in (*new_ids, *changed_ids) if i not in existing]
    if fresh:
        conn.execute(articles.insert(), fresh)


class ArticleQueue:
    def __init__(self, store: Any) -> None:
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
        values: dict[str, Any] = {
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
            crash_point("extract.in_transaction")

    def retry_later(self, item_id: int, error: str, at: datetime) -> None:
        """A transient failure: count the attempt and come back at `at`."""
        with self.store.writing() as conn:
            conn.execute(
                articles.update()
                .where(articles.c.item_id == item_id)
                .values(attempts=articles.c.attempts + 1, last_error=error, next_attempt_at=at)
            )

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
