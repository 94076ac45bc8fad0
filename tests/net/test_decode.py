from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.errors import BadEncoding, TooLarge
from aggregator.net.decode import BoundedDecoder


def decode(data: bytes, coding: str | None, limit: int = 10_000_000, chunk: int = 1000) -> bytes:
    decoder = BoundedDecoder(coding, limit)
    for i in range(0, len(data), chunk):
        decoder.feed(data[i : i + chunk])
    return decoder.body()


@given(st.binary(max_size=5000), st.integers(1, 700))
def test_gzip_round_trips_whatever_the_chunking(data: bytes, chunk: int) -> None:
    assert decode(gzip.compress(data), "gzip", chunk=chunk) == data


def test_concatenated_gzip_members() -> None:
    assert decode(gzip.compress(b"ab") + gzip.compress(b"cd"), "gzip") == b"abcd"


def test_deflate_with_and_without_zlib_wrapper() -> None:
    raw = zlib.compressobj(wbits=-15)
    assert decode(raw.compress(b"x" * 100) + raw.flush(), "deflate") == b"x" * 100
    assert decode(zlib.compress(b"y" * 100), "deflate") == b"y" * 100


def test_stacked_bomb_stops_at_the_cap() -> None:
    bomb = gzip.compress(gzip.compress(b"\0" * 50_000_000))
    assert len(bomb) < 100_000
    with pytest.raises(TooLarge):
        decode(bomb, "gzip, gzip", limit=1_000_000)


@pytest.mark.parametrize("coding", ["br", "compress", "gzip, gzip, gzip, gzip"])
def test_unsupported_or_excessive_codings_are_refused(coding: str) -> None:
    with pytest.raises(BadEncoding):
        BoundedDecoder(coding, 1000)


def test_corrupt_data_is_a_clear_error() -> None:
    with pytest.raises(BadEncoding, match="invalid gzip"):
        decode(b"not gzip at all", "gzip")


def test_identity_is_capped_too() -> None:
    with pytest.raises(TooLarge):
        decode(b"x" * 2000, None, limit=1000)
