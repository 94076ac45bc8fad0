"""Fetched items keyed by identity and content hash; which of them are new or changed is
decided beside the store (`storage/plan.py`)."""

from __future__ import annotations

from collections.abc import Iterable

from aggregator.feeds.identity import content_hash, item_identity
from aggregator.records import ItemRecord, ParsedItem


def keyed(items: Iterable[ParsedItem]) -> list[ItemRecord]:
    records = []
    for item in items:
        digest = content_hash(item)
        records.append(
            ItemRecord(identity=item_identity(item, digest), content_hash=digest, item=item)
        )
    return records
