"""The `illustration` part: the article's own images with their credits, or a prompt to add one."""

from __future__ import annotations

from pathlib import Path

from aggregator.articles.clean import clean_article_html
from aggregator.config import SourceInfo
from aggregator.drafting.illustration_part import (
    PROMPT_CHECK,
    PROMPT_NONE,
    illustration_part,
    licence_text,
)
from aggregator.drafting.illustrations import FROM_CREDIT, FROM_FEED
from aggregator.stub_records import PREPARED, TO_WRITE, Part

DATA = Path(__file__).resolve().parents[1] / "data" / "illustrations"
PAGE = "https://news.example/2026/12/07/harbour"
FEED_LICENCE = "CC BY 4.0"
FEED_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def test_part_is_prepared_with_entries_or_left_to_write() -> None:
    info = SourceInfo(name="News", licence=FEED_LICENCE, licence_url=FEED_LICENCE_URL)
    html = clean_article_html((DATA / "article.html").read_text(encoding="utf-8"), PAGE)
    part = illustration_part(html, page_url=PAGE, feed="news", source_info=info)
    assert part.kind == PREPARED
    assert part.prompt == PROMPT_CHECK  # the map has no credit
    first = part.entries[0]
    assert first.url == "https://news.example/media/harbour-1200x800.jpg"
    assert first.title == "Fishing boats in the harbour at dawn"
    assert first.text.endswith("Photo: Jane Roe/Reuters")
    assert (first.credit, first.licence_from, first.found_at) == (
        "Jane Roe/Reuters",
        FROM_CREDIT,
        PAGE,
    )
    assert part.entries[2].licence_from == FROM_FEED
    assert "CC BY 4.0 (the feed's licence)" in part.content
    assert Part.from_json(part.to_json()) == part

    empty = illustration_part("<p>No images.</p>", page_url=PAGE, feed="news", source_info=info)
    assert (empty.kind, empty.prompt, empty.entries) == (TO_WRITE, PROMPT_NONE, ())
    assert illustration_part(None, page_url=None, feed="news", source_info=None).kind == TO_WRITE


def test_entries_of_other_parts_keep_their_json_shape() -> None:
    from aggregator.stub_records import Entry

    data = Part("key_points", PREPARED, "x", entries=(Entry("x", start=0, end=1),)).to_json()
    assert data["entries"] == [{"text": "x", "start": 0, "end": 1}]


def test_every_image_credited_needs_no_prompt_and_each_line_says_what_who_and_where() -> None:
    html = (
        '<figure><img src="https://news.example/a.jpg" alt="Boats">'
        "<figcaption>Boats at dawn. Photo: Jane Roe/Reuters</figcaption></figure>"
    )
    part = illustration_part(html, page_url=PAGE, feed="news", source_info=None)
    assert part.kind == PREPARED
    assert part.prompt is None
    assert part.content == (
        "Boats at dawn. Photo: Jane Roe/Reuters — credit: Jane Roe/Reuters — "
        "© Reuters, all rights reserved — https://news.example/a.jpg"
    )
    (entry,) = part.entries
    assert (entry.source, entry.title, entry.licence_from) == ("news", "Boats", FROM_CREDIT)


def test_the_limit_caps_the_entries() -> None:
    html = "".join(
        f'<p><img src="https://news.example/{i}.jpg" alt="Image {i}"></p>' for i in range(5)
    )
    part = illustration_part(html, page_url=PAGE, feed="news", source_info=None, limit=2)
    assert [e.url for e in part.entries] == [
        "https://news.example/0.jpg",
        "https://news.example/1.jpg",
    ]


def test_licence_text_marks_the_feeds_licence_and_an_unknown_one() -> None:
    assert licence_text("CC BY 4.0", FROM_FEED) == "CC BY 4.0 (the feed's licence)"
    assert licence_text("CC BY 4.0", FROM_CREDIT) == "CC BY 4.0"
    assert licence_text(None, None) == "unknown (check before use)"
    assert licence_text(" CC\x00 BY\n 4.0 ", FROM_CREDIT) == "CC BY 4.0"  # as stored
    assert licence_text("  ", FROM_FEED) == "unknown (check before use)"
