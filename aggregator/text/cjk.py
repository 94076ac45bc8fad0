"""What counts as a Chinese or Japanese character: the one definition every module uses.

Han ideographs (the unified block, extension A, the compatibility block and the
supplementary-plane extensions), hiragana, katakana with its phonetic extensions, and
half-width katakana. Hangul is not in it: Korean writes spaces between words.
"""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
"""Han ideographs, as a character-class body."""
KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
"""Hiragana, katakana and half-width katakana, as a character-class body."""
HIRAGANA = "\u3040-\u309f"
CJK_CHAR = re.compile(f"[{HAN}{KANA}]")
"""One Chinese character or kana."""


def is_cjk(char: str) -> bool:
    """Whether the first character of `char` is a Chinese character or kana."""
    return CJK_CHAR.match(char) is not None
