"""A digest spelt as a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).

The same entries as the Atom document: same ids, titles, dates and sanitised HTML; paging is
`next_url`, the only paging JSON Feed has. The stub's desk page and state, which Atom carries
as a related link and a category, are the extension `"_aggregator": {"url": ..., "state": ...}`.
"""

from __future__ import annotations

import json
from typing import Any

from aggregator.digest.model import Digest, DigestEntry, rfc3339

VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_TYPE = "application/feed+json"


def write_json_feed(digest: Digest) -> bytes:
    """The JSON Feed document of `digest`, UTF-8."""
    document: dict[str, Any] = {
        "version": VERSION,
        "title": digest.title,
        "home_page_url": digest.home_url,
        "feed_url": digest.self_url,
    }
    if digest.next_url:
        document["next_url"] = digest.next_url
    document["authors"] = [{"name": digest.author}]
    document["items"] = [_item(entry) for entry in digest.entries]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _item(entry: DigestEntry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.id}
    if entry.url:
        item["url"] = entry.url
    item["title"] = entry.title
    item["content_html"] = entry.content_html
    if entry.summary:
        item["summary"] = entry.summary
    item["date_published"] = rfc3339(entry.published)
    item["date_modified"] = rfc3339(entry.updated)
    item["authors"] = [{"name": entry.author}]
    if entry.category:
        item["tags"] = [entry.category]
    if entry.language:
        item["language"] = entry.language
    desk = {k: v for k, v in (("url", entry.desk_url), ("state", entry.state)) if v}
    if desk:  # an extension (JSON Feed 1.1: keys starting with "_" are ours)
        item["_aggregator"] = desk
    return item
