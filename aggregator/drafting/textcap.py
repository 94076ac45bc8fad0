"""The cap on the text a stub is drafted from: a prefix of the article, cut at a boundary.

Drafting work grows faster than the text (sentence centrality compares sentences pairwise), so
one huge article must not cost minutes. The cap keeps the beginning of the article, where news
puts what matters, and cuts it at the last paragraph end before the limit, else the last
sentence end, else the last space. It is a prefix, so every offset into it is an offset into
the article too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(
    r"[.!?][\"'\u201d\u2019)\]]*(?=\s)"  # Latin scripts: a stop, closing quotes, a space
    r"|[\u3002\uff01\uff1f][\u300d\u300f\uff09]*"  # Japanese and Chinese full stops and closers
)
_NOT_BEFORE = 0.5
"""A boundary is looked for in the second half of the allowed text only: cutting a 50,000
character text at character 3,000 because that is its only paragraph break would waste it."""


@dataclass(frozen=True, slots=True)
class CappedText:
    text: str
    full_length: int
    boundary: str | None = None
    """Where it was cut ("paragraph", "sentence", "word", "character"); None when it was not."""

    @property
    def cut(self) -> bool:
        return self.boundary is not None

    def note(self) -> str | None:
        """What the stub's provenance says about a cut text."""
        if self.boundary is None:
            return None
        return (
            f"drafted from the first {len(self.text):,} of {self.full_length:,} characters "
            f"(cut at a {self.boundary} end; [drafting].max_text_chars)"
        )


def cap_text(text: str, limit: int) -> CappedText:
    """`text` itself when it has at most `limit` characters, else its longest prefix of at
    most `limit` characters that ends a paragraph, else a sentence, else a word."""
    if len(text) <= limit:
        return CappedText(text, len(text))
    window = text[:limit]
    floor = int(limit * _NOT_BEFORE)
    paragraph = window.rfind("\n\n")
    if paragraph >= floor:
        return CappedText(window[:paragraph].rstrip(), len(text), "paragraph")
    if text[limit : limit + 2] == "\n\n":  # the limit falls right on a paragraph end
        return CappedText(window.rstrip(), len(text), "paragraph")
    probe = text[: limit + 1]  # one character more: a stop must be followed by a space
    ends = [m.end() for m in _SENTENCE_END.finditer(probe, floor) if m.end() <= limit]
    if ends:
        return CappedText(window[: ends[-1]], len(text), "sentence")
    space = window.rfind(" ", floor)
    if space > 0:
        return CappedText(window[:space].rstrip(), len(text), "word")
    return CappedText(window, len(text), "character")
