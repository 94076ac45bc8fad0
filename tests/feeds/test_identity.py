"""What makes an item the same item from one fetch to the next (`feeds/identity.py`): its guid,
else its link without tracking parameters, else a hash of what a reader sees."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.feeds.identity import content_hash, item_identity, normalise_link
from aggregator.records import ParsedItem
from aggregator.sanitize import safe_http_url

ITEM = ParsedItem(guid=None, link=None, title="Floods", summary="The river rose.")


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://Example.ORG/News?id=3#top", "https://example.org/News?id=3"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://example.org/a?utm_source=x&id=1&fbclid=y&MC_eid=z", "https://example.org/a?id=1"),
        ("https://example.org/a?gclid=1&ref_src=tw", "https://example.org/a"),
        ("  https://example.org/a?q=&b=2  ", "https://example.org/a?q=&b=2"),
        ("https://example.org/a?q=a+b%2Fc", "https://example.org/a?q=a+b%2Fc"),
    ],
)
def test_normalise_link(url: str, normal: str) -> None:
    assert normalise_link(url) == normal


HOSTS = st.from_regex(r"[a-zA-Z][a-zA-Z0-9-]{0,10}(\.[a-zA-Z]{2,5}){1,2}", fullmatch=True)
PATHS = st.from_regex(r"(/[a-zA-Z0-9._~%-]{0,8}){0,4}", fullmatch=True)
PARAMS = st.lists(
    st.tuples(
        st.sampled_from(["id", "page", "utm_source", "UTM_Medium", "fbclid", "pk_kwd", "q", "ref"]),
        st.from_regex(r"[a-zA-Z0-9]{0,6}", fullmatch=True),
    ),
    max_size=5,
)
URLS = st.builds(
    lambda scheme, host, port, path, params, fragment: (
        f"{scheme}://{host}{port}{path}"
        + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
        + fragment
    ),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    HOSTS,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    PATHS,
    PARAMS,
    st.sampled_from(["", "#", "#top"]),
)


@given(URLS)
def test_a_normalised_link_is_a_fixed_point_without_tracking_or_fragment(url: str) -> None:
    normal = normalise_link(url)
    assert normalise_link(normal) == normal
    parts = urlsplit(normal)
    assert parts.fragment == ""
    assert parts.scheme in ("http", "https")
    assert parts.netloc == parts.netloc.lower()
    assert parts.path.startswith("/")
    for key, _ in parse_qsl(parts.query, keep_blank_values=True):
        assert not key.lower().startswith(("utm_", "mc_", "pk_"))
        assert key.lower() not in {"fbclid", "gclid"}
    assert safe_http_url(normal) == normal


@given(URLS)
def test_case_of_scheme_and_host_and_a_fragment_do_not_make_another_item(url: str) -> None:
    parts = urlsplit(url)
    shouted = parts._replace(scheme=parts.scheme.upper(), netloc=parts.netloc.upper()).geturl()
    assert normalise_link(shouted + "#other") == normalise_link(url)


def test_identity_by_guid_then_link_then_content() -> None:
    with_guid = ParsedItem(guid="urn:1", link="https://e.org/a", title="x")
    assert item_identity(with_guid, content_hash(with_guid)) == "guid:urn:1"
    with_link = ParsedItem(guid=None, link="https://E.org/a?utm_source=rss", title="x")
    assert item_identity(with_link, content_hash(with_link)) == "link:https://e.org/a"
    assert item_identity(ITEM, "abc") == "hash:abc"


def test_content_hash_follows_what_a_reader_sees_and_not_the_dates() -> None:
    base = content_hash(ITEM)
    dated = ParsedItem(
        guid="urn:other",
        link=None,
        title="Floods",
        summary="The river rose.",
        published=datetime(2026, 11, 2, tzinfo=UTC),
        author="Ana",
    )
    assert content_hash(dated) == base
    retitled = ParsedItem(guid=None, link=None, title="Floods!", summary="The river rose.")
    assert content_hash(retitled) != base
    # The content wins over the summary, and fields cannot run into each other.
    contented = ParsedItem(
        guid=None, link=None, title="Floods", summary="x", content="The river rose."
    )
    assert content_hash(contented) == base
    shifted = ParsedItem(guid=None, link=None, title="Flood", summary="sThe river rose.")
    assert content_hash(shifted) != base


@given(st.text(), st.text())
def test_content_hash_of_any_text_is_sha256_hex(title: str, summary: str) -> None:
    digest = content_hash(ParsedItem(guid=None, link=None, title=title, summary=summary))
    assert len(digest) == 64
    assert int(digest, 16) >= 0
