from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from lxml import etree

from aggregator.opml import MAX_OPML_BYTES, OpmlError, OpmlFeed, read_opml, write_opml

DATA = Path(__file__).parent / "data" / "opml"


def test_nested_folders_and_categories_become_tags() -> None:
    feeds = read_opml((DATA / "nested.opml").read_bytes())
    assert [(f.xml_url, f.tags) for f in feeds] == [
        ("https://globalvoices.org/feed/", ("News", "World")),
        ("https://www.lemonde.fr/international/rss_full.xml", ("News", "World")),
        ("https://example.org/daily.xml?a=1&b=2", ("News", "Cartoons", "Fun", "Daily")),
        ("https://example.net/atom.xml", ()),
        ("https://example.com/tech/feed", ("Tech",)),  # folder and category, once
    ]
    first, second, third, fourth, _ = feeds
    assert first == OpmlFeed(
        xml_url="https://globalvoices.org/feed/",
        text="Global Voices",
        title="Global Voices",
        html_url="https://globalvoices.org/",
        language="en",
        tags=("News", "World"),
    )
    assert second.text == "Le Monde — International"
    assert second.language == "fr-FR"
    assert third.text == 'Tom & Jerry\'s "Daily"'
    assert (fourth.text, fourth.title) == (None, "Only a title")


def test_opml_1_in_latin_1() -> None:
    feeds = read_opml((DATA / "version1.opml").read_bytes())
    assert [f.text for f in feeds] == ["CNET News.com", "Café Mondial", "NYT > Business"]
    assert feeds[1].html_url == "http://cafe.example/"
    assert all(f.tags == () for f in feeds)


def test_html_urls_that_are_not_http_are_dropped() -> None:
    data = (
        b'<opml version="2.0"><body><outline text="x" xmlUrl="https://a.example/f" '
        b'htmlUrl="javascript:alert(1)"/></body></opml>'
    )
    assert read_opml(data)[0].html_url is None


def test_an_empty_body_has_no_feeds() -> None:
    assert read_opml(b'<opml version="2.0"><head/><body/></opml>') == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not well-formed XML"),
        (b"<opml><body><outline text='x'></body></opml>", "not well-formed XML"),
        (b"\x00\x01garbage", "not well-formed XML"),
        (b'<rss version="2.0"><channel/></rss>', "root element is <rss>, not <opml>"),
        (b'<opml version="2.0"><head/></opml>', "has no <body>"),
    ],
)
def test_malformed_files_are_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        read_opml(data)


@pytest.mark.parametrize("name", ["entity_expansion.opml", "external_entity.opml"])
def test_a_doctype_is_refused_before_parsing(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(OpmlError, match="DOCTYPE"):
        read_opml((DATA / name).read_bytes())
    assert time.perf_counter() - started < 1.0


def test_a_doctype_in_utf16_is_refused_too() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE opml><opml><body/></opml>'
    encoded = data.encode("utf-16")
    assert b"<!DOCTYPE" not in encoded
    with pytest.raises(OpmlError, match="DOCTYPE"):
        read_opml(encoded)


def test_an_external_entity_in_utf16_is_never_read() -> None:
    data = (DATA / "external_entity.opml").read_text(encoding="utf-8")
    encoded = data.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    with pytest.raises(OpmlError, match=r"external entity 'secret', line 9, column 39$"):
        read_opml(encoded)


def test_an_undeclared_entity_is_an_error_not_a_lookup() -> None:
    with pytest.raises(OpmlError, match="not well-formed"):
        read_opml(b'<opml><body><outline text="&secret;" xmlUrl="https://a/"/></body></opml>')


def test_a_large_file_is_refused_without_parsing() -> None:
    outline = b'<outline type="rss" text="x" xmlUrl="https://example.org/feed"/>\n'
    outlines = outline * (10_000_000 // len(outline))
    data = b'<opml version="2.0"><body>' + outlines + b"</body></opml>"
    assert len(data) > MAX_OPML_BYTES
    started = time.perf_counter()
    with pytest.raises(OpmlError, match="larger than 5,000,000 bytes"):
        read_opml(data)
    assert time.perf_counter() - started < 0.5


def test_the_size_cap_can_be_set() -> None:
    with pytest.raises(OpmlError, match="larger than 10 bytes"):
        read_opml(b'<opml version="2.0"><body/></opml>', max_bytes=10)


def test_deep_nesting_is_refused_by_the_parser() -> None:
    depth = 5000
    data = (
        b'<opml version="2.0"><body>'
        + b'<outline text="f">' * depth
        + b'<outline text="x" xmlUrl="https://a.example/"/>'
        + b"</outline>" * depth
        + b"</body></opml>"
    )
    with pytest.raises(OpmlError, match="not well-formed"):
        read_opml(data)


CREATED = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)


def test_export_is_opml_2_with_head_and_one_outline_per_feed() -> None:
    feeds = [
        OpmlFeed(
            xml_url="https://example.org/feed?a=1&b=2",
            text="example",
            title='Tom & Jerry\'s "<Daily>"',
            html_url="https://example.org/",
            language="en",
            tags=("world", "日本"),
        ),
        OpmlFeed(xml_url="https://example.net/atom.xml", text="bare"),
    ]
    document = write_opml(feeds, title="My feeds & more", created=CREATED)
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<opml version=\"2.0\">")
    root = etree.fromstring(document)
    assert root.findtext("head/title") == "My feeds & more"
    assert parsedate_to_datetime(root.findtext("head/dateCreated") or "") == CREATED
    first, second = root.findall("body/outline")
    assert dict(first.attrib) == {
        "type": "rss",
        "text": "example",
        "title": 'Tom & Jerry\'s "<Daily>"',
        "xmlUrl": "https://example.org/feed?a=1&b=2",
        "htmlUrl": "https://example.org/",
        "language": "en",
        "category": "/world,/日本",
    }
    assert dict(second.attrib) == {
        "type": "rss",
        "text": "bare",
        "title": "bare",
        "xmlUrl": "https://example.net/atom.xml",
    }


def test_export_then_read_gives_the_same_feeds() -> None:
    feeds = [
        OpmlFeed("https://a.example/f", "a", "A title", "https://a.example/", "fr", ("x", "y")),
        OpmlFeed("https://b.example/f", "b", "b"),
    ]
    assert read_opml(write_opml(feeds, title="t", created=CREATED)) == tuple(feeds)


def test_characters_xml_cannot_carry_are_dropped() -> None:
    feeds = [OpmlFeed("https://a.example/f", "bell\x07 and nul\x00", "t")]
    document = write_opml(feeds, title="t", created=CREATED)
    assert read_opml(document)[0].text == "bell and nul"
