"""The JSON the API answers with: stubs, their source, their history and feeds, as plain dicts.

Times are ISO 8601 in UTC; absent values are null, so every key is always there and clients need
not guess. Parts keep their stored shape (`Part.to_json`), in page order.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aggregator.drafting.records import Stub
from aggregator.storage.desk import Event, Source
from aggregator.storage.store import FeedRow


def stub_json(stub: Stub) -> dict[str, Any]:
    return {
        "item_id": stub.item_id,
        "feed": stub.feed,
        "guid": stub.guid,
        "url": stub.url,
        "title": stub.title,
        "state": stub.state,
        "state_changed_at": _time(stub.state_changed_at),
        "state_changed_by": stub.state_changed_by,
        "stale": stub.stale,
        "stale_reason": stub.stale_reason,
        "category": stub.category,
        "source_language": stub.provenance.source_language,
        "target_language": stub.provenance.target_language,
        "quality": stub.quality,
        "published": _time(stub.published),
        "author": stub.author,
        "pending": stub.pending,
        "errors": list(stub.errors),
        "drafted_at": _time(stub.drafted_at),
        "updated_at": _time(stub.updated_at),
        "provenance": stub.provenance.to_json(),
        "parts": [part.to_json() for part in stub.parts],
    }


def source_json(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "title": source.title,
        "text": source.text,
        "method": source.method,
        "language": source.language,
        "quality": source.quality,
    }


def event_json(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {
        "at": _time(event.at),
        "who": event.who,
        "action": event.action,
        "detail": event.detail,
    }
    if event.action == "state":
        try:
            move = json.loads(event.detail or "")
            data["from"], data["to"] = str(move["from"]), str(move["to"])
        except (ValueError, KeyError, TypeError):
            pass
    return data


def feed_json(row: FeedRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "url": row.url,
        "title": row.title,
        "enabled": row.enabled,
        "in_config": row.in_config,
        "retired_at": _time(row.retired_at),
        "last_status": row.last_status,
        "last_http_status": row.last_http_status,
        "last_error": row.last_error,
        "last_problem": row.last_problem,
        "last_checked_at": _time(row.last_checked_at),
        "last_success_at": _time(row.last_success_at),
        "error_count": row.error_count,
        "next_check_at": _time(row.next_check_at),
        "next_check_reason": row.next_check_reason,
        "items": row.items,
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
