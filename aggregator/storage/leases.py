"""Claiming queued rows with a lease: the one mechanism behind the article and stub queues.

A claim takes due rows and moves their `next_attempt_at` past the lease in the same
transaction. On PostgreSQL rows another worker is claiming are skipped (`FOR UPDATE SKIP
LOCKED`), never claimed twice; SQLite has one writer at a time (BEGIN IMMEDIATE) and renders no
FOR UPDATE. A worker that dies leaves its rows to be claimed again once the lease runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from aggregator.storage.database import Database


def claim(
    store: Database,
    table: sa.Table,
    query: sa.Select[Any],
    now: datetime,
    lease: timedelta,
    *,
    item_ids: Sequence[int] | None = None,
    leased_too: bool = False,
) -> list[sa.Row[Any]]:
    """Run `query` (rows of `table`, keyed by `item_id`, with their own filter, order and
    limit) as a claim. `item_ids` narrows it to those items (a worker's task names its item);
    `leased_too` also takes rows whose lease has not run out, for a task retried after its
    worker died holding the lease."""
    query = query.with_for_update(skip_locked=True, of=table)
    if not leased_too:
        query = query.where(table.c.next_attempt_at <= now)
    if item_ids is not None:
        query = query.where(table.c.item_id.in_(list(item_ids)))
    with store.writing() as conn:
        rows = list(conn.execute(query).all())
        if rows:
            conn.execute(
                table.update()
                .where(table.c.item_id.in_([r.item_id for r in rows]))
                .values(next_attempt_at=now + lease)
            )
    return rows


def give_back(store: Database, table: sa.Table, item_ids: Sequence[int], now: datetime) -> None:
    """End the lease of claimed rows not worked on (the run is stopping): due again at `now`,
    no attempt counted, nothing else changed."""
    if not item_ids:
        return
    with store.writing() as conn:
        conn.execute(
            table.update().where(table.c.item_id.in_(list(item_ids))).values(next_attempt_at=now)
        )
