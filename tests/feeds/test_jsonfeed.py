"""JSON Feed 1.0 and 1.1: the fixtures in tests/data/feeds, then broken documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aggregator.errors import ParseError
from aggregator.feeds.jsonfeed import parse_json_feed
from aggregator.feeds.parse import parse_feed

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
URL = "https://pod.example/feed.json"


def doc(items: list[Any], **feed: Any) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": items, **feed}
    ).encode()


def test_version_1_0() -> None:
    feed = parse_json_feed((DATA / "jsonfeed10.json").read_bytes(), url="https://example.org/f")
    assert feed.format == "json1.0"
    assert [item.guid for item in feed.items] == ["2", "1"]
    assert feed.items[1].author == "Item Author"
    assert feed.items[0].author == "Feed Author"
    assert feed.problem is None


def test_version_1_1() -> None:
    feed = parse_json_feed((DATA / "jsonfeed11.json").read_bytes(), url=URL)
    assert feed.format == "json1.1"
    assert feed.language == "fr-CA"
    assert feed.items[0].link == "https://elsewhere.example/story"
    assert feed.problem == "skipped 2 invalid items (first: item 2: not an object)"


def test_parse_feed_dispatches_to_json() -> None:
    body = (DATA / "jsonfeed11.json").read_bytes()
    assert parse_feed(body, url=URL) == parse_json_feed(body, url=URL)
    assert parse_feed(body, url=URL, content_type="application/feed+json").format == "json1.1"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{", "invalid JSON"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [}', "invalid JSON"),
        (b"\xff\xfe{\x00", "invalid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON"),
        (b"[]", "not a JSON object"),
        (b'"feed"', "not a JSON object"),
        (b'{"items": []}', "'version'"),
        (b'{"version": 1.1, "items": []}', "'version'"),
        (b'{"version": "https://example.org/version/1", "items": []}', "'version'"),
        (b'{"version": "https://jsonfeed.org/version/1"}', "'items'"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "'items'"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": null}', "'items'"),
    ],
)
def test_broken_documents_are_refused(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_json_feed(body, url=URL)


def test_huge_number_is_a_parse_error() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": ' + b"9" * 5000 + b"}]}"
    )
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_json_feed(body, url=URL)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("x", "item 0: not an object"),
        (None, "item 0: not an object"),
        ({"id": "1", "title": 5}, "item 0: 'title' is int, not string"),
        ({"id": "1", "url": ["https://x.example/"]}, "item 0: 'url' is list, not string"),
        ({"id": "1", "content_html": {"a": 1}}, "item 0: 'content_html' is dict, not string"),
        ({"id": {"nested": 1}}, "item 0: 'id' is dict"),
        ({"id": True}, "item 0: 'id' is bool"),
    ],
)
def test_items_of_the_wrong_type_are_skipped(item: Any, reason: str) -> None:
    feed = parse_json_feed(doc([item, {"id": "ok"}]), url=URL)
    assert [i.guid for i in feed.items] == ["ok"]
    assert feed.problem == f"skipped 1 invalid items (first: {reason})"


def test_ids_are_coerced_to_strings() -> None:
    feed = parse_json_feed(doc([{"id": 7}, {"id": 1.5}, {"id": " a "}, {"id": ""}, {}]), url=URL)
    assert [item.guid for item in feed.items] == ["7", "1.5", "a", None, None]


def test_content_html_is_sanitised_and_text_is_escaped() -> None:
    feed = parse_json_feed(
        doc(
            [
                {
                    "id": "1",
                    "url": "/p/1",
                    "content_html": "<p onclick=x>a <a href=b>b</a><script>x</script></p>",
                },
                {"id": "2", "content_text": "<b>not bold</b>\n\nnext", "summary": "a < b"},
                {"id": "3", "content_html": "", "content_text": "fallback"},
            ]
        ),
        url=URL,
    )
    first, second, third = feed.items
    assert first.link == "https://pod.example/p/1"
    assert first.content == (
        '<p>a <a href="https://pod.example/p/b" rel="noopener noreferrer nofollow">b</a></p>'
    )
    assert second.content == "<p>&lt;b&gt;not bold&lt;/b&gt;</p><p>next</p>"
    assert second.summary == "<p>a &lt; b</p>"
    assert third.content == "<p>fallback</p>"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T09:30:00Z", "2024-03-05T09:30:00+00:00"),
        ("2024-03-05t09:30:00z", "2024-03-05T09:30:00+00:00"),
        ("2024-03-05T09:30:00.5-02:30", "2024-03-05T12:00:00.500000+00:00"),
        ("2024-03-05T09:30:00", "2024-03-05T09:30:00+00:00"),
        ("1969-12-31T23:59:59Z", None),
        ("2101-01-01T00:00:00Z", None),
        ("0001-01-01T00:00:00+01:00", None),
        ("Tue, 05 Mar 2024 09:30:00 GMT", None),
        ("", None),
    ],
)
def test_dates(value: str, expected: str | None) -> None:
    item = parse_json_feed(doc([{"id": "1", "date_published": value}]), url=URL).items[0]
    assert (item.published.isoformat() if item.published else None) == expected


def test_authors_1_1_and_1_0() -> None:
    feed = parse_json_feed(
        doc(
            [
                {"id": "1", "authors": [{"name": " A "}, "junk", {"name": 5}, {"name": "B"}]},
                {"id": "2", "author": {"name": "Old style"}},
                {"id": "3", "authors": "not a list"},
                {"id": "4"},
            ],
            authors=[{"name": "Feed"}],
        ),
        url=URL,
    )
    assert [item.author for item in feed.items] == ["A, B", "Old style", "Feed", "Feed"]


def test_unsafe_links_are_dropped() -> None:
    feed = parse_json_feed(
        doc(
            [{"id": "1", "url": "javascript:alert(1)"}, {"id": "2", "external_url": "data:x"}],
            home_page_url="vbscript:x",
        ),
        url=URL,
    )
    assert feed.link is None
    assert [item.link for item in feed.items] == [None, None]


def test_text_fields_lose_control_characters_and_lone_surrogates() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1", "title": "a\\u0001b\\ud800c", "items": ['
    body += b'{"id": "x\\u0000y", "title": "t\\udfff\\u0007", "content_text": "c\\ud83d"}]}'
    feed = parse_json_feed(body, url=URL)
    assert feed.title == "abc"
    item = feed.items[0]
    assert (item.guid, item.title, item.content) == ("xy", "t", "<p>c</p>")


def test_unknown_version_is_read_with_a_problem() -> None:
    body = b'{"version": "https://jsonfeed.org/version/2", "items": [{"id": "1"}]}'
    feed = parse_json_feed(body, url=URL)
    assert feed.format == "json1.1"
    assert feed.problem == "unknown JSON Feed version '2', read as 1.1"


def test_item_cap() -> None:
    feed = parse_json_feed(doc([{"id": str(i)} for i in range(5)]), url=URL, max_items=2)
    assert [item.guid for item in feed.items] == ["0", "1"]
    assert feed.problem == "5 items, kept the first 2"
