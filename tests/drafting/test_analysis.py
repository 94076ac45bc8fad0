from __future__ import annotations

import math

from aggregator.drafting.analysis import (
    INDEX_TERMS,
    analyse,
    figure_sentences,
    figure_sentences_of,
    in_language,
    index_terms,
    usable_sentences,
)
from aggregator.text.figures import carries_figures
from aggregator.text.sentences import split_sentences

STORY = (
    "The river rose 2.4 metres overnight and closed the port of Brod to shipping.\n"
    "Officials said the harbour would stay shut until Friday at the earliest.\n"
    "Farmers upstream reported that 3,500 hectares of maize were under water.\n"
    "The council approved an emergency fund of €4 million on Tuesday evening.\n"
    "Participei de pelo menos três atos este ano em que a Rede foi importante para a "
    "organização, difusão e transmissão das notícias da cidade.\n"
    "Engineers inspected the old dam and said it was safe but needed repairs.\n"
    "Residents were asked to keep away from the embankments until the water falls.\n"
    "About 15% of the fund will go to repairing the dam, the mayor said.\n"
)


def test_offsets_point_into_the_text_and_quotes_in_another_language_are_skipped() -> None:
    analysis = analyse(
        STORY, "Floods close the port", "en", None, summary_sentences=3, key_point_count=3
    )
    assert analysis.language == "en"
    chosen = (*analysis.summary, *analysis.key_points, *analysis.figures)
    for entry in chosen:
        assert entry.start is not None
        assert entry.end is not None
        assert STORY[entry.start : entry.end] == entry.text
        assert "Participei" not in entry.text
    assert len(analysis.summary) == 3
    assert len(analysis.key_points) == 3
    starts = [e.start for e in analysis.figures]
    assert starts == sorted(starts)
    assert len(starts) >= 4
    assert all(carries_figures(e.text) for e in analysis.figures)


def test_figure_sentences_not_shown_elsewhere_come_first() -> None:
    sentences = split_sentences(STORY, "en")
    with_figures = [s for s in sentences if carries_figures(s.text)]
    shown = {with_figures[0].start, with_figures[1].start}
    chosen = figure_sentences(sentences, 2, shown=shown)
    assert {e.start for e in chosen}.isdisjoint(shown)


def test_the_feed_language_is_only_a_hint() -> None:
    assert analyse(STORY, None, None, "fr", summary_sentences=3, key_point_count=3).language == "en"
    assert (
        analyse("Short.", None, None, "fr", summary_sentences=3, key_point_count=3).language == "fr"
    )


def test_foreign_sentences_are_told_by_their_stop_words() -> None:
    assert not in_language(STORY.splitlines()[4], "en")
    assert in_language(STORY.splitlines()[0], "en")
    assert in_language("Short quote in any language.", "en")
    assert in_language(STORY.splitlines()[4], None)


def test_index_terms_are_unit_length_and_favour_the_title() -> None:
    weights = index_terms(STORY, "Dam", "en")
    assert math.isclose(math.sqrt(sum(w * w for w in weights.values())), 1.0, abs_tol=1e-4)
    assert max(weights, key=lambda t: weights[t]) == "dam"
    assert len(weights) <= INDEX_TERMS


def test_fragments_and_lead_ins_are_not_quoted_but_japanese_sentences_are() -> None:
    text = (
        "東京都は12日、新しい防災計画を発表した。計画では58.4%の住宅が対象となる。はい。\n"
        "Miguel Angel Tavera pe1us0:\nThe council met on Monday to vote on it."
    )
    assert [s.text for s in usable_sentences(text, None)] == [
        "東京都は12日、新しい防災計画を発表した。",
        "計画では58.4%の住宅が対象となる。",
        "The council met on Monday to vote on it.",
    ]


def test_figures_of_a_related_article_skip_its_quotations_in_another_language() -> None:
    chosen = figure_sentences_of(STORY, "en", 10)
    assert chosen
    assert all("Participei" not in e.text for e in chosen)


def test_a_quotation_in_another_language_with_short_words_in_common_is_told_apart() -> None:
    spanish = (
        "Entre Brack, que ya se vendió descaradamente, y Pizango, a quien no le importa mandar a "
        "su gente a que la maten mientras él se esconde, no veo ninguna posibilidad de acuerdo."
    )
    english = (
        "As a result, more than 2,000 indigenous residents have been blockading the highway in "
        "the area of Devil's Curve for the past week and a half, according to Enlace Nacional."
    )
    assert not in_language(spanish, "en")
    assert in_language(english, "en")
    assert in_language(spanish, "es")


def test_short_sentences_in_another_language_or_script_are_not_usable() -> None:
    assert not in_language("El DL 1090 no lo ha sido.", "en")
    assert not in_language("那只是立法會內交通事務委員會之下的鐵路事宜小組委員會會議決定。", "en")
    assert not in_language("فهل من مجيب؟", "en")
    assert in_language("He was a man of vision.", "en")
    assert in_language("La Paz is the capital of Bolivia.", "en")
    assert in_language("El DL 1090 no lo ha sido.", "es")
    assert in_language("東京都は計画を発表した。", "ja")
    text = STORY + "El DL 1090 no lo ha sido.\n"
    assert "El DL 1090 no lo ha sido." not in [s.text for s in usable_sentences(text, "en")]


EXCERPT = (
    "Floods closed the port of Brod and put thousands of hectares of maize under water. "
    "The council has set up an emergency fund."
)


def test_a_real_excerpt_opens_the_summary_and_key_points_do_not_repeat_it() -> None:
    analysis = analyse(
        STORY, None, "en", None, summary_sentences=3, key_point_count=3, excerpt=EXCERPT
    )
    first, second, third = analysis.summary
    assert (first.text, first.start, first.end) == (
        "Floods closed the port of Brod and put thousands of hectares of maize under water.",
        None,
        None,
    )
    assert (second.text, second.start) == ("The council has set up an emergency fund.", None)
    assert third.start is not None
    assert STORY[third.start : third.end] == third.text
    assert analysis.summary_by.startswith("the feed's excerpt")
    assert "no offsets" in analysis.summary_by
    shown = {e.start for e in analysis.summary}
    assert not [e for e in analysis.key_points if e.start in shown]
    assert all("emergency fund" not in e.text for e in analysis.key_points)


def test_a_cut_lead_in_the_feed_is_not_used() -> None:
    cut = STORY[:120] + " [...]"
    without = analyse(STORY, None, "en", None, summary_sentences=3, key_point_count=3)
    analysis = analyse(STORY, None, "en", None, summary_sentences=3, key_point_count=3, excerpt=cut)
    assert analysis.summary == without.summary
    assert analysis.summary_by == "extractive summary of the source"
