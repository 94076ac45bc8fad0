"""The digest's addresses: page 1 without a query, later pages with `?page=N`, and the RFC 5005
links (first, previous, next, last) of each page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.digest.model import Link
from aggregator.digest.views import ATOM, JSON, DigestView, last_page, paging_links, view_url

BASE = "https://news.example.org"


@pytest.mark.parametrize(
    ("count", "limit", "last"), [(0, 50, 1), (1, 50, 1), (50, 50, 1), (51, 50, 2), (101, 50, 3)]
)
def test_last_page(count: int, limit: int, last: int) -> None:
    assert last_page(count, limit) == last


def test_view_urls_of_every_category_and_of_one() -> None:
    assert view_url(BASE, DigestView(ATOM)) == f"{BASE}/digest.atom"
    assert view_url(BASE, DigestView(JSON, page=3)) == f"{BASE}/digest.json?page=3"
    politics = DigestView(ATOM, slug="politics", categories=("Politics",), page=2)
    assert view_url(BASE, politics) == f"{BASE}/digest/politics.atom?page=2"
    assert view_url(BASE, politics, 1) == f"{BASE}/digest/politics.atom"


def test_paging_links_of_a_middle_page() -> None:
    assert paging_links(BASE, DigestView(ATOM, page=2), count=120, limit=50) == (
        Link("first", f"{BASE}/digest.atom"),
        Link("previous", f"{BASE}/digest.atom"),
        Link("next", f"{BASE}/digest.atom?page=3"),
        Link("last", f"{BASE}/digest.atom?page=3"),
    )


def test_a_single_page_links_only_to_itself() -> None:
    assert paging_links(BASE, DigestView(JSON), count=3, limit=50) == (
        Link("first", f"{BASE}/digest.json"),
        Link("last", f"{BASE}/digest.json"),
    )


def test_a_page_past_the_end_points_back_to_the_last() -> None:
    links = {link.rel: link.href for link in paging_links(BASE, DigestView(ATOM, page=9), 60, 50)}
    assert links == {
        "first": f"{BASE}/digest.atom",
        "previous": f"{BASE}/digest.atom?page=2",
        "last": f"{BASE}/digest.atom?page=2",
    }


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=500),
    st.integers(min_value=1, max_value=50),
)
def test_paging_links_always_have_first_and_last_and_stay_within_the_pages(
    count: int, limit: int, page: int
) -> None:
    links = paging_links(BASE, DigestView(ATOM, page=page), count, limit)
    rels = [link.rel for link in links]
    assert rels[0] == "first"
    assert rels[-1] == "last"
    assert ("next" in rels) == (page < last_page(count, limit))
    assert ("previous" in rels) == (page > 1)
    for link in links:
        number = int(link.href.rpartition("?page=")[2]) if "?page=" in link.href else 1
        assert 1 <= number <= last_page(count, limit)
