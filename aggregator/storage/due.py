"""How much work is due now in the article and stub queues (the totals of a progress display)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from aggregator.storage.articles import PENDING
from aggregator.storage.database import Database
from aggregator.storage.stubs import draftable
from aggregator.storage.tables import articles, stubs


def due_counts(store: Database, now: datetime) -> dict[str, int]:
    """{"articles": due to extract, "stubs": due to draft}, as the queues would claim them."""
    with store.engine.connect() as conn:
        due_articles = conn.execute(
            sa.select(sa.func.count())
            .select_from(articles)
            .where(articles.c.state == PENDING, articles.c.next_attempt_at <= now)
        ).scalar_one()
        due_stubs = conn.execute(
            sa.select(sa.func.count())
            .select_from(stubs.join(articles, articles.c.item_id == stubs.c.item_id))
            .where(draftable(), stubs.c.next_attempt_at <= now)
        ).scalar_one()
    return {"articles": int(due_articles), "stubs": int(due_stubs)}
