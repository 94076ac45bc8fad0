"""Entries from stubs: stable ids, credited authors, safe links and text XML can carry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aggregator.digest.model import category_slug, entry_id, entry_of, feed_id, xml_text
from aggregator.drafting.render import render_html
from aggregator.stub_records import PREPARED, Part
from tests.drafting.examples import TITLE_JA, example_stub, in_language, with_part


def test_entry_ids_are_stable_and_distinct() -> None:
    first = entry_id("one", "g1", "https://e.org/1", 1)
    assert first == entry_id("one", "g1", "https://e.org/other", 99)
    assert first.startswith("urn:uuid:")
    assert len({first, entry_id("two", "g1", None, 1), entry_id("one", "g2", None, 1)}) == 3
    assert entry_id("one", None, "https://e.org/1", 5) == entry_id(
        "one", None, "https://e.org/1", 6
    )
    assert entry_id("one", None, None, 5) != entry_id("one", None, None, 6)
    assert feed_id("http://h", None) != feed_id("http://h", "world")
    assert feed_id("http://h", None) == feed_id("http://h", None)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("World", "world"),
        ("Digital and AI", "digital-and-ai"),
        ("  Human Rights / Law ", "human-rights-law"),
        ("Économie", "economie"),
    ],
)
def test_category_slugs(name: str, slug: str) -> None:
    assert category_slug(name) == slug


def test_slugs_of_names_with_letters_ascii_cannot_spell_stay_apart() -> None:
    japanese, mixed = category_slug("経済"), category_slug("経済 AI")
    assert japanese.isascii()
    assert japanese.isalnum()
    assert mixed.startswith("ai-")
    assert mixed != category_slug("AI")
    assert category_slug("政治") != japanese


def test_xml_text_drops_what_xml_forbids() -> None:
    assert xml_text("a\x00b\x07c\x1b\ufffed\ud800e\tf\ng") == "abcde\tf\ng"
    assert xml_text("日本語 \U0001f600") == "日本語 \U0001f600"


def test_an_entry_has_the_stub_and_its_article() -> None:
    stub = in_language(example_stub(), "ja")
    entry = entry_of(stub, {})
    assert entry.title == TITLE_JA
    assert entry.url == stub.url
    assert entry.author == "Example Author"
    assert entry.category == "Digital and AI"
    assert entry.published == datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
    assert entry.updated == stub.updated_at
    assert entry.content_html == render_html(stub)
    assert entry.summary is not None
    assert entry.summary.startswith("2025年初頭")
    assert entry.language == "ja"


def test_authors_and_dates_fall_back() -> None:
    stub = example_stub(author=None, published=None)
    assert entry_of(stub, {"globalvoices": "Global Voices"}).author == "Global Voices"
    assert entry_of(stub, {}).author == "globalvoices"
    assert entry_of(stub, {}).published == stub.drafted_at


def test_unsafe_links_are_left_out_and_an_empty_title_is_filled() -> None:
    stub = with_part(example_stub(url="javascript:alert(1)"), Part("title", PREPARED, "  "))
    entry = entry_of(stub, {})
    assert entry.url is None
    assert entry.title == "Stub 42"
    hostile = with_part(example_stub(), Part("title", PREPARED, "a\x00\n b\x1b"))
    assert entry_of(hostile, {}).title == "a b"
