"""The text work of a draft, done in the worker pool: pure functions of strings, no I/O.

From the extracted text: its language, the extractive summary and key points (sentences with
their offsets), the sentences that carry figures, and the weighted terms that index the article
for related search.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from aggregator.stub_records import Entry
from aggregator.text.cjk import CJK_CHAR
from aggregator.text.credits import is_furniture_sentence
from aggregator.text.excerpt import feed_excerpt
from aggregator.text.figures import quantities
from aggregator.text.links import LINK_PREFIX, article_links
from aggregator.text.sentences import Sentence, split_sentences
from aggregator.text.summarise import key_points, summarise, summarise_with_excerpt
from aggregator.text.terms import has_term_rules, language_code, name_terms, stop_words, terms

INDEX_TERMS = 80
TITLE_WEIGHT = 3
SHORT_TEXT = 300
MIN_SHORT_CONFIDENCE = 0.5
FALLBACK_LANGUAGE = "en"
NAME_WEIGHT = 1.5
"""A name or a figure ("Plosser", "IMF", "MH370") weighs this many times a common word."""
MAX_FIGURE_SENTENCES = 5
MAX_FIGURE_SENTENCE_CHARS = 600
MIN_WORDS = 5
"""Fewer words is a fragment (a name, a heading, a caption), not a sentence to quote;
Japanese and Chinese have no spaces: there every two characters count as a word."""
FOREIGN_MIN_WORDS = 12
FOREIGN_STOP_SHARE = 0.12
FOREIGN_OTHER_SHARE = 0.2
FOREIGN_RATIO = 1.5
SHORT_MIN_WORDS = 3
"""A shorter sentence is not judged by its stop words (there are too few to tell)."""
SHORT_FOREIGN_SHARE = 0.5
"""A short sentence with at least this share of another language's stop words, and less than
half as many of its own, is in that language ("El DL 1090 no lo ha sido.")."""
LATIN_LANGUAGES = frozenset(
    ("en", "fr", "es", "de", "pt", "it", "nl", "ca", "ro", "sv", "da", "no", "nb", "nn", "fi",
     "et", "pl", "cs", "sk", "sl", "hr", "bs", "hu", "tr", "id", "ms", "tl", "sw", "af", "eu",
     "gl", "ga", "cy", "is", "lt", "lv", "sq", "mt", "vi", "az", "uz")
)  # fmt: skip
SUMMARY_BY = "extractive summary of the source"
EXCERPT_BY = "the feed's excerpt and an extractive summary of the source"
EXCERPT_ELSEWHERE = "; excerpt sentences not in the article text have no offsets"
STOP_LANGUAGES = ("en", "fr", "es", "de", "pt", "it", "nl")
_WORDS = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Analysis:
    language: str | None
    summary: tuple[Entry, ...]
    key_points: tuple[Entry, ...]
    figures: tuple[Entry, ...]
    terms: dict[str, float]
    summary_by: str = SUMMARY_BY
    """Where the summary's sentences come from, for the part's `by`."""


def analyse(
    text: str,
    title: str | None,
    language: str | None,
    hint: str | None,
    *,
    summary_sentences: int,
    key_point_count: int,
    links: Collection[str] = (),
    excerpt: str | None = None,
) -> Analysis:
    """`language` is what extraction detected in the text; the feed's `hint` is used only
    when the text was too short to tell. `excerpt` is the feed's own description of the item
    (plain text): when it is a real excerpt (`feed_excerpt`), its sentences are summary
    candidates beside the article's, ranked as its first paragraph."""
    if language is None:
        from aggregator.articles.language import detect_language

        language = detect_language(text)[0] or hint
    sentences = usable_sentences(text, language)
    lead = feed_excerpt(excerpt, text, language)
    if lead:
        picked, summary = summarise_with_excerpt(
            sentences, language, summary_sentences, [s.text for s in lead]
        )
        given = [lead[i] for i in picked]
    else:
        given, summary = [], summarise(sentences, language, count=summary_sentences)
    texts = [s.text for s in given]
    chosen = key_points(sentences, language, count=key_point_count, summary=summary, given=texts)
    used = {p.sentence.start for p in (*summary, *chosen)}
    used |= {s.start for s in given if s.start is not None}
    by = SUMMARY_BY
    if given:
        by = EXCERPT_BY + (EXCERPT_ELSEWHERE if any(s.start is None for s in given) else "")
    return Analysis(
        language=language,
        summary=(
            *(Entry(text=s.text, start=s.start, end=s.end) for s in given),
            *(_entry(p.sentence) for p in summary),
        ),
        key_points=tuple(_entry(p.sentence) for p in chosen),
        figures=figure_sentences(sentences, MAX_FIGURE_SENTENCES, shown=used),
        terms=index_terms(
            own_language(text, language),
            title,
            term_language(text or title or "", language, hint),
            links,
        ),
        summary_by=by,
    )


def usable_sentences(text: str, language: str | None) -> list[Sentence]:
    """Sentences a summary, a key point or a figure may be taken from: whole sentences (not a
    name or a lead-in ending with a colon) in the article's language."""
    return [
        s
        for s in split_sentences(text, language)
        if not s.text.endswith(":")
        and _word_count(s.text) >= MIN_WORDS
        and in_language(s.text, language)
    ]


