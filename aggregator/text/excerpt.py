"""The feed's own excerpt of an article, when it is a real one: a summary written by a person.

Many feeds carry, beside the link, a description of the story. Global Voices writes one per
post that states its point better than any three sentences of the post do. Others carry only
the article's first words cut short ("... popped [...]"), a "Continue reading" link or a
WordPress footer ("The post ... appeared first on ..."): those say nothing the article does
not, and a summary made of them would be a worse lead-3.

`feed_excerpt` tells them apart, purely from the two texts: after the footers and the cut
marker are removed, an excerpt that is the beginning of the article and was cut (or ends
mid-sentence) is not a real one; one with more than MAX_SENTENCES sentences is the article's
content, not an excerpt. A real excerpt gives its whole sentences, without furniture (credits,
prompts); each carries its offsets in the article when it appears there word for word, and
none when it does not (the excerpt often rephrases the article).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator.text.credits import is_furniture_sentence, is_whole_sentence
from aggregator.text.sentences import split_sentences

__all__ = ["ExcerptSentence", "feed_excerpt"]

MAX_SENTENCES = 5
MIN_WORDS = 12

_APPEARED = re.compile(r"\s*\bThe post\s.{1,300}?\sappeared first on\s.{1,200}$", re.IGNORECASE)
_READ_ON = re.compile(
    r"\s*(?:continue\s+reading|read\s+more|read\s+the\s+(?:full|rest)|keep\s+reading"
    r"|\(more\W{0,3}\)).{0,120}$",
    re.IGNORECASE,
)
_CUT = re.compile(r"\s*(?:\[\s*(?:\.\s*){2,3}\]|\[\s*\u2026\s*\]|\u2026|\.\.\.)\s*$")
_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d\u00ab\u00bb", '\'\'""""')
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class ExcerptSentence:
    text: str
    start: int | None  # offsets in the article when the sentence is there word for word
    end: int | None


def feed_excerpt(excerpt: str | None, text: str, language: str | None) -> list[ExcerptSentence]:
    """The whole sentences of the feed's excerpt of `text`, or none when it is not a real
    excerpt (empty, the article's beginning cut short, a prompt, or the whole content)."""
    clean = " ".join((excerpt or "").split())
    clean = _READ_ON.sub("", _APPEARED.sub("", clean))
    cut = bool(_CUT.search(clean))
    clean = _CUT.sub("", clean).strip()
    if not clean:
        return []
    ended = is_whole_sentence(clean) and not cut
    if _normal(text).startswith(_normal(clean)) and not ended:
        return []  # the article's first words, cut short
    sentences = split_sentences(clean, language)
    if len(sentences) > MAX_SENTENCES:
        return []  # the content itself, not an excerpt of it
    if not ended:
        sentences = sentences[:-1]  # cut mid-sentence
    kept = [s.text for s in sentences if not is_furniture_sentence(s.text)]
    if sum(len(_WORD.findall(s)) for s in kept) < MIN_WORDS:
        return []
    return [_located(sentence, text) for sentence in kept]


def _located(sentence: str, text: str) -> ExcerptSentence:
    start = text.find(sentence)
    if start < 0:
        return ExcerptSentence(sentence, None, None)
    return ExcerptSentence(sentence, start, start + len(sentence))


def _normal(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split()).casefold()
