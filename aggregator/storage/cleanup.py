"""Retention: what is older than `retention_days` is let go, in one transaction.

Items themselves stay: their identity is what stops an old entry still in a feed from coming
back as new. What goes is the weight: article texts and HTML, index terms, stubs (approved
ones are kept: they are the newsroom's record), item change histories, stub events of removed
stubs, backend ledger rows (a redraft of an article that old would be a new draft anyway),
expired sign-in sessions and sign-in failures as old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from aggregator.storage.database import Database
from aggregator.storage.tables import (
    article_terms,
    articles,
    backend_calls,
    feeds,
    item_changes,
    items,
    sessions,
    signin_failures,
    stub_events,
    stubs,
)
from aggregator.stub_records import APPROVED

EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CleanupReport:
    articles: int
    stubs: tuple[tuple[str, int], ...]
    """(feed name, item id) of every stub removed, for their files to go too."""
    changes: int
    ledger: int


def clean_up(store: Database, now: datetime, retention_days: int) -> CleanupReport:
    cutoff = now - timedelta(days=retention_days)
    old_items = sa.select(items.c.id).where(items.c.first_seen_at < cutoff)
    with store.writing() as conn:
        gone = conn.execute(
            sa.select(feeds.c.name, stubs.c.item_id)
            .select_from(
                stubs.join(items, items.c.id == stubs.c.item_id).join(
                    feeds, feeds.c.id == items.c.feed_id
                )
            )
            .where(items.c.first_seen_at < cutoff, stubs.c.state != APPROVED)
        ).all()
        gone_ids = [row.item_id for row in gone]
        if gone_ids:
            conn.execute(stub_events.delete().where(stub_events.c.item_id.in_(gone_ids)))
            conn.execute(stubs.delete().where(stubs.c.item_id.in_(gone_ids)))
        kept = sa.select(stubs.c.item_id)
        expired = conn.execute(
            articles.update()
            .where(
                articles.c.item_id.in_(old_items),
                articles.c.item_id.not_in(kept),
                articles.c.state != EXPIRED,
            )
            .values(state=EXPIRED, text=None, html=None, next_attempt_at=None)
        ).rowcount
        conn.execute(
            article_terms.delete().where(
                article_terms.c.item_id.in_(old_items), article_terms.c.item_id.not_in(kept)
            )
        )
        changes = conn.execute(
            item_changes.delete().where(item_changes.c.changed_at < cutoff)
        ).rowcount
        ledger = conn.execute(
            backend_calls.delete().where(backend_calls.c.created_at < cutoff)
        ).rowcount
        conn.execute(sessions.delete().where(sessions.c.expires_at <= now))
        conn.execute(signin_failures.delete().where(signin_failures.c.last_at < cutoff))
    return CleanupReport(
        articles=int(expired),
        stubs=tuple((row.name, row.item_id) for row in gone),
        changes=int(changes),
        ledger=int(ledger),
    )