def _word_count(text: str) -> int:
    return sum(
        max(1, len(word) // 2) if CJK_CHAR.search(word) else 1 for word in _WORDS.findall(text)
    )


def in_language(sentence: str, language: str | None) -> bool:
    """False for a sentence that reads as another language: mostly in another script than
    a Latin-script language's, or, when long, almost none of this language's stop words or
    clearly more of another's; when short, mostly another language's stop words. A quotation
    in another language is not what a summary in this one should pick."""
    if _other_script(sentence, language):
        return False
    stops = stop_words(language) if language else frozenset()
    if not stops:
        return True
    words = _WORDS.findall(sentence.lower())
    if len(words) < FOREIGN_MIN_WORDS:
        return len(words) < SHORT_MIN_WORDS or not _short_foreign(words, stops, language)
    own = _share(words, stops)
    if own < FOREIGN_STOP_SHARE:
        return False
    other = max(
        (_share(words, stop_words(code)) for code in STOP_LANGUAGES if code != language),
        default=0.0,
    )
    return not (other >= FOREIGN_OTHER_SHARE and other > own * FOREIGN_RATIO)


def _other_script(sentence: str, language: str | None) -> bool:
    """Mostly letters of another script than the language's (Chinese in an English article)."""
    code = (language or "").lower().split("-")[0]
    if code not in LATIN_LANGUAGES:
        return False
    letters = len(_LETTER.findall(sentence))
    return letters > 0 and len(_LATIN.findall(sentence)) < letters / 2


def _short_foreign(words: list[str], stops: frozenset[str], language: str | None) -> bool:
    own = _share(words, stops)
    other = max(
        (_share(words, stop_words(code)) for code in STOP_LANGUAGES if code != language),
        default=0.0,
    )
    return other >= SHORT_FOREIGN_SHARE and own < other / 2


def _share(words: list[str], stops: frozenset[str]) -> float:
    return sum(1 for w in words if w in stops) / len(words)


def figure_sentences(
    sentences: list[Sentence], limit: int, shown: Collection[int] = ()
) -> tuple[Entry, ...]:
    """The sentences richest in figures (at least one), in text order; those already `shown`
    (by start offset) in the summary or key points come last."""
    scored = []
    for index, sentence in enumerate(sentences):
        if len(sentence.text) > MAX_FIGURE_SENTENCE_CHARS or is_furniture_sentence(sentence.text):
            continue
        kinds = {f.kind for f in quantities(sentence.text)}
        if kinds:
            fresh = sentence.start not in shown
            scored.append((fresh, len(kinds - {"date"}), len(kinds), -index, sentence))
    best = sorted(scored, key=lambda s: s[:4], reverse=True)[:limit]
    return tuple(_entry(b[-1]) for b in sorted(best, key=lambda b: -b[3]))


def figure_sentences_of(text: str, language: str | None, limit: int) -> tuple[Entry, ...]:
    return figure_sentences(usable_sentences(text, language), limit)


def own_language(text: str, language: str | None) -> str:
    """The text without its sentences in another language: a Spanish quotation in an
    English report would index the report by Spanish function words ("el", "la", "que"),
    which it shares with every other report that quotes Spanish."""
    sentences = split_sentences(text, language)
    if not sentences:
        return text
    return " ".join(s.text for s in sentences if in_language(s.text, language))


def title_terms(
    titles: Sequence[tuple[int, str, str | None, str | None]],
) -> dict[int, dict[str, float]]:
    """Index terms of items known only by their title (item, title, url, feed language): the
    title weighs as it does in a page whose only text is its headline, and the item's address
    is a link term, so every item gets at least one term."""
    return {
        item_id: index_terms(
            "",
            title,
            term_language(title, None, hint),
            article_links(url, None),
        )
        for item_id, title, url, hint in titles
    }


def term_language(text: str, language: str | None, hint: str | None) -> str | None:
    """The language whose stop words and stemmer make the article's index terms. Two articles
    are compared by their terms, so the same words must make the same terms: a headline-sized
    text is too short to identify reliably (py3langid calls English headlines Nigerian Pidgin
    or French with low confidence), so below SHORT_TEXT characters the detection counts only
    with MIN_SHORT_CONFIDENCE; then the feed's language; then, for text in Latin script,
    FALLBACK_LANGUAGE, as one consistent choice (bench/related.py measures it)."""
    if len(text) < SHORT_TEXT:
        from aggregator.articles.language import detect_language

        detected, confidence = detect_language(text)
        language = detected if confidence >= MIN_SHORT_CONFIDENCE else None
    for candidate in (language, hint):
        if has_term_rules(candidate):
            return language_code(candidate)
    if _LATIN.search(text) and not CJK_CHAR.search(text):
        return FALLBACK_LANGUAGE
    return language_code(language or hint)


def index_terms(
    text: str, title: str | None, language: str | None, links: Collection[str] = ()
) -> dict[str, float]:
    """The article's strongest terms, log-scaled counts (title terms count thrice, names and
    figures NAME_WEIGHT times more), normalised to unit length so that long and short
    articles weigh alike; then its `links` (normalised pages) as terms of weight 1, which the
    related search compares apart from the words."""
    counts = Counter(terms(text, language))
    for term in terms(title or "", language):
        counts[term] += TITLE_WEIGHT
    names = name_terms(f"{title or ''}\n{text}", language)
    weights = {
        t: (1.0 + math.log(n)) * (NAME_WEIGHT if t in names else 1.0) for t, n in counts.items()
    }
    top = sorted(weights, key=lambda t: (-weights[t], t))[:INDEX_TERMS]
    norm = math.sqrt(sum(weights[t] ** 2 for t in top)) or 1.0
    indexed = {t: round(weights[t] / norm, 6) for t in top}
    indexed.update((LINK_PREFIX + link, 1.0) for link in links)
    return indexed


def _entry(sentence: Sentence) -> Entry:
    return Entry(text=sentence.text, start=sentence.start, end=sentence.end)
