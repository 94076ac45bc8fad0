"""The SAX driver feedparser is given (`feeds/expat.py`): `xml.sax.make_parser` finds it by its
module name, and it hands over a run of text in one piece, not one piece per line or entity."""

from __future__ import annotations

import io
import xml.sax
from xml.sax.handler import ContentHandler

from aggregator.feeds.expat import BufferedExpatParser, create_parser


class Texts(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []

    def characters(self, content: str) -> None:
        self.pieces.append(content)


DOCUMENT = b"<r>first line\nsecond &amp; third\nfourth</r>"


def test_make_parser_finds_the_driver_by_its_module_name() -> None:
    assert isinstance(xml.sax.make_parser(["aggregator.feeds.expat"]), BufferedExpatParser)


def test_a_run_of_text_arrives_in_one_piece_and_again_after_a_reset() -> None:
    parser = create_parser()
    for _ in range(2):  # feedparser reuses nothing, but a reset must keep the buffering
        texts = Texts()
        parser.setContentHandler(texts)
        parser.parse(io.BytesIO(DOCUMENT))
        assert texts.pieces == ["first line\nsecond & third\nfourth"]


def test_the_plain_expat_driver_splits_it() -> None:
    texts = Texts()
    plain = xml.sax.make_parser(["xml.sax.expatreader"])
    plain.setContentHandler(texts)
    plain.parse(io.BytesIO(DOCUMENT))
    assert len(texts.pieces) > 1
    assert "".join(texts.pieces) == "first line\nsecond & third\nfourth"
