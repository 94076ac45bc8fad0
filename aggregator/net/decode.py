"""Content-Encoding decoding in bounded steps, with a cap on the decoded size.

httpx inflates a whole chunk at once: one small gzip chunk can become gigabytes. Here every
layer inflates at most `STEP` bytes per call and the running total of decoded bytes is checked
against the cap before more is produced, so memory stays bounded whatever the server sends.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from aggregator.errors import BadEncoding, TooLarge

STEP = 64 * 1024
_GZIP = zlib.MAX_WBITS | 16
_ZLIB = zlib.MAX_WBITS
_RAW = -zlib.MAX_WBITS


class _Layer:
    """One inflating layer; `deflate` accepts both zlib-wrapped and raw streams, as browsers do."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.inflater = zlib.decompressobj(_GZIP if coding in ("gzip", "x-gzip") else _ZLIB)
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self.inflater.decompress(data, STEP)
            except zlib.error as exc:
                if self.coding == "deflate" and not self.started:
                    self.inflater = zlib.decompressobj(_RAW)
                    self.started = True
                    continue
                raise BadEncoding(f"invalid {self.coding} data: {exc}") from None
            self.started = True
            if out:
                yield out
            if self.inflater.eof:
                # Concatenated gzip members are legal; anything after a zlib stream is not ours.
                rest = self.inflater.unused_data
                if rest and self.coding != "deflate" and rest.strip(b"\0"):
                    self.inflater = zlib.decompressobj(_GZIP)
                    data = rest
                    continue
                return
            data = self.inflater.unconsumed_tail


class BoundedDecoder:
    """Decode a body encoded with the codings listed in Content-Encoding, at most `limit` bytes."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise BadEncoding(f"unsupported Content-Encoding {coding!r}")
        if len(codings) > 3:
            raise BadEncoding(f"too many stacked Content-Encodings ({len(codings)})")
        # The last coding applied is listed last, so it is undone first.
        self.layers = [_Layer(c) for c in reversed(codings)]
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def feed(self, raw: bytes) -> None:
        for piece in self._through(raw, 0):
            self.size += len(piece)
            if self.size > self.limit:
                raise TooLarge(
                    f"body exceeds {self.limit} bytes once decoded ([settings].max_body_bytes)"
                )
            self.parts.append(piece)

    def _through(self, data: bytes, depth: int) -> Iterator[bytes]:
        if depth == len(self.layers):
            yield data
            return
        for out in self.layers[depth].feed(data):
            yield from self._through(out, depth + 1)

    def body(self) -> bytes:
        return b"".join(self.parts)
