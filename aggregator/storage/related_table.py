"""The related search's candidates read from the `article_terms` table itself.

For processes that share the index with others writing it at the same time (the workers of a
cluster): every search counts the document frequencies and the archive's size in the
database, which costs time that grows with the archive (124 ms per search at 2,000 articles).
A process that drafts alone keeps the index in memory instead (`aggregator.text.term_index`),
with the same candidates and the same scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from aggregator.storage.tables import article_terms
from aggregator.text.links import LINK_PREFIX
from aggregator.text.similarity import LINK_MAX_ARTICLES, idf
from aggregator.text.term_index import COMMON_MIN_POSTINGS, COMMON_SHARE, RERANK, Candidates


def from_table(
    conn: sa.Connection, item_id: int, weights: Mapping[str, float]
) -> Candidates | None:
    """The candidates for `weights` (never `item_id`), with what scoring them needs."""
    total = conn.execute(
        sa.select(sa.func.count(sa.distinct(article_terms.c.item_id)))
    ).scalar_one()
    frequency = frequencies(conn, list(weights))
    candidates = _candidates(conn, item_id, weights, frequency, total)
    if not candidates:
        return None
    vectors = _vectors(conn, candidates)
    missing = {t for v in vectors.values() for t in v if t not in frequency}
    frequency.update(frequencies(conn, list(missing)))
    return Candidates(candidates, vectors, frequency, total)


def all_rows(conn: sa.Connection) -> Iterable[tuple[int, str, float]]:
    """Every (item, term, weight) row of the index, an article's rows together."""
    rows = conn.execute(
        sa.select(article_terms.c.item_id, article_terms.c.term, article_terms.c.weight).order_by(
            article_terms.c.item_id, article_terms.c.term
        )
    )
    return ((item_id, term, weight) for item_id, term, weight in rows)


def row_count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(article_terms)).scalar_one())


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


def frequencies(conn: sa.Connection, terms: list[str]) -> dict[str, int]:
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
