"""feedparser-shaped dictionaries into records (`feeds/convert.py`): the one place both parsers'
output is cleaned. Titles as plain text, links absolute http(s), HTML sanitised, dates in UTC,
and any shape of dictionary either read or refused with a ParseError, never anything else."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.errors import ParseBudgetExceeded, ParseError
from aggregator.feeds.convert import describe, to_parsed_feed
from aggregator.records import ParsedFeed

URL = "https://news.example.org/feed"


def convert(result: dict[str, Any], body: bytes = b"<rss/>", max_items: int = 100) -> ParsedFeed:
    return to_parsed_feed(
        result, body, url=URL, content_type="application/rss+xml", max_items=max_items
    )


def test_a_feed_and_its_entry_are_cleaned() -> None:
    entry = {
        "id": " urn:1\x00 ",
        "title": "A &amp; <b>B</b>",
        "title_detail": {"type": "text/html"},
        "link": "/story?id=1",
        "author": " Ana\n Horvat ",
        "summary_detail": {
            "type": "text/html",
            "value": '<p onclick="x()">Sum <a href="/more">more</a></p>',
        },
        "published_parsed": time.struct_time((2026, 11, 2, 10, 0, 61, 0, 306, 0)),
        "tags": [{"term": "politics"}, {"label": "World", "term": "w"}, "junk"],
    }
    feed = convert(
        {
            "version": "rss20",
            "feed": {"title": "City\nnews", "link": "/", "language": "hr", "ttl": " 120 "},
            "entries": [entry],
        }
    )
    assert (feed.format, feed.title, feed.link, feed.language, feed.ttl_minutes) == (
        "rss20",
        "City news",
        "https://news.example.org/",
        "hr",
        120,
    )
    (item,) = feed.items
    assert item.guid == "urn:1"
    assert item.title == "A & B"
    assert item.link == "https://news.example.org/story?id=1"
    assert item.author == "Ana Horvat"
    assert item.summary is not None
    assert "onclick" not in item.summary
    assert 'href="https://news.example.org/more"' in item.summary
    assert item.published == datetime(2026, 11, 2, 10, 0, 59, tzinfo=UTC)
    assert item.categories == ("politics", "World")
    assert feed.problem is None


def test_plain_text_content_is_escaped_into_paragraphs_and_a_copied_summary_dropped() -> None:
    content = {"type": "text/plain", "value": "1 < 2\n\nSecond"}
    feed = convert(
        {"version": "atom10", "entries": [{"content": [content], "summary": "1 < 2\n\nSecond"}]}
    )
    (item,) = feed.items
    assert item.content is not None
    assert "1 &lt; 2" in item.content
    assert item.summary is None


def test_an_unsafe_link_is_dropped() -> None:
    feed = convert({"version": "rss20", "entries": [{"link": "javascript:alert(1)", "title": "x"}]})
    assert feed.items[0].link is None


def test_too_many_items_are_cut_and_said_so() -> None:
    feed = convert(
        {"version": "rss20", "entries": [{"title": str(i)} for i in range(5)]}, max_items=2
    )
    assert [i.title for i in feed.items] == ["0", "1"]
    assert feed.problem == "5 items, kept the first 2"


def test_a_malformed_but_readable_feed_carries_its_problem() -> None:
    feed = convert(
        {
            "version": "rss20",
            "bozo": 1,
            "bozo_exception": ValueError("mismatched tag\nline 3"),
            "entries": [],
        }
    )
    assert feed.problem == "ValueError: mismatched tag line 3"


def test_an_out_of_memory_parser_is_a_budget_error() -> None:
    with pytest.raises(ParseBudgetExceeded):
        convert({"version": "rss20", "bozo": 1, "bozo_exception": MemoryError("out of memory")})


@pytest.mark.parametrize(
    ("result", "body", "reason"),
    [
        ({}, b"<html><body>hi</body></html>", "not a feed: looks like HTML"),
        (
            {"bozo_exception": ValueError("syntax error")},
            b"{}",
            "not a feed: ValueError: syntax error",
        ),
        ({}, b"<x/>", "not a feed: no RSS, RDF or Atom root element"),
    ],
)
def test_what_is_not_a_feed_says_why(result: dict[str, Any], body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        convert(result, body)


@pytest.mark.parametrize(
    ("feed", "minutes"),
    [
        ({"sy_updateperiod": "hourly", "sy_updatefrequency": "2"}, 30),
        ({"sy_updateperiod": "weekly"}, 10080),
        ({"sy_updatefrequency": "4"}, 360),  # the period defaults to daily
        ({"sy_updateperiod": "fortnightly"}, None),
        ({}, None),
    ],
)
def test_the_syndication_module_gives_an_update_period(
    feed: dict[str, str], minutes: int | None
) -> None:
    assert convert({"version": "rss20", "feed": feed}).update_period_minutes == minutes


@pytest.mark.parametrize("ttl", ["-5", "1e3", "60 minutes", "\uff19", "9999999999", None])
def test_a_ttl_that_is_not_a_plain_number_is_ignored(ttl: str | None) -> None:
    assert convert({"version": "rss20", "feed": {"ttl": ttl}}).ttl_minutes is None


def test_describe_is_one_bounded_line() -> None:
    text = describe(ValueError("a\x00b\n" * 1000))
    assert "\n" not in text
    assert "\x00" not in text
    assert text.startswith("ValueError: ab ab")
    assert len(text) <= 500


LEAF = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
TEXT = st.none() | st.text(max_size=30)
DETAIL = st.fixed_dictionaries(
    {}, optional={"value": TEXT, "type": TEXT, "base": TEXT, "href": TEXT, "rel": TEXT}
)
FIELDS = {
    "title": LEAF,
    "link": TEXT,  # feedparser and the fast path give the links as text
    "id": LEAF,
    "summary": LEAF,
    "author": LEAF,
    "language": LEAF,
    "ttl": LEAF,
    "sy_updateperiod": LEAF,
    "sy_updatefrequency": LEAF,
    "title_detail": DETAIL,
    "summary_detail": DETAIL,
    "links": st.lists(DETAIL, max_size=3),
    "content": st.lists(DETAIL, max_size=3),
    "tags": st.lists(st.fixed_dictionaries({}, optional={"term": TEXT, "label": TEXT}), max_size=3),
    "published_parsed": st.none() | st.datetimes().map(lambda d: d.timetuple()),
}
NODE = st.fixed_dictionaries({}, optional=FIELDS)
RESULTS = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from(["", "rss20", "atom10"]),
        "feed": NODE,
        "entries": st.lists(NODE, max_size=4),
        "bozo": st.booleans(),
    },
)


@given(RESULTS)
def test_any_field_values_are_read_or_refused_with_a_parse_error(result: dict[str, Any]) -> None:
    """The dictionaries' shape is the parsers' (lists and dicts where feedparser has them, text
    inside its detail dictionaries); the fields read as text may hold anything."""
    try:
        feed = convert(result)
    except ParseError:
        return
    for item in feed.items:
        assert item.link is None or item.link.startswith(("http://", "https://"))
        assert item.guid is None or item.guid == item.guid.strip()
        assert item.published is None or item.published.tzinfo is UTC
