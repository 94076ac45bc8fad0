"""parse_feed on small hand-written documents: every format, links, sanitising, feed hints."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest

from aggregator.errors import ParseError
from aggregator.feeds.parse import harden_feedparser, parse_feed
from aggregator.records import ParsedFeed

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix in {".xml", ".rdf", ".json"})
FIXTURES = [p for p in FIXTURES if not p.name.endswith(".expected.json")]


def as_json(feed: ParsedFeed) -> Any:
    """The record as the JSON that the `.expected.json` files hold (datetimes in ISO 8601)."""

    def encode(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(value)

    return json.loads(json.dumps(dataclasses.asdict(feed), default=encode))


def rss(items: str = "", channel: str = "", head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>T</title>'
        f"{channel}{items}</channel></rss>"
    ).encode()


def test_every_fixture_has_an_expected_result() -> None:
    assert len(FIXTURES) >= 9
    for path in FIXTURES:
        assert path.with_name(path.stem + ".expected.json").exists(), path.name


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_parses_to_expected(path: Path) -> None:
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    feed = parse_feed(path.read_bytes(), url=expected["url"], content_type=expected["content_type"])
    assert as_json(feed) == expected["feed"]


def test_dates_are_aware_utc() -> None:
    feed = parse_feed((DATA / "rss20.xml").read_bytes(), url="https://harbour.example/feed")
    published = feed.items[0].published
    assert published is not None
    assert published.tzinfo is UTC


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>",
        b"\n\n<html lang=en><body><a href='/feed'>feed</a></body></html>",
        b"<?xml version='1.0'?><!-- x --><HTML><BODY>x</BODY></HTML>",
    ],
)
def test_html_page_is_refused(body: bytes) -> None:
    with pytest.raises(ParseError, match="looks like HTML"):
        parse_feed(body, url="https://example.org/feed")


@pytest.mark.parametrize("body", [b"", b"   \r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_document_is_refused(body: bytes) -> None:
    with pytest.raises(ParseError, match="empty document"):
        parse_feed(body, url="https://example.org/feed")


@pytest.mark.parametrize(
    "body", [b"garbage", b"<foo><bar/></foo>", b"\x00\x01\x02\xff", b"<?xml version='1.0'?>"]
)
def test_non_feeds_are_refused_with_a_reason(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"^not a feed: "):
        parse_feed(body, url="https://example.org/feed")


def test_body_is_never_taken_for_a_file_name(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>SECRET-MARKER</title></channel></rss>')
    with pytest.raises(ParseError):
        parse_feed(str(secret).encode(), url="https://example.org/feed")


def test_bozo_but_readable_is_flagged() -> None:
    feed = parse_feed(rss("<item><title>A &amp; B</title></item>")[:-20], url="https://e.org/")
    assert feed.format == "rss20"
    assert [item.title for item in feed.items] == ["A & B"]
    assert feed.problem is not None
    assert feed.problem.startswith("SAXParseException")
    assert len(feed.problem) <= 200


def test_well_formed_feed_has_no_problem() -> None:
    assert parse_feed(rss("<item><title>x</title></item>"), url="https://e.org/").problem is None


def test_item_cap_keeps_the_first_items() -> None:
    items = "".join(f"<item><guid isPermaLink='false'>g{i}</guid></item>" for i in range(30))
    feed = parse_feed(rss(items), url="https://e.org/", max_items=10)
    assert [item.guid for item in feed.items] == [f"g{i}" for i in range(10)]
    assert feed.problem == "30 items, kept the first 10"


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [
        ("60", 60),
        (" 15 ", 15),
        ("0", 0),
        ("abc", None),
        ("-5", None),
        ("1.5", None),
        ("99999999999999999999", None),
        ("", None),
    ],
)
def test_ttl(ttl: str, expected: int | None) -> None:
    feed = parse_feed(rss(channel=f"<ttl>{ttl}</ttl>"), url="https://e.org/")
    assert feed.ttl_minutes == expected


@pytest.mark.parametrize(
    ("period", "frequency", "expected"),
    [
        ("hourly", None, 60),
        ("hourly", "4", 15),
        ("daily", None, 1440),
        ("daily", "2", 720),
        ("weekly", "1", 10080),
        ("monthly", "1", 43200),
        ("yearly", "12", 43800),
        (" Daily ", "x", 1440),
        (None, "24", 60),
        ("fortnightly", "1", None),
        ("hourly", "1000", 1),
    ],
)
def test_update_period(period: str | None, frequency: str | None, expected: int | None) -> None:
    channel = ""
    if period is not None:
        channel += f"<sy:updatePeriod>{period}</sy:updatePeriod>"
    if frequency is not None:
        channel += f"<sy:updateFrequency>{frequency}</sy:updateFrequency>"
    feed = parse_feed(rss(channel=channel), url="https://e.org/")
    assert feed.update_period_minutes == expected


def test_no_update_hints() -> None:
    feed = parse_feed(rss(), url="https://e.org/")
    assert (feed.ttl_minutes, feed.update_period_minutes) == (None, None)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Tue, 05 Mar 2024 09:30:00 GMT", "2024-03-05T09:30:00+00:00"),
        ("Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00+00:00"),
        ("Wed, 31 Dec 1969 23:59:59 GMT", None),
        ("Mon, 01 Jan 2101 00:00:00 GMT", None),
        ("not a date", None),
    ],
)
def test_absurd_dates_are_dropped(date: str, expected: str | None) -> None:
    feed = parse_feed(rss(f"<item><pubDate>{date}</pubDate></item>"), url="https://e.org/")
    published = feed.items[0].published
    assert (published.isoformat() if published else None) == expected


def test_links_resolve_against_the_feed_url_and_unsafe_ones_are_dropped() -> None:
    links = [
        "/a",
        "b",
        "//cdn.example/c",
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://files.example/x",
        "https://ok.example/d",
    ]
    items = "".join(f"<item><link>{link}</link></item>" for link in links)
    feed = parse_feed(rss(items), url="https://news.example/feeds/all.xml")
    assert [item.link for item in feed.items] == [
        "https://news.example/a",
        "https://news.example/feeds/b",
        "https://cdn.example/c",
        None,
        None,
        None,
        "https://ok.example/d",
    ]


def test_content_is_sanitised_and_absolute() -> None:
    html = (
        '<p onclick="x()">a <a href="rel">r</a> <a href="javascript:x()">j</a>'
        '<img src="/i.png" onerror="x()"></p><script>alert(1)</script><style>p{}</style>'
    )
    item = f"<item><link>https://n.example/s/1</link><description><![CDATA[{html}]]></description>"
    feed = parse_feed(rss(item + "</item>"), url="https://n.example/feed")
    assert feed.items[0].summary == (
        '<p>a <a href="https://n.example/s/rel" rel="noopener noreferrer nofollow">r</a> '
        '<a rel="noopener noreferrer nofollow">j</a><img src="https://n.example/i.png"></p>'
    )


def test_control_characters_are_stripped_from_text() -> None:
    body = rss("<item><title>a\x01b\x0bc</title><guid isPermaLink='false'>\x02g</guid></item>")
    feed = parse_feed(body, url="https://e.org/")
    assert feed.items[0].title == "abc"
    assert feed.items[0].guid == "g"


def test_content_type_charset_is_honoured() -> None:
    body = '<rss version="2.0"><channel><title>Crème brûlée</title></channel></rss>'
    content_type = 'text/xml; charset="ISO-8859-1"'
    feed = parse_feed(body.encode("latin-1"), url="https://e.org/", content_type=content_type)
    assert feed.title == "Crème brûlée"


@pytest.mark.parametrize("content_type", [None, "text/xml", "text/html", "application/rss+xml"])
def test_missing_charset_means_utf8_not_ascii(content_type: str | None) -> None:
    body = '<rss version="2.0"><channel><title>Crème</title></channel></rss>'.encode()
    feed = parse_feed(body, url="https://e.org/", content_type=content_type)
    assert feed.title == "Crème"
    assert feed.problem is None


def test_json_is_recognised_by_content_or_type() -> None:
    body = b'\xef\xbb\xbf {"version": "https://jsonfeed.org/version/1.1", "items": []}'
    assert parse_feed(body, url="https://e.org/", content_type="text/xml").format == "json1.1"
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_feed(b"[]x", url="https://e.org/", content_type="application/feed+json")
    xml = parse_feed(rss(), url="https://e.org/", content_type="application/json")
    assert xml.format == "rss20"


def test_harden_feedparser_is_idempotent() -> None:
    harden_feedparser()
    first = feedparser.api.replace_doctype
    harden_feedparser()
    assert feedparser.api.replace_doctype is first
    assert feedparser.api.PREFERRED_XML_PARSERS == ["aggregator.feeds.expat"]
    version, data, entities = first(b'<!DOCTYPE rss [\n<!ENTITY a "b">\n]>\n<rss/>')
    assert entities == {}
    assert b"ENTITY" not in data
    assert version is None


def test_relative_guids_are_kept_as_written() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title><link>http://example.org/</link>'
        b"<item><guid>42</guid><title>a</title></item></channel></rss>"
    )
    for url in ("http://example.org/feed", "https://moved.example/rss"):
        assert parse_feed(body, url=url).items[0].guid == "42"


def test_character_data_arrives_in_one_piece_whatever_the_line_breaks() -> None:
    title = "\n".join(f"line {i} &amp; more" for i in range(200))
    body = f'<rss version="2.0"><channel><title>{title}</title></channel></rss>'.encode()
    parsed = parse_feed(body, url="http://example.org/feed")
    assert parsed.title == " ".join(f"line {i} & more" for i in range(200))


@pytest.mark.parametrize(
    "ref", ["&#xD800;", "&#xdfff;", "&#56320;", "&#x110000;", "&#99999999999;"]
)
def test_references_to_surrogates_or_beyond_unicode_become_replacement_characters(
    ref: str,
) -> None:
    items = f"<item><guid>g</guid><title>a{ref}b</title><description>c{ref}d</description></item>"
    parsed = parse_feed(rss(items), url="http://example.org/feed")
    assert parsed.items[0].title == "a\ufffdb"
    assert parsed.items[0].summary is not None
    assert "\ufffd" in parsed.items[0].summary
