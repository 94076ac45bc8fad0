"""The list's filters read from query parameters, and written back for the page's links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pytest
from starlette.datastructures import QueryParams

from aggregator.storage.desk import StubFilter
from aggregator.web.filters import (
    BadQuery,
    Paging,
    filter_params,
    read_filter,
    read_page_number,
    read_paging,
)


def read(query: str) -> StubFilter:
    return read_filter(QueryParams(query).getlist)


def test_every_filter_is_read() -> None:
    where = read(
        "state=draft&state=reviewed&state=draft&feed=city&category=World&language=en"
        "&stale=yes&min_quality=0.5&q=++flood++defences+"
    )
    assert where == StubFilter(
        states=("draft", "reviewed"),
        feeds=("city",),
        categories=("World",),
        languages=("en",),
        stale=True,
        min_quality=0.5,
        search="flood defences",
    )


def test_empty_values_mean_any() -> None:
    assert read("state=&feed=&category=&language=&stale=&min_quality=&q=") == StubFilter()
    assert read("stale=no").stale is False


@pytest.mark.parametrize(
    "query",
    [
        "state=draft&feed=a+b&category=%C3%89conomie&stale=no&min_quality=0.25&q=x%26y",
        "language=ja&stale=yes",
        "",
    ],
)
def test_the_links_read_back_as_the_same_filter(query: str) -> None:
    where = read(query)
    assert read(urlencode(filter_params(where))) == where
    assert parse_qs(urlencode(filter_params(where))) == parse_qs(query)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("state=published", "unknown state"),
        ("stale=perhaps", "stale: yes or no"),
        ("min_quality=nan", "min_quality"),
        ("min_quality=1.5", "min_quality"),
        ("q=" + "x" * 201, "q: at most 200"),
    ],
)
def test_what_cannot_be_a_filter_is_refused(query: str, says: str) -> None:
    with pytest.raises(BadQuery, match=says):
        read(query)


def test_paging() -> None:
    def paging(query: str) -> Paging:
        return read_paging(QueryParams(query).getlist, default_limit=50, max_limit=200)

    assert paging("") == Paging(50, 0)
    assert paging("limit=200&offset=400") == Paging(200, 400)
    for bad in ("limit=0", "limit=201", "offset=-1", "limit=1e3", "offset=%D9%A1"):
        with pytest.raises(BadQuery):
            paging(bad)
    assert read_page_number(QueryParams("page=3").getlist) == 3
    with pytest.raises(BadQuery):
        read_page_number(QueryParams("page=0").getlist)
