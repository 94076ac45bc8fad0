from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.text.excerpt import feed_excerpt

ARTICLE = (
    "The harbour of Porto reopened on Monday after three days of storms. "
    "Fishermen said 40 boats were damaged and the council promised a fund.\n"
    "Engineers will inspect the cranes on the quay this week, the port authority said. "
    "The damage is put at 12 million euros."
)
WRITTEN = (
    "Porto's harbour is open again after the storms. The council has promised "
    "a fund for the fishermen whose boats were damaged."
)


def test_a_written_excerpt_gives_its_sentences_without_offsets() -> None:
    found = feed_excerpt(WRITTEN, ARTICLE, "en")
    assert [s.text for s in found] == [
        "Porto's harbour is open again after the storms.",
        "The council has promised a fund for the fishermen whose boats were damaged.",
    ]
    assert all(s.start is None and s.end is None for s in found)


def test_sentences_of_the_article_keep_their_offsets() -> None:
    excerpt = "The damage is put at 12 million euros. " + WRITTEN
    found = feed_excerpt(excerpt, ARTICLE, "en")
    first = found[0]
    assert first.start is not None
    assert first.end is not None
    assert ARTICLE[first.start : first.end] == first.text
    assert found[1].start is None


@pytest.mark.parametrize(
    "excerpt",
    [
        "The harbour of Porto reopened on Monday after three days of storms. Fishermen said "
        "40 boats were [...]",
        "The harbour of Porto reopened on Monday after three days of storms. Fishermen said "
        "40 boats were\u2026",
        "The harbour of Porto reopened on Monday after three days of storms. Fishermen said",
        "Continue reading \u2192",
        "Read more",
        "",
        None,
        "The post Harbour reopens appeared first on Example News.",
        "Photo by Jane Doe, published under a Creative Commons license.",
        "Storms.",
    ],
)
def test_cut_leads_prompts_and_scraps_are_not_excerpts(excerpt: str | None) -> None:
    assert feed_excerpt(excerpt, ARTICLE, "en") == []


def test_the_article_s_whole_first_sentences_are_an_excerpt_with_offsets() -> None:
    lead = (
        "The harbour of Porto reopened on Monday after three days of storms. "
        "Fishermen said 40 boats were damaged and the council promised a fund."
    )
    found = feed_excerpt(lead, ARTICLE, "en")
    assert [(s.start, s.end) for s in found] == [(0, 67), (68, 137)]


def test_footers_and_a_cut_last_sentence_are_dropped() -> None:
    excerpt = (
        WRITTEN + " Engineers are still looking at the cranes and [...] "
        "The post Harbour reopens appeared first on Example News."
    )
    found = feed_excerpt(excerpt, ARTICLE, "en")
    assert [s.text for s in found] == [
        "Porto's harbour is open again after the storms.",
        "The council has promised a fund for the fishermen whose boats were damaged.",
    ]
    with_prompt = feed_excerpt(WRITTEN + " Continue reading \u2192", ARTICLE, "en")
    assert [s.text for s in with_prompt] == [s.text for s in found]


def test_a_credit_inside_the_excerpt_is_left_out() -> None:
    excerpt = WRITTEN + " Photo by Jane Doe, published under a Creative Commons license."
    assert len(feed_excerpt(excerpt, ARTICLE, "en")) == 2


def test_the_whole_content_in_the_description_is_not_an_excerpt() -> None:
    content = " ".join(f"Sentence number {n} of the story says something new." for n in range(8))
    assert feed_excerpt(content, ARTICLE, "en") == []


@given(st.text(max_size=300), st.text(max_size=300))
def test_any_texts_give_sentences_found_where_they_say(excerpt: str, text: str) -> None:
    for sentence in feed_excerpt(excerpt, text, "en"):
        if sentence.start is not None:
            assert text[sentence.start : sentence.end] == sentence.text
