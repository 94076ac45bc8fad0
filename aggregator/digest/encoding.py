"""Content coding for the digest: gzip when the client says it takes it (RFC 9110, 12.5.3).

A gzipped document is another representation, so it has its own strong entity tag (the
identity tag with `-gzip` inside the quotes) and every answer says `Vary: Accept-Encoding`;
a reader's If-None-Match is compared with the tag of the representation it would be sent.
The compressed bytes are the same for the same document (no timestamp in the gzip header),
so caches and tags agree.
"""

from __future__ import annotations

import gzip

GZIP = "gzip"
LEVEL = 6


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header takes gzip: named (or `x-gzip`, or `*` when gzip is
    not named) with a quality above 0."""
    if not header:
        return False
    named: float | None = None
    anything: float | None = None
    for element in header.split(","):
        coding, _, params = element.partition(";")
        coding = coding.strip().lower()
        quality = _quality(params)
        if coding in ("gzip", "x-gzip"):
            named = quality if named is None else max(named, quality)
        elif coding == "*":
            anything = quality
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


def gzip_etag(etag: str) -> str:
    """The entity tag of the gzipped representation of the document tagged `etag`."""
    return etag[:-1] + '-gzip"' if etag.endswith('"') else etag + "-gzip"


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0 <= quality <= 1 else 0.0
    return 1.0
