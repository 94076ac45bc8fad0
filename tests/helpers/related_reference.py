"""The related search as it was before the index was held in memory: the reference the
agreement tests (and bench/related.py --speed) hold the shipped search to.

Kept verbatim: every search reads the archive's size and the document frequencies from the
table, and `match`/`norm` recompute each idf. Only the final read of the found articles is the
shipped one (`_articles`), which the change left alone.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from aggregator.storage.related import (
    MAX_COPIES,
    RelatedArticle,
    _articles,
    _copy,
    _same_address,
)
from aggregator.storage.tables import article_terms
from aggregator.text.links import LINK_PREFIX, normalise_link
from aggregator.text.similarity import (
    LINK_MAX_ARTICLES,
    LINKED_SCORE,
    SAME_STORY,
    Match,
    enough,
    idf,
)

COMMON_SHARE = 0.25
COMMON_MIN_POSTINGS = 200
RERANK = 60


def reference_related(
    store: Any,
    item_id: int,
    weights: Mapping[str, float],
    limit: int,
    min_score: float,
    url: str | None = None,
) -> list[RelatedArticle]:
    """`RelatedIndex(store).related(...)` as it was."""
    if not weights or limit <= 0:
        return []
    with store.engine.connect() as conn:
        total = conn.execute(
            sa.select(sa.func.count(sa.distinct(article_terms.c.item_id)))
        ).scalar_one()
        frequency = _frequencies(conn, list(weights))
        candidates = _candidates(conn, item_id, weights, frequency, total)
        if not candidates:
            return []
        vectors = _vectors(conn, list(candidates))
        missing = {t for v in vectors.values() for t in v if t not in frequency}
        frequency.update(_frequencies(conn, list(missing)))
        matches = [
            m
            for m in (match(c, weights, vectors.get(c, {}), frequency, total) for c in candidates)
            if m.score >= min_score and (m.same_story or enough(m))
        ]
        matches.sort(key=lambda m: (-m.score, m.item_id))
        same = [m for m in matches if m.same_story][:MAX_COPIES]
        others = [m for m in matches if not m.same_story][: limit * 3]
        found = _articles(conn, same + others)
    own = normalise_link(url) if url else None
    copies = [_copy(r) for r in found if r.same_story or _same_address(r.url, own)]
    related: list[RelatedArticle] = []
    repeats: list[RelatedArticle] = []
    for article in found:
        if article.same_story or _same_address(article.url, own):
            continue
        first = next(
            (k for k in related if _one_story(article, k, vectors, frequency, total)), None
        )
        if first is None:
            related.append(article)
        else:  # a story reached through two feeds is listed once
            repeats.append(dataclasses.replace(article, copy_of=first.item_id))
    shown = related[:limit]
    listed = {r.item_id for r in shown}
    return copies + shown + [r for r in repeats if r.copy_of in listed]


def _one_story(
    one: RelatedArticle,
    other: RelatedArticle,
    vectors: Mapping[int, Mapping[str, float]],
    frequency: Mapping[str, int],
    total: int,
) -> bool:
    """Whether two found articles are copies of one story: one address, or near-identical."""
    if _same_address(one.url, normalise_link(other.url)):
        return True
    a, b = vectors.get(one.item_id, {}), vectors.get(other.item_id, {})
    return match(other.item_id, a, b, frequency, total).same_story


def _candidates(
    conn: sa.Connection,
    item_id: int,
    weights: Mapping[str, float],
    frequency: Mapping[str, int],
    total: int,
) -> list[int]:
    """The articles worth an exact score: the RERANK best by partial dot product over the
    query's words that are not common, and every article sharing a rare link."""
    common = max(COMMON_SHARE * total, COMMON_MIN_POSTINGS)
    words = [
        t for t in weights if not t.startswith(LINK_PREFIX) and 1 < frequency.get(t, 0) <= common
    ]
    links = [
        t
        for t in weights
        if t.startswith(LINK_PREFIX) and 1 < frequency.get(t, 0) <= LINK_MAX_ARTICLES
    ]
    if not words and not links:
        return []
    postings = conn.execute(
        sa.select(article_terms.c.item_id, article_terms.c.term, article_terms.c.weight).where(
            article_terms.c.term.in_(words + links), article_terms.c.item_id != item_id
        )
    ).all()
    partial: dict[int, float] = defaultdict(float)
    linked: set[int] = set()
    for other, term, weight in postings:
        if term.startswith(LINK_PREFIX):
            linked.add(other)
        else:
            partial[other] += weights[term] * weight * idf(frequency[term], total) ** 2
    best = sorted(partial, key=lambda i: (-partial[i], i))[:RERANK]
    return best + sorted(linked - set(best))


def _vectors(conn: sa.Connection, item_ids: list[int]) -> dict[int, dict[str, float]]:
    vectors: dict[int, dict[str, float]] = defaultdict(dict)
    rows = conn.execute(
        sa.select(article_terms.c.item_id, article_terms.c.term, article_terms.c.weight).where(
            article_terms.c.item_id.in_(item_ids)
        )
    )
    for other, term, weight in rows:
        vectors[other][term] = weight
    return vectors


def _frequencies(conn: sa.Connection, terms: list[str]) -> dict[str, int]:
    """How many indexed articles carry each of `terms` (the query's own included)."""
    frequency: dict[str, int] = {}
    for start in range(0, len(terms), 900):  # SQLite's limit on bound parameters
        chunk = terms[start : start + 900]
        counts = conn.execute(
            sa.select(article_terms.c.term, sa.func.count())
            .where(article_terms.c.term.in_(chunk))
            .group_by(article_terms.c.term)
        ).all()
        frequency.update({term: int(n) for term, n in counts})
    return frequency


def match(
    item_id: int,
    query: Mapping[str, float],
    other: Mapping[str, float],
    frequency: Mapping[str, int],
    total: int,
) -> Match:
    """The exact score of `other` against `query` (both whole term vectors)."""
    dot, shared, links = 0.0, [], []
    for term, weight in query.items():
        if term not in other:
            continue
        if term.startswith(LINK_PREFIX):
            if frequency.get(term, 0) <= LINK_MAX_ARTICLES:
                links.append(term.removeprefix(LINK_PREFIX))
            continue
        dot += weight * other[term] * idf(frequency.get(term, 1), total) ** 2
        shared.append(term)
    both = norm(query, frequency, total) * norm(other, frequency, total)
    cosine = min(1.0, dot / both) if both else 0.0
    score = max(cosine, LINKED_SCORE) if links else cosine
    ordered = sorted(shared, key=lambda t: (-query[t] * idf(frequency.get(t, 1), total), t))
    return Match(item_id, round(score, 4), tuple(ordered), tuple(links), cosine >= SAME_STORY)


def norm(vector: Mapping[str, float], frequency: Mapping[str, int], total: int) -> float:
    return math.sqrt(
        sum(
            (w * idf(frequency.get(t, 1), total)) ** 2
            for t, w in vector.items()
            if not t.startswith(LINK_PREFIX)
        )
    )
