"""split_sentences: the Japanese gold set, Latin-script rules, offsets and pathological input."""

# ruff: noqa: RUF001 - full-width punctuation is what these tests feed in
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.text.sentences import Sentence, split_sentences
from tests.shared_data import require_shared


def texts(text: str, language: str | None = None) -> list[str]:
    return [sentence.text for sentence in split_sentences(text, language)]


@pytest.mark.shared
def test_japanese_gold_sentences() -> None:
    cases = json.loads(require_shared("nlp-eval/ja_news_sentences.json").read_text("utf-8"))
    gold = [sentence for case in cases for sentence in case["gold"]]
    found = [sentence for case in cases for sentence in texts(case["text"], "ja")]
    exact = sum(1 for sentence in gold if sentence in found)
    assert len(gold) == 36
    assert exact == 36, [(case["gold"], texts(case["text"], "ja")) for case in cases]
    assert all(texts(case["text"], None) == case["gold"] for case in cases)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("これはペンです。それはマーカーです。", ["これはペンです。", "それはマーカーです。"]),
        ("彼は「行く。」と言った。次だ。", ["彼は「行く。」と言った。", "次だ。"]),
        ("すごい!次は何?", ["すごい!", "次は何?"]),
        ("Yahoo!ニュースによると、雨だ。", ["Yahoo!ニュースによると、雨だ。"]),
        ("他说：“我们明天走。”然后离开了。", ["他说：“我们明天走。”", "然后离开了。"]),
        ("今日は晴れ。 Tomorrow it rains.", ["今日は晴れ。", "Tomorrow it rains."]),
        (
            "詳細は（https://example.jp/?q=1&x=2!）を参照。以上。",
            ["詳細は（https://example.jp/?q=1&x=2!）を参照。", "以上。"],
        ),
        ("彼は（多分。）来ない。", ["彼は（多分。）来ない。"]),
    ],
)
def test_cjk_rules(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ('He said "Stop." Then he left.', "en", ['He said "Stop."', "Then he left."]),
        ('"Stop," he said. "Now."', "en", ['"Stop," he said.', '"Now."']),
        (
            "Mr. Smith met Dr. Jones and Prof. Lee in St. Louis. They talked.",
            "en",
            ["Mr. Smith met Dr. Jones and Prof. Lee in St. Louis.", "They talked."],
        ),
        (
            "J. K. Rowling wrote it. It sold well.",
            "en",
            ["J. K. Rowling wrote it.", "It sold well."],
        ),
        (
            "Growth was 3.5 per cent. Version 2.0.1 shipped.",
            "en",
            ["Growth was 3.5 per cent.", "Version 2.0.1 shipped."],
        ),
        ("The U.S. Senate voted. It passed.", "en", ["The U.S. Senate voted.", "It passed."]),
        (
            "He moved to the U.S. The rest followed.",
            "en",
            ["He moved to the U.S.", "The rest followed."],
        ),
        (
            "Apple Inc. said so. Acme Ltd. The firm grew.",
            "en",
            ["Apple Inc. said so.", "Acme Ltd.", "The firm grew."],
        ),
        (
            "Fruit, nuts, etc. are sold. We buy apples, pears, etc. The shop closes.",
            "en",
            ["Fruit, nuts, etc. are sold.", "We buy apples, pears, etc.", "The shop closes."],
        ),
        ("Use e.g. Python or i.e. Rust. Fine.", "en", ["Use e.g. Python or i.e. Rust.", "Fine."]),
        ("See No. 5 on Jan. 12 and p. 4. Next.", "en", ["See No. 5 on Jan. 12 and p. 4.", "Next."]),
        (
            "Gen. Smith and Sen. Brown met Gov. Li. Rep. Wu came too.",
            "en",
            ["Gen. Smith and Sen. Brown met Gov. Li.", "Rep. Wu came too."],
        ),
        (
            "Wait... what happened? Nothing! Really?! Yes.",
            "en",
            ["Wait... what happened?", "Nothing!", "Really?!", "Yes."],
        ),
        ("He paused… Then he spoke.", "en", ["He paused…", "Then he spoke."]),
        (
            "Visit https://example.com/a.b?x=1. Mail jo.doe@example.org. Thanks!",
            "en",
            ["Visit https://example.com/a.b?x=1.", "Mail jo.doe@example.org.", "Thanks!"],
        ),
        (
            "Storm hits coast\nThousands lose power. Crews work.",
            "en",
            ["Storm hits coast", "Thousands lose power.", "Crews work."],
        ),
        (
            "First paragraph ends here\n\nSecond one starts. And ends",
            "en",
            ["First paragraph ends here", "Second one starts.", "And ends"],
        ),
        ("1. Open the box.\n2. Close it.", "en", ["1. Open the box.", "2. Close it."]),
        (
            "Sales rose in 2024. 15 stores opened.",
            "en",
            ["Sales rose in 2024.", "15 stores opened."],
        ),
        (
            "It was 5 p.m. on Monday. It ended at 6 p.m. The staff left.",
            "en",
            ["It was 5 p.m. on Monday.", "It ended at 6 p.m.", "The staff left."],
        ),
        (
            "(This was first. It worked.) Then it ended.",
            "en",
            ["(This was first. It worked.)", "Then it ended."],
        ),
        (
            "M. Dupont est arrivé. Mme Durand aussi. Il a dit « Bonjour. » Puis il est parti.",
            "fr",
            [
                "M. Dupont est arrivé.",
                "Mme Durand aussi.",
                "Il a dit « Bonjour. »",
                "Puis il est parti.",
            ],
        ),
        (
            "Am 3. Oktober 2024 gab es z.B. Regen bzw. Schnee. Nr. 5 fehlte. Das war klar.",
            "de",
            ["Am 3. Oktober 2024 gab es z.B. Regen bzw. Schnee.", "Nr. 5 fehlte.", "Das war klar."],
        ),
        (
            "¿Dónde está el Sr. García? No lo sé. La Sra. López sí. ¡Qué bien!",
            "es",
            ["¿Dónde está el Sr. García?", "No lo sé.", "La Sra. López sí.", "¡Qué bien!"],
        ),
        (
            "Il Sig. Rossi è arrivato. Poi è partito.",
            "it",
            ["Il Sig. Rossi è arrivato.", "Poi è partito."],
        ),
        (
            "O Sr. Silva chegou. Ele saiu depois.",
            "pt-BR",
            ["O Sr. Silva chegou.", "Ele saiu depois."],
        ),
    ],
)
def test_latin_rules(text: str, language: str, expected: list[str]) -> None:
    assert texts(text, language) == expected
    assert texts(text, None) == expected


