"""The related search's index held in memory: postings per term, the terms of each article.

A mirror of the `article_terms` table (`aggregator.storage.related`) for the process that
drafts: document frequencies are the postings' lengths and the archive's size the number of
articles, so a search reads neither from the database, and only the postings of the query's
own terms are walked. The search over it is the same as over the table, step for step: the
same candidates (the RERANK best by partial dot product over the query's words that are not
common, and every article sharing a rare link), the same whole vectors and frequencies handed
to `aggregator.text.similarity.match`; `tests/storage/test_related_agreement.py` holds the two
to the same results.

Memory: each article's terms and weights as two tuples, each weight also in its term's
postings (the float objects shared). Not thread-safe: the caller holds a lock.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aggregator.text.links import LINK_PREFIX
from aggregator.text.similarity import LINK_MAX_ARTICLES, idf

COMMON_SHARE = 0.25
"""A word on more than this share of the archive (and COMMON_MIN_POSTINGS) names no
candidates: it is everywhere, its idf is low, and its postings are the longest."""
COMMON_MIN_POSTINGS = 200
RERANK = 60
"""Candidates by partial dot product that get the exact cosine."""


@dataclass(frozen=True, slots=True)
class Candidates:
    """What the exact scoring needs: the candidates in rank order, their whole vectors, the
    document frequencies of every term involved, and the archive's size."""

    item_ids: list[int]
    vectors: dict[int, dict[str, float]]
    frequency: dict[str, int]
    total: int


class TermIndex:
    """Postings `term -> {item: weight}` and `item -> terms`, kept in step by `put`/`drop`."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[int, float]] = {}
        self.terms: dict[int, tuple[tuple[str, ...], tuple[float, ...]]] = {}
        """Each article's terms and their weights, in the order they were given."""
        self.rows = 0
        """Rows of the table this mirrors (one per article and term)."""

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str, float]]) -> TermIndex:
        """Built from (item, term, weight) rows, as the table holds them."""
        index = cls()
        vectors: dict[int, dict[str, float]] = {}
        for item_id, term, weight in rows:
            vectors.setdefault(item_id, {})[term] = weight
        for item_id, weights in vectors.items():
            index.put(item_id, weights)
        return index

    @property
    def total(self) -> int:
        """Indexed articles."""
        return len(self.terms)

    def put(self, item_id: int, weights: Mapping[str, float]) -> None:
        """The article's terms replaced by `weights` (none: it leaves the index)."""
        self.drop(item_id)
        if not weights:
            return
        for term, weight in weights.items():
            self.postings.setdefault(term, {})[item_id] = weight
        self.terms[item_id] = (tuple(weights), tuple(weights.values()))
        self.rows += len(weights)

    def drop(self, item_id: int) -> None:
        own, _ = self.terms.pop(item_id, ((), ()))
        for term in own:
            postings = self.postings[term]
            del postings[item_id]
            if not postings:
                del self.postings[term]
        self.rows -= len(own)

    def vector(self, item_id: int) -> dict[str, float]:
        terms, weights = self.terms.get(item_id, ((), ()))
        return dict(zip(terms, weights, strict=True))

    def frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many articles carry each of `terms` (those no article carries left out)."""
        frequency = {}
        for term in terms:
            postings = self.postings.get(term)
            if postings:
                frequency[term] = len(postings)
        return frequency

    def candidates(self, item_id: int, weights: Mapping[str, float]) -> Candidates | None:
        """The articles worth an exact score against `weights` (never `item_id` itself), or
        None when there are none."""
        total = self.total
        frequency = self.frequencies(weights)
        common = max(COMMON_SHARE * total, COMMON_MIN_POSTINGS)
        partial: dict[int, float] = {}
        linked: set[int] = set()
        get = partial.get
        for term, weight in weights.items():
            df = frequency.get(term, 0)
            if df <= 1:
                continue
            if term.startswith(LINK_PREFIX):
                if df <= LINK_MAX_ARTICLES:
                    linked.update(self.postings[term])
                continue
            if df > common:
                continue
            square = idf(df, total) ** 2
            for other, own in self.postings[term].items():
                partial[other] = get(other, 0.0) + weight * own * square
        partial.pop(item_id, None)
        linked.discard(item_id)
        if not partial and not linked:
            return None
        best = heapq.nsmallest(RERANK, partial, key=lambda i: (-partial[i], i))
        chosen = best + sorted(linked - set(best))
        vectors = {c: self.vector(c) for c in chosen}
        missing = {t for v in vectors.values() for t in v if t not in frequency}
        frequency.update(self.frequencies(missing))
        return Candidates(chosen, vectors, frequency, total)
