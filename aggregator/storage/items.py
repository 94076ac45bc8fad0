"""Writing items: new ones in one statement, changed ones as a new revision with its history."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from aggregator.database_kind import is_postgresql
from aggregator.records import ItemRecord
from aggregator.storage.tables import UTCDateTime, item_changes, items

# Built once: SQLAlchemy then reuses its compiled form.
_INSERT_ITEMS = items.insert().returning(items.c.id, sort_by_parameter_order=True)
_ARRAYS = {
    "identity": "text",
    "identity_hash": "text",
    "content_hash": "text",
    "guid": "text",
    "url": "text",
    "title": "text",
    "author": "text",
    "summary": "text",
    "content": "text",
    "published": "timestamptz",
    "updated": "timestamptz",
    "categories": "text",
}
_INSERT_ITEMS_POSTGRESQL = (
    f"INSERT INTO items (feed_id, revision, first_seen_at, last_changed_at, {', '.join(_ARRAYS)}) "
    "SELECT %(feed_id)s, 1, %(now)s, %(now)s, "
    + ", ".join(f"t.{name}::json" if name == "categories" else f"t.{name}" for name in _ARRAYS)
    + " FROM unnest("
    + ", ".join(f"%({name})s::{kind}[]" for name, kind in _ARRAYS.items())
    + f") AS t({', '.join(_ARRAYS)}) RETURNING id, identity_hash"
)
"""One statement of constant text for any number of items, the columns sent as arrays: psycopg
parses it once and PostgreSQL plans it once per connection. The multi-row VALUES that
SQLAlchemy writes instead is a new text of thousands of characters for every count of items,
which psycopg parses again each time (its cache keeps short statements only) and PostgreSQL
plans again: measured on 25-item refreshes, more client CPU than the rest of the save."""


def identity_hash(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def insert_items(
    conn: sa.Connection, feed_id: int, records: Sequence[ItemRecord], now: datetime
) -> tuple[int, ...]:
    if not records:
        return ()
    if is_postgresql(conn):
        return _insert_items_postgresql(conn, feed_id, records, now)
    rows = [
        {
            "feed_id": feed_id,
            "identity": r.identity,
            "identity_hash": identity_hash(r.identity),
            "content_hash": r.content_hash,
            "revision": 1,
            "first_seen_at": now,
            "last_changed_at": now,
            **item_values(r),
        }
        for r in records
    ]
    inserted = conn.execute(_INSERT_ITEMS, rows)
    return tuple(inserted.scalars())


def _insert_items_postgresql(
    conn: sa.Connection, feed_id: int, records: Sequence[ItemRecord], now: datetime
) -> tuple[int, ...]:
    """`insert_items` as one `INSERT ... SELECT FROM unnest(...)`; the ids come back matched by
    identity hash (unique within a feed), in the order of `records`."""
    utc = UTCDateTime()
    hashes = [identity_hash(r.identity) for r in records]
    values = [item_values(r) for r in records]
    columns: dict[str, list[Any]] = {
        "identity": [r.identity for r in records],
        "identity_hash": hashes,
        "content_hash": [r.content_hash for r in records],
        "categories": [json.dumps(v["categories"]) for v in values],
    }
    for name in ("guid", "url", "title", "author", "summary", "content"):
        columns[name] = [v[name] for v in values]
    try:  # a bad value fails as SQLAlchemy's own bind processing fails
        for name in ("published", "updated"):
            columns[name] = [utc.process_bind_param(v[name], conn.dialect) for v in values]
        params = {"feed_id": feed_id, "now": utc.process_bind_param(now, conn.dialect), **columns}
    except ValueError as exc:
        raise sa.exc.StatementError(str(exc), _INSERT_ITEMS_POSTGRESQL, None, exc) from exc
    ids = {h: i for i, h in conn.exec_driver_sql(_INSERT_ITEMS_POSTGRESQL, params)}
    return tuple(ids[h] for h in hashes)


def update_items(
    conn: sa.Connection, feed_id: int, records: Sequence[ItemRecord], now: datetime
) -> tuple[int, ...]:
    """Record a new revision of each changed item; returns their ids."""
    changed = []
    for r in records:
        key = identity_hash(r.identity)
        old = conn.execute(
            sa.select(items.c.id, items.c.content_hash, items.c.title).where(
                items.c.feed_id == feed_id, items.c.identity_hash == key
            )
        ).one()
        conn.execute(
            item_changes.insert().values(
                item_id=old.id,
                changed_at=now,
                previous_hash=old.content_hash,
                content_hash=r.content_hash,
                previous_title=old.title,
            )
        )
        conn.execute(
            items.update()
            .where(items.c.id == old.id)
            .values(
                content_hash=r.content_hash,
                revision=items.c.revision + 1,
                last_changed_at=now,
                **item_values(r),
            )
        )
        changed.append(old.id)
    return tuple(changed)


def item_values(record: ItemRecord) -> dict[str, Any]:
    item = record.item
    return {
        "guid": item.guid,
        "url": item.link,
        "title": item.title,
        "author": item.author,
        "summary": item.summary,
        "content": item.content,
        "published": item.published,
        "updated": item.updated,
        "categories": list(item.categories),
    }
