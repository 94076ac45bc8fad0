"""The related search's index held in memory: postings per term, the terms of each article.

A mirror of the `article_terms` table (`aggregator.storage.related`) for the process that
drafts: document frequencies are the postings' lengths and the archive's size the number of
articles, so a search reads neither from the database, and only the postings of the query's
own terms are walked. The search over it is the same as over the table, step for step: the
same candidates (the RERANK best by partial dot product over the query's words that are not
common, and every article sharing a rare link), the same whole vectors and frequencies handed
to `aggregator.text.similarity.match`; `tests/storage/test_related_agreement.py` holds the two
to the same results.

Memory: arrays of machine numbers, not Python objects per posting: a term's postings are an
array of article ids and one of weights, an article's terms a tuple beside an array of its
weights (about 4 MB per 1,000 articles of 80 terms, against 11 MB as dicts). Not
thread-safe: the caller holds a lock.
"""

from __future__ import annotations

import heapq
import sys
from array import array
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
    """Postings `term -> (items, weights)` and `item -> (terms, weights)`, kept in step by
    `put`/`drop`."""

    def __init__(self) -> None:
        self.postings: dict[str, tuple[array[int], array[float]]] = {}
        """Each term's articles and their weights for it, side by side."""
        self.terms: dict[int, tuple[tuple[str, ...], array[float]]] = {}
        """Each article's terms and their weights, in the order they were given."""
        self.rows = 0
        """Rows of the table this mirrors (one per article and term)."""

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str, float]]) -> TermIndex:
        """Built from (item, term, weight) rows, as the table holds them: one article at a time
        when the rows come grouped by article (they may come in any order)."""
        index = cls()
        current: int | None = None
        weights: dict[str, float] = {}
        for item_id, term, weight in rows:
            if item_id != current:
                index._add(current, weights)
                current, weights = item_id, {}
            weights[term] = weight
        index._add(current, weights)
        return index

    def _add(self, item_id: int | None, weights: dict[str, float]) -> None:
        if item_id is not None and weights:
            self.put(item_id, self.vector(item_id) | weights)

    @property
    def total(self) -> int:
        """Indexed articles."""
        return len(self.terms)

    def put(self, item_id: int, weights: Mapping[str, float]) -> None:
        """The article's terms replaced by `weights` (none: it leaves the index)."""
        self.drop(item_id)
        if not weights:
            return
        postings, names = self.postings, []
        for name, weight in weights.items():
            term = sys.intern(name)  # one string per term, not one per row read
            names.append(term)
            carriers = postings.get(term)
            if carriers is None:
                carriers = postings[term] = (array("q"), array("d"))
            carriers[0].append(item_id)
            carriers[1].append(weight)
        self.terms[item_id] = (tuple(names), array("d", weights.values()))
        self.rows += len(weights)

    def drop(self, item_id: int) -> None:
        own = self.terms.pop(item_id, None)
        if own is None:
            return
        for term in own[0]:
            items, weights = self.postings[term]
            at = items.index(item_id)
            del items[at]
            del weights[at]
            if not items:
                del self.postings[term]
        self.rows -= len(own[0])

    def vector(self, item_id: int) -> dict[str, float]:
        own = self.terms.get(item_id)
        return dict(zip(own[0], own[1], strict=True)) if own is not None else {}

    def carriers(self, term: str) -> dict[int, float]:
        """The articles that carry `term`, with their weights for it."""
        items, weights = self.postings.get(term, ((), ()))
        return dict(zip(items, weights, strict=True))

    def frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many articles carry each of `terms` (those no article carries left out)."""
        frequency = {}
        for term in terms:
            carriers = self.postings.get(term)
            if carriers is not None:
                frequency[term] = len(carriers[0])
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
                    linked.update(self.postings[term][0])
                continue
            if df > common:
                continue
            square = idf(df, total) ** 2
            items, weights_of = self.postings[term]
            for other, own in zip(items, weights_of, strict=True):
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
