"""Extractive summary and key points of an article: which of its own sentences to show.

News is written lead first, so position is the strongest single signal: taking the first three
sentences beats TextRank and LexRank on news (bench/summary.py). The first sentence, though, is
often a hook ("It's the moment every pet owner dreads") and the facts come just after it. So
every sentence of the opening three starts level, later ones less the further they are, and
the score adds what tells a sentence stating the news from one setting the scene:
- directed centrality: how much the sentences after it elaborate on it (TF-IDF cosine, edges
  below a share of the similarity range ignored), less a little for repeating earlier ones;
- specificity: the share of capitalised words (names, places) and whether it has a figure;
- a direct quote at its start counts against it.
Page furniture (credits, captions, bylines, prompts, headings, fragments: see
`aggregator.text.credits`) and items of lists are never picked, and sentences are picked
greedily, each one's score lowered by its similarity to those already picked (maximal marginal
relevance), so no two say the same thing. The weights were fitted on half of a set of news
articles with reference summaries and checked on the other half (bench/summary.py).

When the feed carries a real excerpt (`aggregator.text.excerpt`), its sentences are ranked with
the article's as if they were its first paragraph (`summarise_with_excerpt`). Key points are
whole declarative sentences worth a bullet (`is_key_point`) that neither are nor nearly repeat
a summary sentence (term cosine NEAR_REPEAT).

Every pick keeps its index and its sentence, so the caller can point at the exact offsets.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from aggregator.text.cjk import CJK_CHAR
from aggregator.text.credits import is_furniture_sentence
from aggregator.text.sentences import Sentence
from aggregator.text.terms import cosine, term_vector, terms

LEAD_SENTENCES = 3  # usable sentences that share the top position prior
POSITION_DECAY = 0.3  # prior of the k-th later one: 1 / (1 + k * decay)
CENTRALITY_WEIGHT = 0.82
CAPITALS_WEIGHT = 1.12  # times the share of capitalised words
FIGURE_WEIGHT = 0.39  # when the sentence has a digit
QUOTE_WEIGHT = -0.43  # when it opens with a quotation mark
BACKWARD_WEIGHT = -0.2  # similarity to earlier sentences counts against a sentence
EDGE_THRESHOLD = 0.1  # share of the similarity range below which an edge is ignored
REDUNDANCY_WEIGHT = 0.2
DUPLICATE_SIMILARITY = 0.8  # a sentence this close to a picked one is never picked too
SUMMARY_COUNT = 3
KEY_POINTS_MIN = 3
KEY_POINT_MIN_WORDS = 8
KEY_POINT_MIN_CJK_CHARS = 20
NEAR_REPEAT = 0.5  # term cosine to a summary sentence at which a sentence repeats it
MAX_CANDIDATES = 200  # usable sentences compared pairwise; later ones have a negligible prior

_QUOTE_OPENING = re.compile(r"""^\W*?["'\u201c\u2018\u00ab\u201e「『]""")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")
_CLOSING = "\"'\u201d\u2019\u00bb)]\u300d\u300f"
_NOT_DECLARATIVE = "?!\u203d\uff01\uff1f"
_OPENING_QUOTES = "\u201c\u00ab\u201e\u300c\u300e"
_CLOSING_QUOTES = "\u201d\u00bb\u300d\u300f"
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][)]|[-*\u2022\u2013\u2014])\s")
_PRONOUN_OPENING = re.compile(
    r"""^\W*(?:(?:in\s+fact|indeed|of\s+course|actually|well|now|still|yet|so|but|and|or
        |however|anyway|after\s+all|besides|then)\W+)*
        (?:it|it's|this|that|these|those|they|he|she|we|i|you|there|here|such)\b""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Pick:
    index: int  # index into the sentence list
    sentence: Sentence
    score: float


def summarise(
    sentences: Sequence[Sentence],
    language: str | None,
    count: int = 3,
    *,
    given: Sequence[str] = (),
) -> list[Pick]:
    """Up to `count` sentences that best sum up the article, in text order; fewer only when the
    article has fewer usable sentences. `given` are sentences the summary already has from
    elsewhere (the feed's excerpt): sentences that repeat them are not picked."""
    if count <= 0:
        return []
    ranked = _Ranking.of(sentences, language)
    near = ranked.nearness(given, language)
    return ranked.pick(count, avoid=(), near=near)


def summarise_with_excerpt(
    sentences: Sequence[Sentence], language: str | None, count: int, excerpt: Sequence[str]
) -> tuple[list[int], list[Pick]]:
    """The summary of an article whose feed carries a real excerpt: the excerpt's sentences
    are ranked with the article's as if they were its first paragraph (they share the lead's
    position prior; an article sentence that repeats one is not picked beside it). Returns
    the indices into `excerpt` of those picked, and the picks among `sentences`."""
    combined = [*(Sentence(-1, -1, text) for text in excerpt), *sentences]
    picks = summarise(combined, language, count)
    lead = len(excerpt)
    from_excerpt = [pick.index for pick in picks if pick.index < lead]
    from_text = [
        Pick(pick.index - lead, pick.sentence, pick.score) for pick in picks if pick.index >= lead
    ]
    return from_excerpt, from_text


def key_points(
    sentences: Sequence[Sentence],
    language: str | None,
    count: int = 4,
    *,
    summary: Sequence[Pick] | None = None,
    given: Sequence[str] = (),
) -> list[Pick]:
    """Up to `count` key sentences in text order: whole, declarative, informative sentences
    (`is_key_point`) that neither are nor nearly repeat a sentence of the summary (`summary`,
    by default what `summarise` gives, and the `given` sentences it has from elsewhere). When
    fewer than KEY_POINTS_MIN such sentences remain, other usable sentences that are not
    questions, exclamations or filler make up the number; the summary is never repeated."""
    ranked = _Ranking.of(sentences, language)
    shown = summary if summary is not None else ranked.pick(SUMMARY_COUNT, avoid=())
    avoid = {pick.index for pick in shown} & ranked.scores.keys()
    near = ranked.nearness([*given, *(pick.sentence.text for pick in shown)], language)
    fresh = {i for i in ranked.scores if i not in avoid and near[i] < NEAR_REPEAT}
    strict = {i for i in fresh if is_key_point(sentences[i].text, language)}
    chosen = ranked.pick(count, avoid=avoid, near=near, eligible=strict)
    wanted = min(count, KEY_POINTS_MIN) - len(chosen)
    if wanted > 0:
        loose = {i for i in fresh - strict if not _unfit(sentences[i].text, language)}
        taken = [*avoid, *(pick.index for pick in chosen)]
        chosen += ranked.pick(wanted, avoid=taken, near=near, eligible=loose)
    return sorted(chosen, key=lambda pick: pick.index)


def is_key_point(text: str, language: str | None) -> bool:
    """A sentence worth a bullet of its own: long enough to state something
    (KEY_POINT_MIN_WORDS), declarative (not a question or an exclamation), not a piece of a
    quotation (a slogan, a chant, a reader's comment) and not filler that leans on the
    sentence before it ("In fact, it is already going pretty badly.")."""
    if _unfit(text, language):
        return False
    cjk = len(CJK_CHAR.findall(text))
    if cjk > len(text) // 3:
        return cjk >= KEY_POINT_MIN_CJK_CHARS
    words = [word for word in text.split() if _WORD.search(word)]
    return len(words) >= KEY_POINT_MIN_WORDS and not _quoted(text)


def _unfit(text: str, language: str | None) -> bool:
    """A question, an exclamation, an item of a list or filler: never a key point."""
    end = text.rstrip().rstrip(_CLOSING).rstrip()[-1:]
    if end in _NOT_DECLARATIVE or _LIST_ITEM.match(text):
        return True
    cjk = len(CJK_CHAR.findall(text))
    return cjk <= len(text) // 3 and _filler(text)


def _quoted(text: str) -> bool:
    """Part of a quotation: it opens a quote it does not close, closes one it did not open,
    or is a quotation from end to end."""
    opening = sum(text.count(mark) for mark in _OPENING_QUOTES)
    closing = sum(text.count(mark) for mark in _CLOSING_QUOTES)
    straight = text.count('"')
    if opening != closing or straight % 2:
        return True
    stripped = text.strip()
    return bool(_QUOTE_OPENING.match(stripped)) and stripped.rstrip(".!?…")[-1:] in (
        _CLOSING_QUOTES + '"'
    )


def _filler(text: str) -> bool:
    """Leans on what came before: opens with a pronoun (after an optional "In fact,", "But",
    ...) and names nothing (no capitalised word after the first, no figure)."""
    if not _PRONOUN_OPENING.match(text):
        return False
    words = text.split()
    return not _DIGIT.search(text) and not any(_capitalised(word) for word in words[1:])


@dataclass(frozen=True, slots=True)
class _Ranking:
    sentences: Sequence[Sentence]
    scores: dict[int, float]  # of the usable sentences, by index
    similarity: dict[tuple[int, int], float]  # both ways, between usable sentences

    @classmethod
    def of(cls, sentences: Sequence[Sentence], language: str | None) -> _Ranking:
        usable = [
            i
            for i, s in enumerate(sentences)
            if not is_furniture_sentence(s.text) and not _LIST_ITEM.match(s.text)
        ]
        del usable[MAX_CANDIDATES:]
        vectors = _tfidf_vectors([terms(sentences[i].text, language) for i in usable])
        similarity: dict[tuple[int, int], float] = {}
        for a, i in enumerate(usable):
            for b in range(a + 1, len(usable)):
                similarity[i, usable[b]] = similarity[usable[b], i] = cosine(vectors[a], vectors[b])
        centrality = _directed_centrality(usable, similarity)
        scores = {
            i: _position_prior(rank)
            + CENTRALITY_WEIGHT * centrality[i]
            + _specificity(sentences[i].text)
            for rank, i in enumerate(usable)
        }
        return cls(sentences, scores, similarity)

    def nearness(self, texts: Sequence[str], language: str | None) -> dict[int, float]:
        """Each usable sentence's highest term cosine to any of `texts`."""
        vectors = [term_vector(text, language) for text in texts]
        if not vectors:
            return dict.fromkeys(self.scores, 0.0)
        nearness = {}
        for i in self.scores:
            vector = term_vector(self.sentences[i].text, language)
            nearness[i] = max(cosine(vector, other) for other in vectors)
        return nearness

    def pick(
        self,
        count: int,
        avoid: Collection[int],
        *,
        near: dict[int, float] | None = None,
        eligible: Collection[int] | None = None,
    ) -> list[Pick]:
        """Greedy maximal marginal relevance over the usable sentences (those `eligible`, if
        given), never one in `avoid`, nearly repeating one of them, or with a `near` value
        (similarity to sentences shown from elsewhere) of NEAR_REPEAT or more."""
        near = near or {}
        chosen: list[int] = []
        candidates = [
            i
            for i in self.scores
            if i not in avoid
            and (eligible is None or i in eligible)
            and near.get(i, 0.0) < NEAR_REPEAT
            and all(self.similarity[i, j] < DUPLICATE_SIMILARITY for j in avoid)
        ]
        while candidates and len(chosen) < count:
            best = max(
                candidates,
                key=lambda i: (self._marginal(i, [*chosen, *avoid], near.get(i, 0.0)), -i),
            )
            chosen.append(best)
            candidates = [
                i
                for i in candidates
                if i != best and self.similarity[i, best] < DUPLICATE_SIMILARITY
            ]
        return [Pick(i, self.sentences[i], self.scores[i]) for i in sorted(chosen)]

    def _marginal(self, i: int, shown: list[int], near: float) -> float:
        overlap = max((self.similarity[i, j] for j in shown), default=near)
        return self.scores[i] - REDUNDANCY_WEIGHT * max(overlap, near)


def _position_prior(rank: int) -> float:
    later = rank - LEAD_SENTENCES + 1
    return 1.0 if later <= 0 else 1.0 / (1.0 + later * POSITION_DECAY)


def _specificity(text: str) -> float:
    """Names and figures: what a sentence stating the news has and a scene-setter lacks."""
    words = text.split()
    capitalised = sum(1 for word in words[1:] if _capitalised(word))
    score = CAPITALS_WEIGHT * capitalised / max(1, len(words))
    if _DIGIT.search(text):
        score += FIGURE_WEIGHT
    if _QUOTE_OPENING.match(text):
        score += QUOTE_WEIGHT
    return score


def _capitalised(word: str) -> bool:
    letters = word.lstrip("\"'\u201c\u2018\u00ab\u201e([")
    return len(letters) > 1 and letters[0].isupper()


def _tfidf_vectors(documents: list[list[str]]) -> list[dict[str, float]]:
    frequency = Counter(term for document in documents for term in set(document))
    n = len(documents)
    return [
        {
            term: (1.0 + math.log(tf)) * math.log((n + 1) / frequency[term])
            for term, tf in Counter(document).items()
        }
        for document in documents
    ]


def _directed_centrality(
    usable: list[int], similarity: dict[tuple[int, int], float]
) -> dict[int, float]:
    """How much the sentences after each one elaborate on it, less a little for how much it
    repeats those before it; edges below a threshold share of the similarity range are
    ignored. Scaled so that the most central sentence has 1."""
    if not similarity:
        return dict.fromkeys(usable, 0.0)
    low, high = min(similarity.values()), max(similarity.values())
    threshold = low + EDGE_THRESHOLD * (high - low)
    raw: dict[int, float] = {}
    for a, i in enumerate(usable):
        forward = sum(max(0.0, similarity[i, j] - threshold) for j in usable[a + 1 :])
        backward = sum(max(0.0, similarity[i, j] - threshold) for j in usable[:a])
        raw[i] = forward + BACKWARD_WEIGHT * backward
    top = max(raw.values())
    return {i: (value / top if top > 0 else 0.0) for i, value in raw.items()}
