"""Which language an article is written in, with py3langid (its model ships in the wheel).

The model takes most of a second to load, so the identifier is built on first use, once per
process, never at import. Probabilities are normalised, so the confidence is comparable from
one text to the next; below MIN_LETTERS the guess is noise and we say so with (None, 0.0).
"""

from __future__ import annotations

import threading
from typing import Any

from aggregator.text.cjk import is_cjk

__all__ = ["MIN_LETTERS", "detect_language"]

MIN_LETTERS = 40
# Enough text to be sure; classifying a whole long article only costs time.
MAX_SAMPLE_CHARS = 20_000

_lock = threading.Lock()
_identifier: Any = None


def _get_identifier() -> Any:
    global _identifier  # noqa: PLW0603 - a lazily built, process-wide model
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import (
                    MODEL_FILE,
                    LanguageIdentifier,
                )

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def _letters(text: str) -> int:
    """Letters in `text`, counted up to MIN_LETTERS; a CJK character or kana counts for two."""
    count = 0
    for char in text:
        if char.isalpha():
            count += 2 if is_cjk(char) or "\uac00" <= char <= "\ud7af" else 1
            if count >= MIN_LETTERS:
                break
    return count


def detect_language(text: str) -> tuple[str | None, float]:
    """(language code, confidence in [0, 1]) of `text`; (None, 0.0) under MIN_LETTERS letters.

    Paragraphs vote, weighted by their length: an English report quoting a few lines of
    Chinese is English, although classifying it whole says Cantonese (CJK characters weigh
    heavily in the model). The confidence is the winner's share of the votes times its mean
    probability. Codes are py3langid's: ISO 639-1 where one exists ("en"), else 639-3 ("yue").
    """
    votes: dict[str, float] = {}
    confidence: dict[str, float] = {}
    budget = MAX_SAMPLE_CHARS
    for paragraph in _paragraphs(text):
        if budget <= 0:
            break
        sample = paragraph[:budget]
        budget -= len(sample)
        if _letters(sample) < MIN_LETTERS:
            continue
        language, probability = _get_identifier().classify(sample)
        if not isinstance(language, str) or language == "und":
            continue
        votes[language] = votes.get(language, 0.0) + len(sample)
        confidence[language] = confidence.get(language, 0.0) + len(sample) * float(probability)
    if not votes:
        return None, 0.0
    winner = max(votes, key=lambda language: votes[language])
    share = votes[winner] / sum(votes.values())
    return winner, round(share * confidence[winner] / votes[winner], 4)


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; short neighbours are joined so that each has a chance
    to carry enough letters to be classified."""
    paragraphs: list[str] = []
    pending = ""
    for raw in text.split("\n\n"):
        block = raw.strip()
        if not block:
            continue
        pending = f"{pending} {block}" if pending else block
        if _letters(pending) >= MIN_LETTERS:
            paragraphs.append(pending)
            pending = ""
    if pending:
        if paragraphs and _letters(pending) < MIN_LETTERS:
            paragraphs[-1] = f"{paragraphs[-1]} {pending}"
        else:
            paragraphs.append(pending)
    return paragraphs
