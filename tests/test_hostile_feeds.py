"""Garbage documents and identity chaos, refreshed over loopback into a real SQLite file.

Each garbage feed must be stored safely (no control character or lone surrogate in any text
field, within the parse budgets) or refused with a clear error of its own, never an internal
one, while the good feed beside it is stored and later fetches go on. Identity chaos (duplicate
guids, one guid in two feeds, guids that change on every fetch, validators that lie) must give
exactly the items the identity policy of docs/design.md says: no more, and none lost.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence

import pytest
import sqlalchemy as sa

from aggregator.records import Outcome
from tests.helpers.feeds import Harness, rss
from tests.loopback import Loopback, Reply, Request

UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
RSS_TYPE = {"Content-Type": "application/rss+xml"}


def document(items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{declaration}<rss version="2.0"><channel><title>Garbage</title>{items}</channel></rss>'
    ).encode()


def one_item(title: str, body: str = "text") -> str:
    return f"<item><guid>g</guid><title>{title}</title><description>{body}</description></item>"


def garbage_feeds() -> dict[str, Reply]:
    def reply(body: bytes, content_type: str = "application/rss+xml") -> Reply:
        return Reply(body=body, headers={"Content-Type": content_type})

    many = "".join(f"<item><guid>g{i}</guid><title>T{i}</title></item>" for i in range(50_000))
    return {
        "controls": reply(document(one_item("a\x01b\x1b[31mc\x7f", "x&#x85;y\x0cz"))),
        "char_refs": reply(document(one_item("a&#1;b&#xD800;c&#xFFFE;", "&#x1b;[2J"))),
        "invalid_utf8": reply(
            document(one_item("caf-MARK", "x")).replace(b"-MARK", b"\xc3\x28\xff\xfe")
        ),
        "utf7": reply(
            document(
                one_item("+ADw-script+AD4-alert(1)+ADw-/script+AD4-", "+ADw-b+AD4-x+ADw-/b+AD4-"),
                '<?xml version="1.0" encoding="utf-7"?>',
            )
        ),
        "mismatched": reply(
            document(one_item("Ўрад — café"), '<?xml version="1.0" encoding="windows-1251"?>'),
            "application/rss+xml; charset=iso-8859-1",
        ),
        "utf16_declared_utf8": reply(document(one_item("wide")).decode().encode("utf-16")),
        "items_50000": reply(document(many)),
        "item_10mb": reply(document(one_item("big", "<p>" + "word " * 1_900_000 + "</p>"))),
        "nested_100000": reply(document(one_item("deep", "<b>" * 100_000 + "x"))),
        "xml_nested_100000": reply(document("<x>" * 100_000 + "</x>" * 100_000 + one_item("n"))),
        "png": reply(b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, "image/png"),
        "html_page": reply(b"<!doctype html><html><body><p>Hello</p></body></html>", "text/html"),
        "json_not_feed": reply(b'{"hello": "world"}', "application/json"),
        "empty": reply(b"", "application/rss+xml"),
    }


def stored_texts(harness: Harness) -> Iterator[tuple[str, str]]:
    from aggregator.storage.tables import feeds, items

    engine = sa.create_engine(harness.config.settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(feeds.c.name, items.c.title, items.c.summary, items.c.content).join(
                    feeds, feeds.c.id == items.c.feed_id
                )
            ).all()
    finally:
        engine.dispose()
    for name, *values in rows:
        for value in values:
            if value:
                yield name, value


def item_count(harness: Harness, feed: str) -> int:
    return harness.rows()[feed].items


def test_garbage_is_stored_safely_or_refused_clearly_and_the_worker_goes_on(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    hostile = garbage_feeds()
    for name, reply in hostile.items():
        site.route(f"/{name}", reply)
    good = [rss([("a", "A")]), rss([("a", "A"), ("b", "B")])]
    site.route("/good", lambda _r: Reply(body=good.pop(0) if len(good) > 1 else good[0]))
    h = harness(
        "/good", *[f"/{n}" for n in hostile], parse_workers=1, parse_time_budget=10,
        parse_memory_mb=384, max_items_per_feed=20_000,
    )  # fmt: skip
    started = time.monotonic()
    reports = {r.feed: r for r in h.fetch()}
    elapsed = time.monotonic() - started
    assert reports["good"].new_items == 1
    for name in hostile:
        report = reports[name]
        if report.outcome is Outcome.ERROR:
            assert report.error, name
            assert "internal error" not in report.error, (name, report.error)
        else:
            assert report.outcome is Outcome.OK, (name, report)
    assert [(n, v[:40]) for n, v in stored_texts(h) if UNSAFE_TEXT.search(v)] == []
    assert all("<script" not in v for _n, v in stored_texts(h))
    refused = {"utf16_declared_utf8", "png", "html_page", "json_not_feed", "empty"}
    assert {name for name in hostile if reports[name].outcome is Outcome.ERROR} == refused
    assert reports["items_50000"].outcome is Outcome.OK
    assert item_count(h, "items_50000") == h.config.settings.max_items_per_feed == 20_000
    assert reports["items_50000"].problem == "50000 items, kept the first 20000"
    assert elapsed < 40, elapsed
    (again,) = h.fetch(["good"])
    assert (again.outcome, again.new_items) == (Outcome.OK, 1)


def feed_of(entries: Sequence[tuple[str | None, str, str]]) -> bytes:
    """Items of (guid or None, link, title)."""
    body = "".join(
        "<item>"
        + (f"<guid isPermaLink='false'>{guid}</guid>" if guid is not None else "")
        + f"<title>{title}</title><link>{link}</link><description>{title} text</description>"
        "</item>"
        for guid, link, title in entries
    )
    return document(body)


def test_duplicate_guids_in_one_document_are_one_item(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    entries = [("dup", "http://a.example/1", "First"), ("dup", "http://a.example/2", "Second")]
    site.route("/f", Reply(body=feed_of(entries), headers=RSS_TYPE))
    h = harness("/f")
    (report,) = h.fetch()
    (again,) = h.fetch()
    assert (report.new_items, again.new_items, again.changed_items) == (1, 0, 0)
    assert item_count(h, "f") == 1


def test_the_same_guid_in_two_feeds_is_one_item_in_each(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    body = feed_of([("shared", "http://a.example/1", "Shared")])
    site.route("/one", Reply(body=body, headers=RSS_TYPE))
    site.route("/two", Reply(body=body, headers=RSS_TYPE))
    h = harness("/one", "/two")
    h.fetch()
    h.fetch()
    assert (item_count(h, "one"), item_count(h, "two")) == (1, 1)


def test_items_without_guid_or_link_are_neither_lost_nor_repeated(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    body = document(
        "<item><title>Only a title</title></item>"
        "<item><description>Only a description</description></item>"
        "<item><title>Same text</title></item><item><title>Same text</title></item>"
    )
    site.route("/f", Reply(body=body, headers=RSS_TYPE))
    h = harness("/f")
    (first,) = h.fetch()
    (second,) = h.fetch()
    assert (first.new_items, second.new_items, second.changed_items) == (3, 0, 0)
    assert item_count(h, "f") == 3


def test_guids_that_change_on_every_fetch_are_new_items_by_policy(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    """The guid is the identity (docs/design.md): a feed that changes it on every request
    makes a new item each time. That is the documented policy, and nothing is lost."""
    fetches = iter(range(100))

    def changing(_request: Request) -> Reply:
        n = next(fetches)
        return Reply(body=feed_of([(f"rand-{n}", "http://a.example/1", "Same story")]))

    site.route("/f", changing)
    h = harness("/f")
    reports = [h.fetch()[0] for _ in range(3)]
    assert [r.new_items for r in reports] == [1, 1, 1]
    assert item_count(h, "f") == 3


def test_an_etag_that_stays_while_the_content_changes_loses_nothing(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    """The server ignores If-None-Match and answers 200 under the same ETag."""
    bodies = [rss([("a", "A")]), rss([("a", "A changed"), ("b", "B")])]

    def lying(_request: Request) -> Reply:
        body = bodies.pop(0) if len(bodies) > 1 else bodies[0]
        return Reply(200, {"ETag": '"same"', **RSS_TYPE}, body)

    site.route("/f", lying)
    h = harness("/f")
    (first,) = h.fetch()
    (second,) = h.fetch()
    assert site.hits("/f")[1].headers.get("if-none-match") == '"same"'
    assert (first.new_items, second.new_items, second.changed_items) == (1, 1, 1)
    assert item_count(h, "f") == 2


def test_an_etag_that_changes_for_the_same_content_adds_nothing(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    etags = iter(range(100))

    def fresh_etag(_request: Request) -> Reply:
        return Reply(200, {"ETag": f'"{next(etags)}"', **RSS_TYPE}, rss([("a", "A"), ("b", "B")]))

    site.route("/f", fresh_etag)
    h = harness("/f")
    reports = [h.fetch()[0] for _ in range(3)]
    assert [(r.new_items, r.changed_items) for r in reports] == [(2, 0), (0, 0), (0, 0)]
    assert item_count(h, "f") == 2


def test_a_304_to_a_request_without_validators_is_not_taken_as_unchanged(
    site: Loopback, harness: Callable[..., Harness]
) -> None:
    """A server that answers 304 although nothing was asked conditionally stores nothing,
    and the items arrive with the next real answer."""
    answers = [Reply(304, {"ETag": '"x"'}), Reply(200, RSS_TYPE, rss([("a", "A")]))]
    site.route("/f", lambda _r: answers.pop(0) if len(answers) > 1 else answers[0])
    h = harness("/f")
    h.fetch()
    (second,) = h.fetch()
    assert second.new_items == 1
    assert item_count(h, "f") == 1


@pytest.mark.parametrize("count", [2])
def test_fetching_twice_never_duplicates(
    site: Loopback, harness: Callable[..., Harness], count: int
) -> None:
    site.route("/f", Reply(body=rss([("a", "A"), ("b", "B")]), headers=RSS_TYPE))
    h = harness("/f")
    for _ in range(count):
        h.fetch()
    assert item_count(h, "f") == 2
