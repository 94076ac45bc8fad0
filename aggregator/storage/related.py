"""Related articles by shared terms: each article keeps its strongest terms, weighted.

The index is a plain table (`article_terms`: item, term, weight) that works the same on SQLite
and PostgreSQL. A query fetches the postings of the article's own terms, weighs each shared term
by its inverse document frequency (computed from the same table at query time, so nothing needs
recomputing as the archive grows) and ranks by the sum: a TF-IDF dot product over each article's
top terms.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from aggregator.storage.tables import article_terms, articles, feeds, items

MIN_SHARED_TERMS = 3
MAX_POSTINGS_TERMS = 60


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    item_id: int
    feed: str
    title: str | None
    url: str
    published: datetime | None
    text: str
    language: str | None
    score: float
    shared: tuple[str, ...]


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
        """Stored articles sharing at least MIN_SHARED_TERMS weighted terms with `weights`,
        best first; only articles with a link, never the item itself."""
        if not weights or limit <= 0:
            return []
        terms = sorted(weights, key=lambda t: -weights[t])[:MAX_POSTINGS_TERMS]
        with self.store.engine.connect() as conn:
            total = conn.execute(
                sa.select(sa.func.count(sa.distinct(article_terms.c.item_id)))
            ).scalar_one()
            postings = conn.execute(
                sa.select(
                    article_terms.c.item_id, article_terms.c.term, article_terms.c.weight
                ).where(article_terms.c.term.in_(terms), article_terms.c.item_id != item_id)
            ).all()
            scores = _scores(postings, weights, total)
            ranked = [
                (i, s, shared)
                for i, (s, shared) in scores.items()
                if s >= min_score and len(shared) >= MIN_SHARED_TERMS
            ]
            ranked.sort(key=lambda r: (-r[1], r[0]))
            return _articles(conn, ranked[: limit * 2])[:limit]


def _scores(
    postings: list[sa.Row[Any]], weights: Mapping[str, float], total: int
) -> dict[int, tuple[float, list[str]]]:
    frequency: dict[str, int] = defaultdict(int)
    for row in postings:
        frequency[row.term] += 1
    scores: dict[int, tuple[float, list[str]]] = {}
    for row in postings:
        idf = math.log((total + 1) / (frequency[row.term] + 1)) + 1.0
        score, shared = scores.get(row.item_id, (0.0, []))
        shared.append(row.term)
        scores[row.item_id] = (score + weights[row.term] * row.weight * idf * idf, shared)
    return scores


def _articles(
    conn: sa.Connection, ranked: list[tuple[int, float, list[str]]]
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
