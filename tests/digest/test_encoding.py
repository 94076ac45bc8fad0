"""Content coding of the digest: which Accept-Encoding takes gzip, the gzip entity tag, and
gzip output that is the same bytes for the same document."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.digest.encoding import accepts_gzip, gzip_etag, gzipped


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        (None, False),
        ("", False),
        ("gzip", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("br, deflate", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("gzip;q=0, *", False),  # named wins over the wildcard
        ("*", True),
        ("*;q=0", False),
        ("*;q=0.1, br", True),
        ("gzip;q=2", False),  # an out-of-range quality is no quality
        ("gzip;q=half", False),
        ("gzip;level=9", True),
        ("gzip;q=0, x-gzip;q=0.3", True),  # the best of the names
    ],
)
def test_accepts_gzip(header: str | None, takes: bool) -> None:
    assert accepts_gzip(header) is takes


HEADER = st.text(st.sampled_from("gzipx-*;q=0.15, \t"), max_size=40)


@given(HEADER)
def test_any_header_is_read_and_no_quality_zero_gzip_is_taken(header: str) -> None:
    takes = accepts_gzip(header)
    assert isinstance(takes, bool)
    if takes:
        assert "gzip" in header.lower() or "*" in header


@given(st.lists(st.sampled_from(["br", "deflate", "identity", "zstd"]), max_size=5))
def test_a_header_that_names_neither_gzip_nor_a_wildcard_does_not_take_it(
    codings: list[str],
) -> None:
    assert not accepts_gzip(", ".join(codings))
    assert accepts_gzip(", ".join([*codings, "gzip"]))


def test_gzip_etag_sits_inside_the_quotes() -> None:
    assert gzip_etag('"abc"') == '"abc-gzip"'
    assert gzip_etag('W/"abc"') == 'W/"abc-gzip"'
    assert gzip_etag("abc") == "abc-gzip"


@given(st.binary(max_size=5000))
def test_gzipped_reads_back_and_is_the_same_bytes_every_time(body: bytes) -> None:
    packed = gzipped(body)
    assert gzip.decompress(packed) == body
    assert gzipped(body) == packed
    assert packed[4:8] == b"\0\0\0\0"  # no timestamp in the header
