from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.text.credits import (
    is_caption,
    is_credit_line,
    is_furniture_sentence,
    is_whole_sentence,
)

CREDITS = [
    "Photo by Jane Doe, published under a Creative Commons license.",
    "Art: Ana Lima and Rui Costa",
    "Illustration: the newsroom's graphics desk.",
    "Market day in Lagos, Image by jdoe from Flickr (cc licensed)",
    "Picture by Someone (Wikimedia Commons author), used under a public domain license.",
    "Photo of a harbour crane by Flickr user portfan, published under a Creative Commons license",
    '"Candles for the victims" by Flickr user somebody, CC BY-SA 2.0',
    "Courtesy of the city archive.",
    "© 2024 Example Media. All rights reserved.",
    "By Jane Doe and John Roe, Reuters",
    "This post was written in collaboration with Omar.",
    "Three colleagues have collaborated with this post.",
    "The illustration used in this post was kindly given by the artist.",
    "Cross-posted at Harbourblog, my blog on ports and people.",
    "Originally published on the author's own site.",
    "Translated by Maria Silva.",
    "Signs at the march, by @harbourphotos",
]
CAPTIONS = [
    "Picture message sent by a supporter from Lisbon",
    "Harbour picture for the fishermen's guild, taken at dawn on the quay.",
    "Photo of the flooded square showing the town hall.",
]
PROMPTS_AND_NAVIGATION = [
    "Share this on Facebook and Twitter with your friends.",
    "Subscribe to our newsletter for the week's best stories.",
    "Continue reading the rest of this story on our site.",
    "Home > World > Europe > Portugal",
    "Other related articles:",
    "Read more: the harbour plan explained in five charts.",
    "Sign up for our daily briefing and never miss a story.",
    "Comments (12) are closed for this article now.",
    "The post Harbour reopens appeared first on Example News.",
    "harbour_crane_2024.jpg shows the new crane on the quay.",
]
HEADINGS_AND_FRAGMENTS = [
    "Eagerly awaited",
    "The harbour and its future",
    "stop the closure and save our jobs",  # a chant on a line of its own
    "A list of links - the harbour story so far",
    "It was late.",
    "HARBOUR REOPENS AFTER STORM .",
    "he said.",
]
STORY = [
    "The harbour of Porto reopened on Monday after three days of storms.",
    "Fishermen said 40 boats were damaged and the council promised a fund.",
    "Video footage shot by a witness shows the crane falling into the water.",
    "The photo of the flooded square was shared 20,000 times on Sunday.",
    "A report by the port authority puts the damage at 12 million euros.",
    "The mayor asked residents to share their photos with the emergency services.",
    '"We will rebuild the quay by spring," the mayor said.',
    "東京都は新しい防災計画を発表しました。",
    "By the end of the day the rebels had taken the city and the airport.",
    "Still from the port, a user on Twitter suggests that the crane needs inspecting.",
    "She added: 'As soon as the boats arrive, we will start the repairs.'",
    "A recent expos\u00c3\u00a9 explains how the port company reported losses each year.",
    "Using a map of the coast, the engineer's image of the storm helped plan the repairs.",
]
LABEL_CAPTIONS = [
    "Retread: the minister with his wife on the quay yesterday.",
    "Last embrace: a fisherman with his boat in its last moments .",
]


@pytest.mark.parametrize("text", CREDITS)
def test_credits_are_credit_lines_and_furniture(text: str) -> None:
    assert is_credit_line(text)
    assert is_furniture_sentence(text)


@pytest.mark.parametrize("text", CAPTIONS + LABEL_CAPTIONS)
def test_captions_are_recognised(text: str) -> None:
    assert is_caption(text)
    assert is_furniture_sentence(text)


@pytest.mark.parametrize("text", PROMPTS_AND_NAVIGATION + HEADINGS_AND_FRAGMENTS)
def test_prompts_navigation_headings_and_fragments_are_furniture(text: str) -> None:
    assert is_furniture_sentence(text)


@pytest.mark.parametrize("text", STORY)
def test_story_sentences_are_not_furniture(text: str) -> None:
    assert not is_credit_line(text)
    assert not is_caption(text)
    assert not is_furniture_sentence(text)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("The harbour reopened.", True),
        ('"We will rebuild," she said.', True),
        ("Will the harbour reopen?", True),
        ("They said: “we will rebuild.”", True),
        ("東京都は計画を発表した。", True),
        ("Eagerly awaited", False),
        ("The list of the harbour's ships:", False),
        ("", False),
    ],
)
def test_whole_sentences_end_with_closing_punctuation(text: str, whole: bool) -> None:
    assert is_whole_sentence(text) is whole


@given(st.text(max_size=400))
def test_any_text_is_judged_without_error(text: str) -> None:
    assert isinstance(is_furniture_sentence(text), bool)
    assert isinstance(is_credit_line(text), bool)
