"""Elements named as feedparser names them (`feeds/fast_names.py`): the standard prefix of a
namespace it knows, the document's own prefix otherwise, none in the RSS and Atom namespaces;
and which elements leave nothing that the conversion reads."""

from __future__ import annotations

import pytest
from lxml import etree

from aggregator.feeds.fast_names import Decline, generic, key_of, name_of
from aggregator.safe_xml import safe_xml_parser

NAMESPACES = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:MEDIA="http://search.yahoo.com/mrss/" '
    'xmlns:my="https://example.org/ns" '
    'xmlns:a="http://www.w3.org/2005/Atom" '
    'xmlns:old="http://backend.userland.com/rss2"'
)


def element(markup: str) -> etree._Element:
    root = etree.fromstring(f"<rss {NAMESPACES}>{markup}</rss>".encode(), safe_xml_parser())
    return root[0]


@pytest.mark.parametrize(
    ("markup", "name"),
    [
        ("<pubDate/>", ("", "pubdate")),
        ("<dc:Creator/>", ("dc", "dc_creator")),
        ("<MEDIA:title/>", ("media", "media_title")),  # the standard prefix, not the document's
        ("<my:Thing/>", ("my", "my_thing")),  # an unknown namespace: the document's prefix
        ("<a:link/>", ("", "link")),  # Atom elements have no prefix
        ("<old:Title/>", ("", "title")),  # any userland RSS namespace is RSS
    ],
)
def test_name_of(markup: str, name: tuple[str, str]) -> None:
    assert name_of(element(markup)) == name
    assert key_of(element(markup)) == name[1]


def test_an_element_without_a_namespace_or_prefix_keeps_its_lower_case_name() -> None:
    bare = etree.fromstring(b"<Channel/>", safe_xml_parser())
    assert name_of(bare) == ("", "channel")


def test_a_comment_is_declined() -> None:
    comment = etree.Comment("x")
    with pytest.raises(Decline):
        name_of(comment)


@pytest.mark.parametrize(
    ("markup", "kept_apart"),
    [
        ("<my:rating>5</my:rating>", True),  # a key of its own nobody reads
        ("<my:box><my:inner/></my:box>", True),
        ("<unknownthing/>", True),
        ("<title>x</title>", False),  # read by the conversion
        ("<dc:creator>Ana</dc:creator>", False),  # feedparser handles it
        ("<my:box><title>x</title></my:box>", False),  # a known element inside an unknown one
    ],
)
def test_generic_elements_leave_nothing_the_conversion_reads(markup: str, kept_apart: bool) -> None:
    assert generic(element(markup)) is kept_apart
