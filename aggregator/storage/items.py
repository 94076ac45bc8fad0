"""Writing items: new ones in one statement, changed ones as a new revision with its history."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from aggregator.records import ItemRecord
from aggregator.storage.tables import item_changes, items

# Built once: SQLAlchemy then reuses its compiled form.
_INSERT_ITEMS = items.insert().returning(items.c.id, sort_by_parameter_order=True)


def identity_hash(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def insert_items(
    conn: sa.Connection, feed_id: int, records: Sequence[ItemRecord], now: datetime
) -> tuple[int, ...]:
    if not records:
        return ()
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
