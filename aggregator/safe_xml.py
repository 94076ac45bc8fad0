"""The one way strangers' XML is parsed with lxml: no entities, no DTD, no network, no huge
trees, comments and processing instructions dropped, malformed documents refused."""

from __future__ import annotations

from lxml import etree


def safe_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )
