from __future__ import annotations

import json
import re
from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.text.credits import is_furniture_sentence as is_furniture
from aggregator.text.sentences import Sentence, split_sentences
from aggregator.text.summarise import Pick, is_key_point, key_points, summarise
from tests.shared_data import require_shared

FURNITURE = [
    "By Jane Doe and John Roe, Reuters",
    "Updated 10:42 GMT, 3 March 2024",
    "PUBLISHED: 14:11 EST, 25 October 2013",
    "07:21 EST, 28 December 2012 .",
    "Scroll down for video.",
    "Follow @janedoe on Twitter for more updates from the council chamber.",
    "Click here to sign up for our daily newsletter about local politics.",
    "Read more: Council approves the new bridge after a long debate.",
    "Photo: Reuters / Jane Doe, taken at the council meeting last week",
    "he said.",
    "said Mr Smith on Tuesday.",
    "The council said.",
    "LIVERPOOL WRAP UP MORENO DEAL .",
    "It was late.",
]
CONTENT = [
    "By the end of the day the rebels had taken the city and the airport.",
    "Nabil Fahmy said Egypt will hold elections in the spring.",
    "The council approved a budget of 12 million euros for the new bridge on Tuesday.",
    "The restaurant 北京 opened in Soho on Monday with a long queue outside.",
    "東京都は新しい防災計画を発表しました。",
]
ARTICLE = [
    "By Jane Doe",
    "Updated 10:42 GMT, 3 March 2024",
    "It is the kind of morning every commuter in the valley dreads.",
    "The Riverside Bridge in Millbrook was closed on Monday after engineers found cracks "
    "in two of its steel supports.",
    "About 40,000 drivers a day use the bridge, which links the town centre to the "
    "Eastgate industrial estate.",
    "Scroll down for video",
    "Mayor Alice Grant said the bridge would stay closed for at least six weeks while the "
    "supports are repaired.",
    "Engineers from Hartley Structures found the cracks in the supports during a routine "
    "inspection of the bridge last week.",
    "Photo: Millbrook Council",
    "A temporary ferry will carry cyclists and pedestrians across the river from Wednesday.",
    '"We are doing everything we can," she said.',
    "Buses will be diverted through Oldfield, adding about 20 minutes to most journeys.",
    "The bridge was opened in 1968 and was last repaired in 2009.",
    "Local businesses on Eastgate Road fear they will lose customers during the closure.",
    "Follow @millbrooknews on Twitter",
    "The council will hold a public meeting about the closure on Thursday evening.",
]


def build(texts: list[str]) -> tuple[str, list[Sentence]]:
    """An article made of the given sentences, with the offsets a splitter would give."""
    sentences: list[Sentence] = []
    position = 0
    for text in texts:
        sentences.append(Sentence(position, position + len(text), text))
        position += len(text) + 1
    return " ".join(texts), sentences


def assert_traceable(text: str, sentences: list[Sentence], picks: list[Pick]) -> None:
    for pick in picks:
        assert sentences[pick.index] is pick.sentence
        assert text[pick.sentence.start : pick.sentence.end] == pick.sentence.text


@pytest.mark.parametrize("text", FURNITURE)
def test_furniture_is_recognised(text: str) -> None:
    assert is_furniture(text)


@pytest.mark.parametrize("text", CONTENT)
def test_content_is_not_furniture(text: str) -> None:
    assert not is_furniture(text)


@pytest.mark.parametrize("count", [3, 4, 5])
def test_summary_has_count_sentences_in_text_order_traceable_and_no_furniture(
    count: int,
) -> None:
    text, sentences = build(ARTICLE)
    picks = summarise(sentences, "en", count)
    assert len(picks) == count
    assert [pick.index for pick in picks] == sorted({pick.index for pick in picks})
    assert_traceable(text, sentences, picks)
    assert not [pick for pick in picks if is_furniture(pick.sentence.text)]


def test_summary_leads_with_the_news_rather_than_the_scene_setter() -> None:
    _, sentences = build(ARTICLE)
    chosen = {pick.index for pick in summarise(sentences, "en")}
    assert 3 in chosen  # "The Riverside Bridge in Millbrook was closed on Monday ..."
    assert 2 not in chosen  # "It is the kind of morning every commuter in the valley dreads."


def test_a_repeated_sentence_is_picked_once() -> None:
    repeated = ARTICLE[3]
    _, sentences = build([ARTICLE[3], ARTICLE[4], repeated, *ARTICLE[6:]])
    picks = summarise(sentences, "en", 5)
    assert Counter(pick.sentence.text for pick in picks)[repeated] == 1


def test_a_near_duplicate_caption_is_not_picked_beside_its_sentence() -> None:
    caption = "Mayor Alice Grant (pictured) said the bridge would stay closed for six weeks."
    _, sentences = build([*ARTICLE[3:7], caption, *ARTICLE[7:]])
    texts = [pick.sentence.text for pick in summarise(sentences, "en", 5)]
    assert not (ARTICLE[6] in texts and caption in texts)


def test_empty_and_furniture_only_articles_have_no_summary() -> None:
    assert summarise([], "en") == []
    assert key_points([], "en") == []
    _, sentences = build(FURNITURE)
    assert summarise(sentences, "en") == []


def test_a_short_article_gives_what_it_has() -> None:
    text, sentences = build([ARTICLE[0], ARTICLE[3], ARTICLE[5], ARTICLE[6]])
    picks = summarise(sentences, "en")
    assert [pick.index for pick in picks] == [1, 3]
    assert_traceable(text, sentences, picks)
    assert key_points(sentences, "en") == []  # nothing left that the summary does not say


def test_key_points_are_other_sentences_than_the_summary() -> None:
    text, sentences = build(ARTICLE)
    summary = summarise(sentences, "en")
    points = key_points(sentences, "en")
    assert len(points) == 4
    assert not {p.index for p in points} & {p.index for p in summary}
    assert [p.index for p in points] == sorted(p.index for p in points)
    assert_traceable(text, sentences, points)
    assert not [p for p in points if is_furniture(p.sentence.text)]


def test_key_points_avoid_the_summary_they_are_given() -> None:
    _, sentences = build(ARTICLE)
    longer = summarise(sentences, "en", 5)
    points = key_points(sentences, "en", 3, summary=longer)
    assert len(points) == 3
    assert not {p.index for p in points} & {p.index for p in longer}


def test_key_points_never_repeat_the_summary_even_when_the_article_is_short() -> None:
    _, sentences = build(ARTICLE[3:8])
    summary = summarise(sentences, "en")
    points = key_points(sentences, "en", 4, summary=summary)
    assert len(points) == 1
    assert not {p.index for p in points} & {p.index for p in summary}


def test_with_the_sentence_splitter_and_no_language() -> None:
    text = " ".join(ARTICLE)
    sentences = split_sentences(text)
    picks = summarise(sentences, None)
    assert len(picks) == 3
    assert_traceable(text, sentences, picks)


def test_japanese_article() -> None:
    text = (
        "東京都は新しい防災計画を発表しました。"
        "計画では、首都直下地震に備えて避難所を二千か所に増やします。"
        "\n写真\uff1a東京都庁\n"
        "都によりますと、避難所の整備には五年かかる見通しです。"
        "防災計画は来月の都議会で審議される予定です。"
        "はい。"
    )
    sentences = split_sentences(text, "ja")
    picks = summarise(sentences, "ja")
    assert "写真\uff1a東京都庁" in [s.text for s in sentences]
    assert len(picks) == 3
    assert_traceable(text, sentences, picks)
    assert not [p for p in picks if "写真" in p.sentence.text or p.sentence.text == "はい。"]


@given(st.lists(st.text(max_size=80), max_size=12), st.integers(min_value=0, max_value=6))
def test_picks_are_valid_whatever_the_sentences(texts: list[str], count: int) -> None:
    text, sentences = build(texts)
    for picks in (summarise(sentences, "en", count), key_points(sentences, None, count)):
        indices = [pick.index for pick in picks]
        assert len(indices) <= count
        assert indices == sorted(set(indices))
        assert_traceable(text, sentences, picks)


# Daily Mail byline and timestamp fragments ("By . Name . PUBLISHED: . 14:11 EST, ... .").
_BYLINE = re.compile(
    r"^\s*(?:By \. [^.]{1,80}? \. (?:and [^.]{1,80}? \. )*)?"
    r"(?:(?:PUBLISHED|UPDATED): \. [^.]{1,60}? \. (?:\| \. )?)*"
    r"(?:Last updated at [^.]{1,60}? \. )?"
)


def _bigrams(text: str) -> Counter[tuple[str, str]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return Counter(pairwise(words))


def _rouge2(reference: str, summary: str) -> float:
    ref, hyp = _bigrams(reference), _bigrams(summary)
    overlap = sum((ref & hyp).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(hyp.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.shared
def test_news_summaries_score_at_least_the_first_three_sentences_on_rouge_2() -> None:
    pairs = json.loads(
        require_shared("summaries/cnndm_train_sample_100.json").read_text(encoding="utf-8")
    )
    ours = lead = 0.0
    for pair in pairs:
        sentences = split_sentences(_BYLINE.sub("", pair["article"], count=1), "en")
        picks = summarise(sentences, "en", 3)
        assert len(picks) == 3
        ours += _rouge2(pair["highlights"], " ".join(p.sentence.text for p in picks))
        lead += _rouge2(pair["highlights"], " ".join(s.text for s in sentences[:3]))
    assert ours >= lead


@pytest.mark.parametrize(
    ("text", "worthy"),
    [
        (
            "The Riverside Bridge in Millbrook was closed on Monday after engineers found cracks.",
            True,
        ),
        ('"We are doing everything we can to reopen it," Mayor Alice Grant said on Monday.', True),
        ("In fact, it is already going pretty badly.", False),  # filler
        ("Stop war and live in peace.", False),  # a chant: too short to state anything
        ("Do you consult the people who live along the river before you close it?", False),
        ("Even the mayor has been blamed for the cracks in the steel supports!", False),
        ("1) Return the palm tree to the storage area behind the town hall.", False),
        ("- I do not want to discuss whether the bridge was well built or not at all.", False),
        ("Now is the time for the council to speak with one voice about the bridge.”", False),
        ("“The bridge will stay closed for six weeks while the supports are repaired.", False),
        ("“The bridge will stay closed for six weeks while the supports are repaired.”", False),
        ("東京都は12日、新しい防災計画を発表し、住宅の耐震化を進めると説明した。", True),
    ],
)
def test_key_points_are_whole_declarative_informative_sentences(text: str, worthy: bool) -> None:
    assert is_key_point(text, "en" if text.isascii() or "“" in text else "ja") is worthy


def test_key_points_skip_questions_chants_filler_and_sentences_repeating_the_summary() -> None:
    texts = [
        *ARTICLE,
        "Do you think the council will find the money for the repairs in time?",
        "In fact, it is already going pretty badly.",
        "Stop war and live in peace.",
        "The Riverside Bridge in Millbrook was closed on Monday because engineers found cracks.",
    ]
    _, sentences = build(texts)
    summary = summarise(sentences, "en")
    points = key_points(sentences, "en", 5, summary=summary)
    chosen = [p.sentence.text for p in points]
    assert len(chosen) == 5
    assert not set(texts[-4:]) & set(chosen)
    assert all(is_key_point(text, "en") for text in chosen)


def test_key_points_do_not_repeat_given_sentences_from_the_feed() -> None:
    _, sentences = build(ARTICLE)
    feed = ["Engineers found cracks in two steel supports of the Riverside Bridge in Millbrook."]
    summary = summarise(sentences, "en", 2, given=feed)
    assert all("cracks" not in p.sentence.text for p in summary)
    points = key_points(sentences, "en", 4, summary=summary, given=feed)
    assert all("cracks" not in p.sentence.text for p in points)
