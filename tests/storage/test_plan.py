"""The plan of a refresh: new, changed and unchanged items, and a first fetch's newest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator.feeds.plan import keyed
from aggregator.records import ParsedItem
from aggregator.storage.plan import newest, plan_items

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def item(guid: str | None = None, title: str = "t", body: str = "b") -> ParsedItem:
    return ParsedItem(guid=guid, link=None, title=title, content=body)


def dated(guid: str, minutes: int | None) -> ParsedItem:
    when = None if minutes is None else START + timedelta(minutes=minutes)
    return ParsedItem(guid=guid, link=None, title=guid, published=when)


def test_new_changed_and_unchanged() -> None:
    first = keyed([item("a"), item("b")])
    stored = {r.identity: r.content_hash for r in first}
    again = keyed([item("a"), item("b", body="edited"), item("c")])
    plan = plan_items(again, stored)
    assert [r.item.guid for r in plan.new] == ["c"]
    assert [r.item.guid for r in plan.changed] == ["b"]
    assert plan.unchanged == 1


def test_a_duplicate_guid_within_one_document_is_kept_once() -> None:
    plan = plan_items(keyed([item("a", body="newest"), item("a", body="older")]), {})
    assert len(plan.new) == 1
    assert plan.new[0].item.content == "newest"
    assert plan.duplicates == 1


def test_newest_is_by_date_and_undated_items_follow_in_feed_order() -> None:
    records = keyed(
        [
            dated("a", 1),
            dated("b", None),
            dated("c", 30),
            dated("d", None),
            dated("e", 5),
        ]
    )
    guids = [r.item.guid for r in records]
    assert {guids[i] for i in newest(records, 2)} == {"c", "e"}
    assert {guids[i] for i in newest(records, 4)} == {"c", "e", "a", "b"}
    assert newest(records, 0) == frozenset()
    assert newest(records, 9) == frozenset(range(5))
    updated_only = ParsedItem(guid="u", link=None, title="u", updated=START + timedelta(days=1))
    naive = ParsedItem(guid="n", link=None, title="n", published=datetime(2026, 10, 1))
    mixed = keyed([naive, dated("a", 1), updated_only])
    assert newest(mixed, 1) == frozenset({2})
