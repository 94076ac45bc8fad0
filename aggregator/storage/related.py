"""Related articles by shared terms: each article keeps its strongest terms, weighted.

The index is a plain table (`article_terms`: item, term, weight) that works the same on SQLite
and PostgreSQL. A query takes the article's MAX_POSTINGS_TERMS strongest terms, counts how many
other indexed articles carry each (the document frequency, read from the same table at query
time, so nothing needs recomputing as the archive grows) and fetches the postings of the terms
that can matter. A shared term adds `query weight x article weight x idf²` (idf =
ln((N + 1) / (df + 1)) + 1, N the indexed articles): a TF-IDF dot product over each article's
top terms.

The score shown and thresholded is that sum divided by the query's self-score: the sum of
`query weight² x idf²` over those of the same query terms that some other indexed article
carries. It is the share of the query's matchable idf-weighted mass that the other article
matches: 1 for an article with the query's very terms and weights, near 0 for one that shares a
few weak terms, capped at 1 (an article can weigh the shared terms more than the query does).
The drafter shows articles from 0.2 up: a fifth of what the query could match. Raw sums drift
with the archive, since idf does; the share hardly does, so one threshold means the same on a
small archive and a large one. Terms no other article carries are left out of the self-score
because they cannot be matched: with them, an article full of names nobody else mentions would
score low against everything, and the threshold would pick worse (bench/related.py measures
both).

Terms on more than COMMON_SHARE of the indexed articles (and on at least COMMON_MIN_POSTINGS)
are not fetched: their idf² is a small fraction of a specific term's, so they barely move a
ranking, yet they bring thousands of postings. They still count in the self-score, as terms
the other article does not match. Below COMMON_MIN_POSTINGS there is nothing to save, and on a
small archive nearly every term is on a large share of it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from aggregator.storage.tables import article_terms, articles, feeds, items

MIN_SHARED_TERMS = 3
MAX_POSTINGS_TERMS = 60
COMMON_SHARE = 0.25
COMMON_MIN_POSTINGS = 200


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    """A stored article related to the query: `score` is the normalised share in [0, 1] (four
    decimals), `shared` the terms it shares with the query, strongest for the query first."""

    item_id: int
    feed: str
    title: str | None
    url: str
    published: datetime | None
    text: str
    language: str | None
    score: float
    shared: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """Per query term: what one unit of an article's weight adds to the raw score (query
    weight x idf²); the terms worth fetching; the query's self-score over its terms that
    another indexed article carries."""

    factors: dict[str, float]
    fetched: tuple[str, ...]
    self_score: float


class RelatedIndex:
    def __init__(self, store: Any) -> None:
        self.store = store

    def save_terms(self, item_id: int, weights: Mapping[str, float]) -> None:
        with self.store.writing() as conn:
            conn.execute(article_terms.delete().where(article_terms.c.item_id == item_id))
            if weights:
                conn.execute(
                    article_terms.insert(),
                    [{"item_id": item_id, "term": t, "weight": w} for t, w in weights.items()],
                )

    def related(
        self, item_id: int, weights: Mapping[str, float], limit: int, min_score: float
    ) -> list[RelatedArticle]:
        """Stored articles sharing at least MIN_SHARED_TERMS weighted terms with `weights` and
        a normalised score of at least `min_score`, best first; only articles with a link and
        text, never the item itself."""
        if not weights or limit <= 0:
            return []
        terms = strongest(weights, MAX_POSTINGS_TERMS)
        with self.store.engine.connect() as conn:
            total = conn.execute(
                sa.select(sa.func.count(sa.distinct(article_terms.c.item_id)))
            ).scalar_one()
            query = query_terms(weights, terms, _frequencies(conn, item_id, terms), total)
            if not query.fetched or query.self_score <= 0:
                return []
            postings = conn.execute(
                sa.select(
                    article_terms.c.item_id, article_terms.c.term, article_terms.c.weight
                ).where(article_terms.c.term.in_(query.fetched), article_terms.c.item_id != item_id)
            ).all()
            ranked = rank(postings, query, min_score)
            return _articles(conn, ranked[: limit * 2])[:limit]


def strongest(weights: Mapping[str, float], count: int) -> list[str]:
    """The `count` terms of highest weight, ties in alphabetical order."""
    return sorted(weights, key=lambda t: (-weights[t], t))[:count]


def query_terms(
    weights: Mapping[str, float],
    terms: Iterable[str],
    frequency: Mapping[str, int],
    total: int,
    *,
    common_share: float = COMMON_SHARE,
) -> QueryTerms:
    """Idf once per query term, from `frequency` (other indexed articles with the term) and
    `total` (indexed articles); terms on more than `common_share` of them are not fetched."""
    common = max(common_share * total, COMMON_MIN_POSTINGS)
    factors, fetched, self_score = {}, [], 0.0
    for term in terms:
        df = frequency.get(term, 0)
        idf2 = (math.log((total + 1) / (df + 1)) + 1.0) ** 2
        factors[term] = weights[term] * idf2
        if df > 0:
            self_score += weights[term] * factors[term]
            if df <= common:
                fetched.append(term)
    return QueryTerms(factors, tuple(fetched), self_score)


def rank(
    postings: Iterable[tuple[int, str, float]], query: QueryTerms, min_score: float
) -> list[tuple[int, float, tuple[str, ...]]]:
    """(item, normalised score, shared terms strongest first) of the articles that pass the
    thresholds, best first."""
    factors = query.factors
    scores: dict[int, float] = defaultdict(float)
    shared: dict[int, list[str]] = defaultdict(list)
    for item_id, term, weight in postings:
        scores[item_id] += factors[term] * weight
        shared[item_id].append(term)
    ranked = []
    for item_id, score in scores.items():
        normalised = min(1.0, score / query.self_score)
        terms = shared[item_id]
        if normalised >= min_score and len(terms) >= MIN_SHARED_TERMS:
            ordered = tuple(sorted(terms, key=lambda t: -factors[t]))
            ranked.append((item_id, normalised, ordered))
    ranked.sort(key=lambda r: (-r[1], r[0]))
    return ranked


def _frequencies(conn: sa.Connection, item_id: int, terms: list[str]) -> dict[str, int]:
    """How many indexed articles other than `item_id` carry each of `terms`."""
    counts = conn.execute(
        sa.select(article_terms.c.term, sa.func.count())
        .where(article_terms.c.term.in_(terms))
        .group_by(article_terms.c.term)
    ).all()
    frequency = {term: int(n) for term, n in counts}
    own = conn.execute(
        sa.select(article_terms.c.term).where(
            article_terms.c.item_id == item_id, article_terms.c.term.in_(terms)
        )
    ).scalars()
    for term in own:
        frequency[term] -= 1
    return frequency


def _articles(
    conn: sa.Connection, ranked: list[tuple[int, float, tuple[str, ...]]]
) -> list[RelatedArticle]:
    if not ranked:
        return []
    rows = conn.execute(
        sa.select(
            items.c.id,
            feeds.c.name,
            sa.func.coalesce(articles.c.title, items.c.title).label("title"),
            sa.func.coalesce(articles.c.url, items.c.url).label("url"),
            sa.func.coalesce(articles.c.published, items.c.published).label("published"),
            articles.c.text,
            articles.c.language,
        )
        .select_from(
            items.join(feeds, feeds.c.id == items.c.feed_id).join(
                articles, articles.c.item_id == items.c.id
            )
        )
        .where(items.c.id.in_([i for i, _, _ in ranked]))
    ).all()
    by_id = {r.id: r for r in rows}
    found = []
    for item_id, score, shared in ranked:
        row = by_id.get(item_id)
        if row is None or not row.url or not row.text:
            continue
        found.append(
            RelatedArticle(
                item_id=item_id,
                feed=row.name,
                title=row.title,
                url=row.url,
                published=row.published,
                text=row.text,
                language=row.language,
                score=round(score, 4),
                shared=tuple(shared),
            )
        )
    return found
