"""What health checks and metrics read from the store: is it reachable, and how much is where."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from aggregator.storage.tables import articles, feeds, stubs


def ping(store: Any) -> None:
    """Raises when the database cannot answer a trivial query."""
    with store.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1")).scalar_one()


def state_counts(store: Any) -> dict[str, dict[str, int]]:
    def grouped(conn: sa.Connection, column: sa.ColumnElement[Any]) -> dict[str, int]:
        rows = conn.execute(sa.select(column, sa.func.count()).group_by(column))
        return {str(key if key is not None else "unknown"): int(n) for key, n in rows}

    with store.engine.connect() as conn:
        return {
            "stubs": grouped(conn, stubs.c.state),
            "stub_work": grouped(conn, stubs.c.work),
            "articles": grouped(conn, articles.c.state),
            "feeds": grouped(conn, feeds.c.last_status),
        }
