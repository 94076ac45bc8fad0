# ruff: noqa: RUF001 - full-width digits and letters are what these tests feed in
"""check_grounding on drafts that keep to their sources and drafts that invent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.text.grounding import Claim, Grounding, check_grounding

SOURCE = (
    "DeepSeek, a Chinese start-up, said on January 20, 2025 that training its model cost "
    "$5.6 million. The Basel Convention was signed by 190 countries. Global Voices reported "
    "that 82,345,000 people use the app, up 3.5% from 2024. Three people were arrested on "
    "Tuesday. Prime Minister Sanae Takaichi met Apple Inc. officials in Tokyo."
)
JAPANESE = (
    "DeepSeekは2025年1月20日、モデルの訓練費用が560万ドルだったと発表した。"
    "バーゼル条約には１９０カ国が署名した。Global Voicesによると、利用者は約8200万人で、"
    "2024年から3.5％増えた。3人が逮捕された。高市早苗首相は東京で米Apple Inc.の幹部と会談した。"
)


def ungrounded(draft: str, *sources: str) -> list[tuple[str, str]]:
    return [(claim.kind, claim.text) for claim in check_grounding(draft, sources).ungrounded]


def test_faithful_english_to_japanese_translation_passes() -> None:
    result = check_grounding(JAPANESE, [SOURCE])
    assert result.ok, result.ungrounded
    assert [(claim.kind, claim.text) for claim in result.checked] == [
        ("name", "DeepSeek"),
        ("date", "2025年1月20日"),
        ("number", "560万ドル"),
        ("number", "１９０"),
        ("name", "Global Voices"),
        ("number", "8200万"),
        ("date", "2024年"),
        ("number", "3.5％"),
        ("number", "3"),
        ("name", "Apple Inc"),
    ]


def test_faithful_english_rewrite_passes() -> None:
    draft = (
        "DeepSeek said on January 20, 2025 that training cost $5.6m. The Basel Convention has "
        "190 signatories. According to Global Voices, some 82 million people use the app, 3.5 "
        "per cent more than in 2024. Three were arrested on Tuesday. Takaichi met Apple "
        "officials. In Tokyo, Prime Minister Takaichi spoke."
    )
    result = check_grounding(draft, [SOURCE])
    assert result.ok, result.ungrounded
    names = [claim.text for claim in result.checked if claim.kind == "name"]
    assert names == [
        "DeepSeek",
        "Basel Convention",
        "Global Voices",
        "Apple",
        "Tokyo",
        "Prime Minister Takaichi",
    ]


def test_invented_numbers_dates_and_names_are_flagged() -> None:
    draft = (
        "DeepSeek said on January 21, 2025 that training cost $7 million. The Stockholm "
        "Convention has 195 signatories. Analysts at Goldman Sachs said 4 people were held."
    )
    assert ungrounded(draft, SOURCE) == [
        ("date", "January 21, 2025"),
        ("number", "$7 million"),
        ("name", "Stockholm Convention"),
        ("number", "195"),
        ("name", "Goldman Sachs"),
        ("number", "4"),
    ]


def test_invented_facts_in_a_japanese_draft_are_flagged() -> None:
    draft = "DeepSeekは2025年1月21日、OpenAIと提携し、費用は700万ドルだったと発表した。"
    assert ungrounded(draft, SOURCE) == [
        ("date", "2025年1月21日"),
        ("name", "OpenAI"),
        ("number", "700万ドル"),
    ]


@pytest.mark.parametrize(
    ("draft", "source"),
    [
        ("It has 1,000 staff.", "它有1000名员工。"),
        ("It has 1 000 staff.", "It has 1,000 staff."),
        ("It has １０００ staff.", "It has 1000 staff."),
        ("82 million people use it.", "利用者は8200万人。"),
        ("利用者は8200万人。", "82 million people use it."),
        ("1億2000万ドルを投資した。", "It invested $120 million."),
        ("Growth was 3.5%.", "Growth was 3.5 percent."),
        ("Growth was 3.5 per cent.", "成長率は３．５％だった。"),
        ("It opened in January 2025.", "2025年1月に開業した。"),
        ("2025年1月に開業した。", "It opened in January 2025."),
        ("It opened on 12 March 2024.", "It opened on March 12, 2024."),
        ("３月１２日に開業した。", "It opened on 12 March 2024."),
        ("It opened on March 12, 2024.", "In 2024 it opened on March 12."),
        ("It opened in 2024.", "2024年に開業した。"),
        ("It opened in 2024.", "It opened on 2024-03-12."),
        ("About 82 million people use it.", "Exactly 82,345,000 people use it."),
        ("About 100 people came.", "Some 97 people came."),
        ("It cost $6 million.", "It cost $5.6 million."),
        ("Three people came, then 3 more.", "Three people came, then three more."),
    ],
)
def test_values_compare_across_spellings(draft: str, source: str) -> None:
    assert ungrounded(draft, source) == []


@pytest.mark.parametrize(
    ("draft", "source", "flagged"),
    [
        ("82.9 million people use it.", "82,345,000 people use it.", ("number", "82.9 million")),
        ("It opened in 2024.", "It employs 2,024 people.", ("date", "2024")),
        ("It opened in March 2024.", "It opened in May 2024.", ("date", "March 2024")),
        ("Growth was 4.5%.", "Growth was 3.5%.", ("number", "4.5%")),
        ("利用者は8300万人。", "82 million people use it.", ("number", "8300万")),
        ("About 100 people came.", "Some 60 people came.", ("number", "100")),
        ("About 2,000 people came.", "Some 2,400 people came.", ("number", "2,000")),
    ],
)
def test_different_values_are_flagged(draft: str, source: str, flagged: tuple[str, str]) -> None:
    assert ungrounded(draft, source) == [flagged]


def test_names_match_ignoring_case_spacing_and_periods() -> None:
    sources = ["A report by GLOBAL   voices.", "Officials of the U.S. and ＷＨＯ spoke."]
    draft = "Officials cited Global Voices, the US and the WHO."
    result = check_grounding(draft, sources)
    assert [claim.text for claim in result.checked] == ["Global Voices", "US", "WHO"]
    assert result.ok


def test_a_name_is_grounded_in_any_source() -> None:
    assert ungrounded("Officials met in Geneva and Nairobi.", "In Geneva.", "In Nairobi.") == []


@pytest.mark.parametrize(
    "draft",
    [
        "Yesterday the ministry said so.",
        "On Tuesday, officials met again in March.",
        "However, They said it would be fine.",
        'He said: "Prices will rise."',
        "I think so.",
        "Une réunion a eu lieu lundi.",
        "El lunes, la reunión terminó.",
    ],
)
def test_common_words_are_not_names(draft: str) -> None:
    assert check_grounding(draft, ["Nothing related."]).checked == ()


def test_sentence_initial_names_are_checked_when_they_look_like_names() -> None:
    assert ungrounded("DeepSeek won. NASA lost. Apple gained.", "Nothing related.") == [
        ("name", "DeepSeek"),
        ("name", "NASA"),
    ]
    assert ungrounded("Global Voices said so.", "Voices of the world said so.") == []
    assert ungrounded("Global Witness said so.", "Voices of the world said so.") == [
        ("name", "Global Witness")
    ]


def test_katakana_and_kanji_names_are_not_claims() -> None:
    draft = "グローバル・ボイスは高市早苗首相と東京で会った。"
    assert check_grounding(draft, ["Nothing related."]).checked == ()


def test_latin_names_are_not_checked_against_a_japanese_source() -> None:
    draft = "Prime Minister Sanae Takaichi met officials in Tokyo on March 12."
    assert ungrounded(draft, "高市早苗首相は3月12日、東京で関係者と会談した。") == []


def test_links_and_list_numbers_are_not_claims() -> None:
    draft = "1. See https://example.org/2024/05/Report-7 for details.\n2. Mail Ops@example.org."
    assert check_grounding(draft, ["Nothing related."]) == Grounding((), ())


def test_repeated_claims_are_listed_once_and_ok_reflects_ungrounded() -> None:
    result = check_grounding("Acme grew 5%. Acme grew 5% again, said Acme.", ["Acme grew 5%."])
    assert result.checked == (Claim("number", "5%"), Claim("name", "Acme"))
    assert result.ok
    assert not Grounding((Claim("name", "X"),), (Claim("name", "X"),)).ok


def test_empty_draft_and_no_sources() -> None:
    assert check_grounding("", []) == Grounding((), ())
    assert ungrounded("Revenue rose 12% at Acme.", *[]) == [
        ("number", "12%"),
        ("name", "Acme"),
    ]


_PIECES = st.sampled_from(
    [
        "Acme", "DeepSeek", "NASA", "U.S.", "the", "The", "of", "Bank", "O'Brien's", "Jean-Luc",
        "3", "3.5%", "82 million", "8200万", "$1.2bn", "1,000", "2024", "2025年1月", "3月12日",
        "January 2025", "March 12", "ＷＨＯ", "Ａｐｐｌｅ", "東京", "は", "。", ". ", ", ", " ",
        "\n", '"', "「", "」", "https://x.org/A1", "said", "Monday", "May",
    ]
)  # fmt: skip


@given(st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=150)))
def test_a_text_grounds_itself(text: str) -> None:
    result = check_grounding(text, [text])
    assert result.ok, result.ungrounded
    assert set(result.ungrounded) <= set(result.checked)
