"""A stub's version: the compare-and-set every desk write goes through.

Every change of a stub (an editor's save or move, a redraft, later related news) raises its
`version` by one. A desk write names the version it was based on (the ETag of the API's GET,
the hidden field of the stub page) and is written only if the stub is still at that version:
the check is the `WHERE version = :expected` of the write's own UPDATE, inside its transaction,
so of two editors saving over the same version exactly one wins and the other is told, with
nothing of theirs or the winner's lost.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from aggregator.errors import AggregatorError
from aggregator.storage.tables import stubs


class StaleVersion(AggregatorError):
    """A write based on another version of the stub than the stored one: nothing was written."""

    def __init__(self, item_id: int, expected: int, current: int | None) -> None:
        super().__init__(
            f"stub {item_id} changed since version {expected} was read (it is at version "
            f"{current}): nothing was saved; read it again and save over the new version"
        )
        self.item_id = item_id
        self.expected = expected
        self.current = current


def locked_row(conn: sa.Connection, item_id: int, *columns: sa.Column[Any]) -> sa.Row[Any] | None:
    """`columns` and the version of the item's drafted stub, its row locked for the rest of
    the transaction on PostgreSQL (SQLite's writers already take turns: BEGIN IMMEDIATE)."""
    query: sa.Select[Any] = (
        sa.select(*columns, stubs.c.version)
        .where(stubs.c.item_id == item_id, stubs.c.drafted_at.is_not(None))
        .with_for_update()
    )
    return conn.execute(query).one_or_none()


def check(item_id: int, expected: int | None, current: int) -> None:
    """StaleVersion unless the write was based on `current` (None: it names no version)."""
    if expected is not None and expected != current:
        raise StaleVersion(item_id, expected, current)


def compare_and_set(
    conn: sa.Connection, item_id: int, expected: int, values: dict[str, object]
) -> int:
    """Write `values` to the stub if it is still at version `expected`, raising the version
    by one; returns the new version. StaleVersion (and nothing written) when another
    transaction changed the stub first."""
    written = conn.execute(
        stubs.update()
        .where(stubs.c.item_id == item_id, stubs.c.version == expected)
        .values(**values, version=expected + 1)
    ).rowcount
    if written != 1:
        current = conn.execute(
            sa.select(stubs.c.version).where(stubs.c.item_id == item_id)
        ).scalar_one_or_none()
        raise StaleVersion(item_id, expected, current)
    return expected + 1