def test_offsets_point_at_the_stripped_sentence() -> None:
    text = "  One here.   Two there!\n\n  Three  "
    assert split_sentences(text) == [
        Sentence(2, 11, "One here."),
        Sentence(14, 24, "Two there!"),
        Sentence(28, 33, "Three"),
    ]


def test_empty_and_blank_texts() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\u3000\n ") == []


_PIECES = st.sampled_from(
    [
        "a", "A", "The", "Mr", "U.S", "3", "3.5", "e.g", "。", "！？", "「", "」", "（", "）", "(",
        ")", '"', "'", ".", "...", "…", "!", "?", " ", "  ", "\n", "\n\n", "\u3000", "\u00a0",
        "http://x.org/a.b", "a@b.co", "文", "ペン", "ｘ", "\r\n", "\u2028", "\x1c", "\x85",
    ]
)  # fmt: skip
_MIXED = st.lists(_PIECES, max_size=60).map("".join)


def _assert_partition(text: str, sentences: list[Sentence]) -> None:
    position = 0
    for sentence in sentences:
        assert sentence.text
        assert sentence.start >= position
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert not text[position : sentence.start].strip()
        position = sentence.end
    assert not text[position:].strip()


@given(st.one_of(_MIXED, st.text(max_size=200)))
def test_sentences_partition_the_text(text: str) -> None:
    _assert_partition(text, split_sentences(text))


@given(_MIXED, st.sampled_from([None, "en", "fr", "de", "es", "pt", "it", "ja", "zh", "xx"]))
def test_every_language_partitions_the_text(text: str, language: str | None) -> None:
    _assert_partition(text, split_sentences(text, language))


@pytest.mark.parametrize(
    "text",
    [
        "." * 100_000,
        "a." * 50_000,
        "a. " * 33_000,
        "A. " * 33_000,
        "1. " * 33_000,
        "「" * 50_000 + "」" * 50_000,
        "(" * 100_000,
        "「a。" * 25_000,
        '"' * 100_000,
        "x" * 100_000 + ". Next.",
        "a@" * 50_000,
        "http://" * 14_000,
        "。" * 100_000,
    ],
    ids=lambda text: repr(text[:8]),
)
@pytest.mark.timeout(10)  # the slowest took 0.15 s on a busy 2-core machine
def test_pathological_input_completes(text: str) -> None:
    _assert_partition(text, split_sentences(text))
