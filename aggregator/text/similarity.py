"""How alike two indexed articles are: a cosine of idf-weighted term vectors, links as evidence.

Pure: the vectors are what `drafting.analysis.index_terms` makes (word terms of unit length, and
link terms that start with LINK_PREFIX), the document frequencies and the archive's size come
from the caller. The score is the cosine of the two idf-weighted word vectors, over the whole of
both, so it is the same from either side; a rare link both carry (one cites the other, or both
cite one source: at most LINK_MAX_ARTICLES articles carry it) lifts it to at least LINKED_SCORE;
a cosine of SAME_STORY or more is a copy of the same story.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from aggregator.text.links import LINK_PREFIX

MIN_SHARED_TERMS = 2
"""Word terms two articles must share to be related without a shared link."""
LINK_MAX_ARTICLES = 10
LINKED_SCORE = 0.5
SAME_STORY = 0.9


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate's exact score against the query, before the article is read."""

    item_id: int
    score: float
    shared: tuple[str, ...]
    links: tuple[str, ...]
    same_story: bool


def idf(df: int, total: int) -> float:
    return math.log((total + 1) / (df + 1)) + 1.0


def match(
    item_id: int,
    query: Mapping[str, float],
    other: Mapping[str, float],
    frequency: Mapping[str, int],
    total: int,
) -> Match:
    """The exact score of `other` against `query` (both whole term vectors)."""
    return Scorer(frequency, total).match(item_id, query, other)


class Scorer:
    """`match` for many pairs over one archive (`frequency`, `total`): each term's idf and
    each vector's norm computed once, the arithmetic the same term for term."""

    def __init__(self, frequency: Mapping[str, int], total: int) -> None:
        self.frequency = frequency
        self.total = total
        self.idfs = {t: idf(df, total) for t, df in frequency.items()}
        self.norms: dict[int, tuple[Mapping[str, float], float]] = {}

    def idf(self, term: str) -> float:
        value = self.idfs.get(term)
        if value is None:
            value = self.idfs[term] = idf(self.frequency.get(term, 1), self.total)
        return value

    def norm(self, vector: Mapping[str, float]) -> float:
        """`norm(vector, ...)`, remembered while the vector lives (the pair keeps it alive)."""
        known = self.norms.get(id(vector))
        if known is not None and known[0] is vector:
            return known[1]
        idfs, missing = self.idfs, self.idf
        value = math.sqrt(
            sum(
                (w * (idfs.get(t) or missing(t))) ** 2
                for t, w in vector.items()
                if not t.startswith(LINK_PREFIX)
            )
        )
        self.norms[id(vector)] = (vector, value)
        return value

    def match(self, item_id: int, query: Mapping[str, float], other: Mapping[str, float]) -> Match:
        idfs, missing = self.idfs, self.idf
        dot, shared, links = 0.0, [], []
        for term, weight in query.items():
            if term not in other:
                continue
            if term.startswith(LINK_PREFIX):
                if self.frequency.get(term, 0) <= LINK_MAX_ARTICLES:
                    links.append(term.removeprefix(LINK_PREFIX))
                continue
            dot += weight * other[term] * (idfs.get(term) or missing(term)) ** 2
            shared.append(term)
        both = self.norm(query) * self.norm(other)
        cosine = min(1.0, dot / both) if both else 0.0
        score = max(cosine, LINKED_SCORE) if links else cosine
        ordered = sorted(shared, key=lambda t: (-query[t] * (idfs.get(t) or missing(t)), t))
        return Match(item_id, round(score, 4), tuple(ordered), tuple(links), cosine >= SAME_STORY)


def enough(m: Match) -> bool:
    """Enough evidence to relate two articles: a shared link or MIN_SHARED_TERMS words."""
    return bool(m.links) or len(m.shared) >= MIN_SHARED_TERMS


def norm(vector: Mapping[str, float], frequency: Mapping[str, int], total: int) -> float:
    return math.sqrt(
        sum(
            (w * idf(frequency.get(t, 1), total)) ** 2
            for t, w in vector.items()
            if not t.startswith(LINK_PREFIX)
        )
    )
