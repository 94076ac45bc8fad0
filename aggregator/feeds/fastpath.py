"""A fast path for well-formed UTF-8 RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 documents: lxml builds
the tree in C and a walk (`feeds/fast_walk.py`) reads it into the same feedparser-shaped values
that `feeds/convert.py` turns into records, at a fraction of feedparser's cost.

It declines (returns None, and feedparser reads the document) whenever it could disagree with
feedparser: a document that is not well-formed, in a multi-byte encoding other than UTF-8
(or no single-byte one it declares), has a DOCTYPE, or holds an element
or a content type the walk does not reproduce. The parser resolves no entities, loads no DTD,
reads nothing from the network and keeps libxml2's limits (no huge_tree).
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from aggregator.feeds.convert import to_parsed_feed
from aggregator.feeds.fast_compat import document_base
from aggregator.feeds.fast_fields import Walk
from aggregator.feeds.fast_names import Decline
from aggregator.feeds.fast_walk import walk_atom, walk_rdf, walk_rss
from aggregator.net.headers import charset
from aggregator.records import ParsedFeed
from aggregator.safe_xml import safe_xml_parser

__all__ = ["parse_well_formed"]

_UTF8_BOM = b"\xef\xbb\xbf"
_XML_DECLARATION = re.compile(rb"<\?xml\b[^>]*?\?>")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")
_XML_VERSION = re.compile(rb"""\bversion\s*=\s*["']([0-9.]*)["']""")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_PROLOG_SCAN = 4096
# Encodings feedparser decodes exactly as Python does, byte for byte, with no guessing.
_SINGLE_BYTE = frozenset(
    {"us-ascii", "iso-8859-1", "iso-8859-2", "iso-8859-5", "iso-8859-7", "iso-8859-9",
     "iso-8859-15", "windows-1250", "windows-1251", "windows-1252", "windows-1253",
     "windows-1254", "windows-1256", "koi8-r"}
)  # fmt: skip

_ATOM = "{http://www.w3.org/2005/Atom}feed"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
_RSS1 = "http://purl.org/rss/1.0/"
_VERSION_NAMESPACES = frozenset(
    {"http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/",
     "http://www.w3.org/2005/atom"}
)  # fmt: skip

_local = threading.local()


def _parser() -> etree.XMLParser:
    """One parser per thread (lxml parsers must not be shared between threads)."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = safe_xml_parser()
        _local.parser = parser
    return parser


def _as_utf8(body: bytes, content_type: str | None) -> bytes | None:
    """The document in UTF-8 when feedparser would decode it without complaint as UTF-8 or as
    the single-byte encoding it declares; None otherwise (UTF-16, CJK, a guess, a conflict).

    A single-byte document is decoded and re-declared as UTF-8, as feedparser does before
    parsing, so that both parsers read the same characters.
    """
    start = len(_UTF8_BOM) if body.startswith(_UTF8_BOM) else 0
    if body.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00", b"\x4c\x6f\xa7\x94"), start):
        return None
    declaration = _XML_DECLARATION.match(body, start)
    encoding = "utf-8"
    if declaration is not None:
        text = declaration.group()
        if b"\n" in text or b"\r" in text:
            return None  # feedparser looks for the encoding on the first line only
        version = _XML_VERSION.search(text)
        if version is None or version.group(1) != b"1.0":
            return None  # XML 1.1: expat and libxml2 differ on it
        found = _ENCODING.search(text)
        if found is None and b"encoding" in text:
            return None
        if found is not None:
            encoding = found.group(1).decode("ascii").lower()
    declared = charset(content_type)
    if (declared is not None and declared.lower() != encoding) or _DOCTYPE.search(
        body, 0, _PROLOG_SCAN
    ):
        return None
    if encoding == "utf-8":
        return body
    if encoding not in _SINGLE_BYTE or start or declaration is None:
        return None
    try:
        decoded = body[declaration.end() :].decode(encoding)
    except UnicodeDecodeError:
        return None
    return b"<?xml version='1.0' encoding='utf-8'?>" + decoded.encode("utf-8")


def _walk(root: etree._Element, url: str) -> Walk | None:
    """The walk for the root's format; None for a root or version this path does not read."""
    declared = {uri.lower() for uri in root.nsmap.values()}
    tag = root.tag
    if tag == "rss":
        version = root.get("version", "")
        if not version.startswith("2.") or declared & _VERSION_NAMESPACES - {
            "http://www.w3.org/2005/atom"
        }:
            return None
        walk = Walk(version="rss20", base=document_base(url))
        walk_rss(walk, root)
        return walk
    if tag == _ATOM and not declared & (_VERSION_NAMESPACES - {"http://www.w3.org/2005/atom"}):
        walk = Walk(version="atom10", base=document_base(url))
        walk_atom(walk, root)
        return walk
    if tag == _RDF and _RSS1 in root.nsmap.values() and len(declared & _VERSION_NAMESPACES) == 1:
        walk = Walk(version="rss10", base=document_base(url))
        walk_rdf(walk, root)
        return walk
    return None


def parse_well_formed(
    body: bytes, *, url: str, content_type: str | None, max_items: int
) -> ParsedFeed | None:
    """The document read by the fast path, or None when feedparser must read it."""
    document = _as_utf8(body, content_type)
    if document is None:
        return None
    try:
        root = etree.fromstring(document, _parser())
    except etree.XMLSyntaxError:
        return None
    if root.getroottree().docinfo.doctype:
        return None
    try:
        walk = _walk(root, url)
    except Decline:
        return None
    if walk is None:
        return None
    result = {"feed": walk.feed, "entries": walk.entries, "version": walk.version}
    return to_parsed_feed(result, body, url=url, content_type=content_type, max_items=max_items)
