"""What a page's metadata says about its article: `<meta>` tags, JSON-LD, bylines and dates."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta, timezone

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.articles.pagemeta import author, ld_articles, meta_tags, norm, parse_date, published


def tree(head: str = "", body: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body>{body}<p>x</p></body></html>")


def ld(*objects: object) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>' for o in objects)


def read(head: str = "", body: str = "") -> tuple[str | None, datetime | None]:
    page = tree(head, body)
    metas, found = meta_tags(page), list(ld_articles(page))
    return author(page, metas, found), published(page, metas, found)


def test_norm_collapses_and_trims_whitespace() -> None:
    assert norm("  Ana \n\t Horvat  ") == "Ana Horvat"


def test_meta_tags_by_property_name_or_itemprop_lower_case_first_wins() -> None:
    page = tree(
        '<meta property="OG:Title" content=" First \n title ">'
        '<meta name="og:title" content="Second">'
        '<meta itemprop="author" content="Ana">'
        '<meta name="empty" content="  ">'
        '<meta content="no key">'
    )
    assert meta_tags(page) == {"og:title": "First title", "author": "Ana"}


def test_ld_articles_are_found_in_lists_and_graphs_and_other_types_are_not() -> None:
    page = tree(
        ld(
            [{"@type": "NewsArticle", "headline": "a"}, {"@type": "Person", "name": "p"}],
            {"@graph": [{"@type": ["WebPage"]}, {"@type": ["Thing", "BlogPosting"], "x": 1}]},
        )
        + '<script type="application/ld+json">{not json</script>'
    )
    assert list(ld_articles(page)) == [
        {"@type": "NewsArticle", "headline": "a"},
        {"@type": ["Thing", "BlogPosting"], "x": 1},
    ]


def test_ld_articles_walk_is_bounded_on_a_huge_graph() -> None:
    nested: object = {"@type": "Article", "n": 0}
    many = [{"@graph": [{"@type": "Article", "n": i}]} for i in range(3000)]
    found = list(ld_articles(tree(ld(many, nested))))
    assert 0 < len(found) < 1000


def test_author_prefers_json_ld_and_joins_several() -> None:
    head = ld({"@type": "Article", "author": [{"name": "Ana  Horvat"}, "Ben", {"x": 1}]})
    head += '<meta name="author" content="Meta Person">'
    assert read(head)[0] == "Ana Horvat, Ben"


def test_author_from_meta_then_byline_markup_without_by_and_urls() -> None:
    assert read('<meta name="author" content="https://example.org/ana">')[0] is None
    assert read('<meta name="author" content="By  Ana Horvat">')[0] == "Ana Horvat"
    assert read(body='<span rel="author">by Ben Novak</span>')[0] == "Ben Novak"
    assert read(body=f'<span itemprop="author">{"x" * 201}</span>')[0] is None
    assert read()[0] is None


def test_a_very_long_json_ld_author_is_cut_to_200_characters() -> None:
    name = read(ld({"@type": "Article", "author": {"name": "n" * 500}}))[0]
    assert name == "n" * 200


def test_published_from_json_ld_meta_then_time_elements() -> None:
    head = ld({"@type": "Article", "datePublished": "2026-11-02T10:00:00+01:00"})
    head += '<meta property="article:published_time" content="2020-01-01">'
    assert read(head)[1] == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    meta = '<meta name="pubdate" content="Mon, 02 Nov 2026 10:00:00 GMT">'
    assert read(meta)[1] == datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    body = '<time pubdate datetime="2026-11-02">2 Nov</time>'
    assert read(body=body)[1] == datetime(2026, 11, 2, tzinfo=UTC)
    assert read('<meta name="date" content="soon">')[1] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02T10:30:00Z", datetime(2026, 11, 2, 10, 30, tzinfo=UTC)),
        ("2026-11-02T10:30:00+02:00", datetime(2026, 11, 2, 8, 30, tzinfo=UTC)),
        ("2026-11-02", datetime(2026, 11, 2, tzinfo=UTC)),
        ("Mon, 02 Nov 2026 10:00:00 +0100", datetime(2026, 11, 2, 9, 0, tzinfo=UTC)),
        ("Thursday, June 11th, 2009 @ 10:57 UTC", datetime(2009, 6, 11, 10, 57, tzinfo=UTC)),
        ("Posted on Sept. 3, 2012", datetime(2012, 9, 3, tzinfo=UTC)),
        ("3 March 2015, 08:05", datetime(2015, 3, 3, 8, 5, tzinfo=UTC)),
        ("  2026-11-02\n ", datetime(2026, 11, 2, tzinfo=UTC)),
    ],
)
def test_parse_date_reads_iso_rfc_2822_and_english_prose(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "yesterday", "0001-01-01", "1900-05-05", "2200-01-01", "February 30, 2020"],
)
def test_parse_date_refuses_what_is_no_date(text: str) -> None:
    assert parse_date(text) is None


@given(st.text(max_size=300))
def test_parse_date_of_any_text_is_none_or_an_aware_utc_date_in_range(text: str) -> None:
    parsed = parse_date(text)
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)
        assert 1970 <= parsed.year <= 2100


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 30)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_an_iso_date_reads_back_as_the_same_instant(moment: datetime, minutes: int) -> None:
    written = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=minutes)))
    assert parse_date(written.isoformat()) == written
    assert parse_date(f"  {written.isoformat()}  ") == written


PAGE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=2000)


@given(PAGE_TEXT, PAGE_TEXT)
def test_any_meta_and_json_ld_text_reads_without_error(meta: str, script: str) -> None:
    name, date = read(
        f'<meta name="author" content="{html.escape(meta)}">'
        f'<meta name="date" content="{html.escape(meta)}">'
        f'<script type="application/ld+json">{script.replace("<", " ")}</script>'
    )
    assert name is None or 0 < len(name) <= 200
    assert date is None or date.utcoffset() == timedelta(0)
