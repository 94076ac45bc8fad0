"""The SAX driver feedparser gets: Python's expat reader with character data buffered.

By default expat reports text in many small pieces (at every newline and entity), and
feedparser handles each piece in Python; buffering hands over whole runs of text at once.
`xml.sax.make_parser` imports a driver module by name and calls its `create_parser`.
"""

from __future__ import annotations

from xml.sax.expatreader import ExpatParser

_BUFFER = 1 << 20


class BufferedExpatParser(ExpatParser):
    def reset(self) -> None:
        super().reset()
        parser = self._parser  # type: ignore[attr-defined]  # set by ExpatParser.reset
        parser.buffer_text = True
        parser.buffer_size = _BUFFER


def create_parser() -> BufferedExpatParser:
    return BufferedExpatParser()
