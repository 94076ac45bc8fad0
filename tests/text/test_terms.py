from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.text.terms import (
    cosine,
    language_code,
    name_terms,
    stop_words,
    term_vector,
    terms,
)


@pytest.mark.parametrize(
    ("language", "text", "gone"),
    [
        ("en", "The mayor and the council were in the town hall", {"the", "and", "were", "in"}),
        ("fr", "Le maire et les conseillers sont dans la mairie", {"le", "et", "les", "dans"}),
        ("es", "El alcalde y los concejales están en el ayuntamiento", {"el", "los", "en"}),
        ("de", "Der Bürgermeister und die Räte sind im Rathaus", {"der", "und", "die", "im"}),
        ("pt", "O prefeito e os vereadores estão na prefeitura", {"os", "na"}),
        ("it", "Il sindaco e i consiglieri sono nel municipio", {"il", "sono", "nel"}),
    ],
)
def test_stop_words_are_left_out(language: str, text: str, gone: set[str]) -> None:
    found = terms(text, language)
    assert found
    assert not gone & set(found)
    assert gone <= stop_words(language)


def test_words_are_lowercased_and_stemmed_for_the_language() -> None:
    assert terms("Churches", "en") == terms("church", "en") == ["church"]
    assert terms("running runs", "en") == ["run", "run"]
    assert terms("continuaient", "fr") == terms("continuait", "fr")
    assert terms("Häuser", "de") == terms("Haus", "de")


def test_a_language_without_a_stemmer_keeps_words_whole() -> None:
    assert terms("Churches running", "xx") == ["churches", "running"]


def test_an_unknown_language_drops_every_stop_list_but_stems_nothing() -> None:
    assert terms("The churches und die Häuser", None) == ["churches", "häuser"]


def test_region_tags_and_case_name_the_same_language() -> None:
    assert language_code("en-GB") == language_code("EN_us") == "en"
    assert language_code("") is None
    assert terms("The churches", "en-GB") == terms("The churches", "en") == ["church"]


def test_apostrophes_and_single_letters_do_not_make_terms() -> None:
    assert terms("The bishop's churches don't", "en") == ["bishop", "church"]
    assert terms("l'église", "fr") == terms("église", "fr")


def test_figures_are_terms() -> None:
    assert "2024" in terms("In 2024 the budget grew", "en")


def test_japanese_runs_give_character_bigrams() -> None:
    assert terms("東京都", "ja") == ["東京", "京都"]


def test_hiragana_only_bigrams_are_grammar_and_left_out() -> None:
    found = terms("計画を発表しました", "ja")
    assert "計画" in found
    assert "発表" in found
    assert not [term for term in found if all("\u3040" <= c <= "\u309f" for c in term)]


def test_chinese_runs_give_character_bigrams_and_a_lone_character_stands_alone() -> None:
    assert terms("北京市政府", "zh") == ["北京", "京市", "市政", "政府"]
    assert terms("猫", "zh") == ["猫"]


def test_latin_words_inside_cjk_text_are_words() -> None:
    found = terms("アップルはiPhone 15を発表した", "ja")
    assert "iphone" in found
    assert "15" in found
    assert "発表" in found


def test_fullwidth_latin_is_read_as_latin() -> None:
    assert terms("\uff2e\uff21\uff34\uff2f", "en")  # fullwidth NATO == ["nato"]


def test_term_vector_is_log_scaled_term_frequency() -> None:
    vector = term_vector("council council council budget", "en")
    assert vector["budget"] == 1.0
    assert vector["council"] == pytest.approx(1.0 + math.log(3))


def test_cosine() -> None:
    a = term_vector("council budget vote", "en")
    b = term_vector("council budget", "en")
    assert cosine(a, a) == pytest.approx(1.0)
    assert 0.0 < cosine(a, b) < 1.0
    assert cosine(a, b) == pytest.approx(cosine(b, a))
    assert cosine(a, term_vector("river flood", "en")) == 0.0
    assert cosine(a, {}) == 0.0


@given(
    st.text(max_size=200),
    st.sampled_from([None, "", "en", "fr", "de", "es", "pt", "it", "ja", "zh", "ru", "xx"]),
)
def test_terms_never_fail_and_are_lowercase_and_never_empty(
    text: str, language: str | None
) -> None:
    found = terms(text, language)
    assert all(term and term == term.lower() for term in found)
    assert all(weight >= 1.0 for weight in term_vector(text, language).values())


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Fed's Charles Plosser sees high bar for change", {"charl", "plosser"}),
        ("US Open: Stocks Fall After Fed Official Hints At Faster Taper", set()),
        ("The IMF met in Lima on Monday.", {"imf", "lima", "monday"}),
        ("Flight MH370 carried 239 people.", {"mh370", "239"}),
        ("Der Hund bellt laut in Berlin.", set()),
        ("THE WHOLE LINE IS CAPITALS", set()),
    ],
)
def test_name_terms(text: str, names: set[str]) -> None:
    language = "de" if text.startswith("Der") else "en"
    assert name_terms(text, language) == names
