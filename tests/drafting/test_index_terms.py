"""What indexes an article for related search: its own language's words, names, links."""

from __future__ import annotations

from aggregator.drafting.analysis import (
    FALLBACK_LANGUAGE,
    index_terms,
    own_language,
    term_language,
)
from aggregator.text.links import LINK_PREFIX

QUOTED = (
    "Protesters blocked the highway near Bagua for two months. "
    "Según el gobierno, la policía no tenía armas y los indígenas que estaban en la carretera "
    "atacaron primero a los agentes de la policía en la curva del diablo. "
    "The government said officers were unarmed."
)


def test_sentences_in_another_language_do_not_index_an_article() -> None:
    text = own_language(QUOTED, "en")
    assert "Bagua" in text
    assert "unarmed" in text
    assert "policía" not in text
    weights = index_terms(text, "Clashes in Peru", "en")
    assert not {"el", "la", "que", "los"} & set(weights)


def test_a_headline_too_short_to_identify_makes_the_same_terms_as_its_neighbours() -> None:
    headline = "Fed official says weak data caused by weather"
    assert term_language(headline, "pcm", None) == FALLBACK_LANGUAGE
    assert term_language(headline, None, "fr") == "fr"  # the feed's word, when it has one
    assert term_language("日本の報道によれば", None, None) is None
    long_french = "Le gouvernement a annoncé de nouvelles mesures pour les agriculteurs. " * 6
    assert term_language(long_french, "fr", "en") == "fr"


def test_names_weigh_more_and_links_are_terms_of_their_own() -> None:
    weights = index_terms(
        "The talks in Lima ended. The talks were long.", None, "en", ["e.org/report"]
    )
    assert weights["lima"] > weights["end"]
    assert weights[LINK_PREFIX + "e.org/report"] == 1.0
    words = {t: w for t, w in weights.items() if not t.startswith(LINK_PREFIX)}
    assert abs(sum(w * w for w in words.values()) - 1.0) < 1e-4
