"""Which fetched items are new, which changed and which we already have, and which new ones of
a first fetch get articles: pure decisions `Store.save_refresh` makes inside its write
transaction, over the keyed records of `feeds/plan.py`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from aggregator.records import ItemPlan, ItemRecord


def plan_items(records: Iterable[ItemRecord], stored: Mapping[str, str]) -> ItemPlan:
    """`stored` maps identity to content hash for the items of this feed already in the store.

    An identity seen twice in one document is kept once (the first, as feeds list newest first).
    """
    new: list[ItemRecord] = []
    changed: list[ItemRecord] = []
    unchanged = duplicates = 0
    seen: set[str] = set()
    for record in records:
        if record.identity in seen:
            duplicates += 1
            continue
        seen.add(record.identity)
        previous = stored.get(record.identity)
        if previous is None:
            new.append(record)
        elif previous != record.content_hash:
            changed.append(record)
        else:
            unchanged += 1
    return ItemPlan(
        new=tuple(new), changed=tuple(changed), unchanged=unchanged, duplicates=duplicates
    )


def newest(records: Sequence[ItemRecord], limit: int) -> frozenset[int]:
    """The positions in `records` of the `limit` newest items: by published date (else updated
    date) where an item has one, newest first; items without a date come after every dated one,
    in feed order (feeds list newest first). Ties keep feed order."""
    if limit >= len(records):
        return frozenset(range(len(records)))

    def key(position: int) -> tuple[int, float, int]:
        item = records[position].item
        when = item.published or item.updated
        if when is None:
            return (1, 0.0, position)
        return (0, -_timestamp(when), position)

    return frozenset(sorted(range(len(records)), key=key)[: max(limit, 0)])


def _timestamp(when: datetime) -> float:
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()
