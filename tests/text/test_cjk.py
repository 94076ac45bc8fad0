"""The one definition of a Chinese or Japanese character."""

from __future__ import annotations

import pytest

from aggregator.text.cjk import CJK_CHAR, is_cjk


@pytest.mark.parametrize(
    "char",
    ["漢", "㐀", "豈", "\U00020000", "ひ", "カ", "ㇰ", "ｶ"],
    ids=["han", "ext-a", "compat", "ext-b", "hiragana", "katakana", "kana-ext", "halfwidth"],
)
def test_chinese_characters_and_kana_count(char: str) -> None:
    assert is_cjk(char)


@pytest.mark.parametrize("char", ["a", "é", "한", "。", "\uff11", " ", "Ω"])
def test_latin_hangul_and_punctuation_do_not(char: str) -> None:
    assert not is_cjk(char)


def test_the_pattern_finds_them_inside_text() -> None:
    assert CJK_CHAR.findall("Tokyo 東京 とうきょう") == list("東京とうきょう")
