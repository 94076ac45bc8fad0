"""The one lxml parser for strangers' XML (`safe_xml.py`): entities are not expanded, no DTD or
external file is loaded, comments and processing instructions are dropped, and a malformed
document is refused rather than repaired."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from aggregator.safe_xml import safe_xml_parser


def parse(text: str) -> etree._Element:
    return etree.fromstring(text.encode(), safe_xml_parser())


def test_a_plain_document_reads() -> None:
    root = parse("<rss><channel><title>City</title></channel></rss>")
    assert root.findtext("channel/title") == "City"


def test_an_internal_entity_stays_a_reference() -> None:
    root = parse('<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;">]><r>&b;</r>')
    assert etree.tostring(root, encoding="unicode") == "<r>&b;</r>"


def test_a_billion_laughs_is_refused_or_left_unexpanded() -> None:
    laughs = ['<!ENTITY a "lol">']
    laughs += [
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    document = f"<!DOCTYPE r [{''.join(laughs)}]><r>&i;</r>"
    try:
        root = parse(document)
    except etree.XMLSyntaxError:
        return  # libxml2's amplification limit
    assert "lol" not in etree.tostring(root, encoding="unicode")


def test_an_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    document = f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'
    assert "the secret" not in etree.tostring(parse(document), encoding="unicode")


def test_an_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "x.dtd"
    dtd.write_text('<!ENTITY y "from the dtd">', encoding="utf-8")
    document = f'<!DOCTYPE r SYSTEM "file://{dtd}"><r>&y;</r>'
    try:
        root = parse(document)
    except etree.XMLSyntaxError:
        return  # refused: the entity is undefined without the DTD
    assert "from the dtd" not in etree.tostring(root, encoding="unicode")


def test_comments_and_processing_instructions_are_dropped() -> None:
    root = parse("<r><!-- note --><?php echo 1; ?><a>x</a></r>")
    assert etree.tostring(root, encoding="unicode") == "<r><a>x</a></r>"


@pytest.mark.parametrize("text", ["<r><a></r>", "<r>&nbsp;</r>", "", "<r>", "text"])
def test_a_malformed_document_is_refused(text: str) -> None:
    with pytest.raises(etree.XMLSyntaxError):
        parse(text)


def test_each_call_gives_a_parser_of_its_own() -> None:
    assert safe_xml_parser() is not safe_xml_parser()
