from __future__ import annotations

import subprocess
import sys

import pytest

from aggregator.articles.language import detect_language

SAMPLES = {
    "en": (
        "The city council met on Tuesday evening to discuss the new budget for public "
        "libraries, and several residents asked why the opening hours had been cut again."
    ),
    "fr": (
        "Le conseil municipal s'est réuni mardi soir pour discuter du nouveau budget des "
        "bibliothèques publiques, et plusieurs habitants ont demandé pourquoi les horaires "
        "avaient encore été réduits."
    ),
    "es": (
        "El ayuntamiento se reunió el martes por la noche para discutir el nuevo presupuesto "
        "de las bibliotecas públicas, y varios vecinos preguntaron por qué se habían vuelto "
        "a recortar los horarios."
    ),
    "pt": (
        "A câmara municipal reuniu-se na terça-feira à noite para discutir o novo orçamento "
        "das bibliotecas públicas, e vários moradores perguntaram por que os horários tinham "
        "sido cortados outra vez."
    ),
    "ja": (
        "市議会は火曜日の夜に会合を開き、公共図書館の新しい予算について話し合った。"
        "何人かの住民は、なぜ開館時間が再び短縮されたのかと質問した。"
    ),
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_detects_the_language_of_a_few_sentences(language: str) -> None:
    detected, probability = detect_language(SAMPLES[language])
    assert detected == language
    assert 0.5 < probability <= 1.0


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Hello there.", "12345 67890 !!! ???", "OK " * 12, "市議会は火曜日"],
)
def test_too_short_to_tell(text: str) -> None:
    assert detect_language(text) == (None, 0.0)


def test_a_long_text_is_sampled() -> None:
    detected, probability = detect_language(SAMPLES["fr"] * 2_000)
    assert detected == "fr"
    assert probability > 0.9


def test_the_model_is_not_loaded_at_import() -> None:
    code = (
        "import sys, aggregator.articles.language as l\n"
        "print('py3langid' in sys.modules, l._identifier is None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "True"]


def test_an_english_report_quoting_chinese_is_english() -> None:
    english = (
        "On the fourth of June more than a hundred thousand citizens gathered in the park to "
        "remember the events of that year, and the newspapers were divided on how to report it."
    )
    quote = "六四事件二十周年，香港维多利亚公园烛光悼念晚会。"  # noqa: RUF001
    text = "\n\n".join([english, quote * 3, english, quote * 3])
    assert detect_language(text)[0] == "en"
