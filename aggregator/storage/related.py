"""Related articles: a TF-IDF cosine over each article's strongest terms, with links as evidence.

The index is a plain table (`article_terms`: item, term, weight) that works the same on SQLite
and PostgreSQL. Each article keeps its strongest word terms (unit length, names and figures
weighted up: `drafting.analysis.index_terms`) and its links (`text.links`, terms that start
with LINK_PREFIX). Document frequencies are counted at query time, so nothing needs
recomputing as the archive grows: in the table (`storage.related_table`, for processes that
share the index with others writing it), or in a copy of the table held in memory
(`text.term_index`, for the process that writes it alone: the service, the CLI), which gives
the same candidates and scores 6 to 10 times sooner (2,000 to 10,000 articles).

The score is the cosine of the two articles' idf-weighted word vectors (idf = ln((N + 1) /
(df + 1)) + 1, N the indexed articles, df those carrying the term): the whole of both vectors
counts, terms no other article carries included, so sharing a few common words scores low on
a small archive as on a large one, and the score is the same from either side. A search runs
in two steps: the postings of the query's terms that are not on a large share of the archive
(COMMON_SHARE) name the candidates, and the RERANK best of them by partial dot product get the
exact cosine from all their terms. An article that shares a rare link with the query (one
carried by at most LINK_MAX_ARTICLES articles: it cites the other, or both cite one source)
scores at least LINKED_SCORE, which lies above the threshold the drafter shows.

Two articles with the same address (one story reached through two feeds), or with a cosine of
SAME_STORY or more (a syndicated copy, a republished post), are the *same story*: they are
returned flagged as such, for "also reported by", never as related news.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from aggregator.storage.articles import BACKLOG
from aggregator.storage.database import Database
from aggregator.storage.related_table import all_rows, from_table, row_count
from aggregator.storage.tables import article_terms, articles, feeds, items
from aggregator.text.links import normalise_link
from aggregator.text.similarity import Match, Scorer, enough
from aggregator.text.term_index import Candidates, TermIndex

MAX_COPIES = 20


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    """A stored article related to the query: `score` the cosine in [0, 1] (four decimals,
    at least LINKED_SCORE with a shared link), `shared` the word terms both carry, strongest
    for the query first, `links` the shared links, `same_story` for a copy of the query's
    own story."""

    item_id: int
    feed: str
    title: str | None
    url: str
    published: datetime | None
    text: str
    language: str | None
    score: float
    shared: tuple[str, ...]
    links: tuple[str, ...] = ()
    same_story: bool = False
    copy_of: int | None = None
    """For a related article that repeats another one found (the same story through another
    feed): that one's item id. Not listed, but told when the query's article arrives."""


@dataclass(frozen=True, slots=True)
class TitleToIndex:
    """A stored item whose article was not fetched, to be indexed by its title."""

    item_id: int
    title: str
    url: str | None
    language: str | None


class RelatedIndex:
    def __init__(self, store: Database, in_memory: bool = False) -> None:
        """`in_memory`: search a copy of the index held in this process (`TermIndex`), for a
        process that is the only one writing the index (the embedded service, the CLI); it is
        read whole on the first search and again whenever the table holds another number of
        rows than the copy (another process wrote, old articles were cleaned up)."""
        self.store = store
        self.in_memory = in_memory
        self.memory: TermIndex | None = None
        self.lock = threading.Lock()

    def save_terms(self, item_id: int, weights: Mapping[str, float]) -> None:
        with self.lock:
            with self.store.writing() as conn:
                conn.execute(article_terms.delete().where(article_terms.c.item_id == item_id))
                if weights:
                    conn.execute(
                        article_terms.insert(),
                        [{"item_id": item_id, "term": t, "weight": w} for t, w in weights.items()],
                    )
            if self.memory is not None:
                self.memory.put(item_id, weights)

    def unindexed_backlog(self, limit: int) -> list[TitleToIndex]:
        """Items held back on a first fetch (no article fetched) that the index does not
        know yet, newest first: their titles make them findable as related news."""
        indexed = sa.select(article_terms.c.item_id).where(article_terms.c.item_id == items.c.id)
        query = (
            sa.select(
                items.c.id,
                items.c.title,
                items.c.url,
                sa.func.coalesce(feeds.c.language, feeds.c.feed_language).label("language"),
            )
            .select_from(
                items.join(articles, articles.c.item_id == items.c.id).join(
                    feeds, feeds.c.id == items.c.feed_id
                )
            )
            .where(articles.c.state == BACKLOG, ~indexed.exists())
            .order_by(sa.func.coalesce(items.c.published, items.c.first_seen_at).desc())
            .limit(limit)
        )
        with self.store.engine.connect() as conn:
            return [
                TitleToIndex(r.id, r.title or "", r.url, r.language) for r in conn.execute(query)
            ]

    def save_many(self, weights: Mapping[int, Mapping[str, float]]) -> None:
        """Index several articles in one transaction (each one's terms replaced)."""
        if not weights:
            return
        with self.lock:
            with self.store.writing() as conn:
                conn.execute(
                    article_terms.delete().where(article_terms.c.item_id.in_(list(weights)))
                )
                rows = [
                    {"item_id": item_id, "term": t, "weight": w}
                    for item_id, terms in weights.items()
                    for t, w in terms.items()
                ]
                if rows:
                    conn.execute(article_terms.insert(), rows)
            if self.memory is not None:
                for item_id, terms in weights.items():
                    self.memory.put(item_id, terms)

    def terms_of(self, item_id: int) -> dict[str, float]:
        """The indexed terms of one article (empty when it is not indexed)."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(article_terms.c.term, article_terms.c.weight).where(
                    article_terms.c.item_id == item_id
                )
            )
            return {term: float(weight) for term, weight in rows}

    def related(
        self,
        item_id: int,
        weights: Mapping[str, float],
        limit: int,
        min_score: float,
        url: str | None = None,
    ) -> list[RelatedArticle]:
        """Stored articles with a link and a text or title that score at least `min_score` against
        `weights`, best first, never the item itself: the copies of the same story (same
        address as `url`, or near-identical text; up to MAX_COPIES), then up to `limit`
        related ones."""
        if not weights or limit <= 0:
            return []
        with self.store.engine.connect() as conn:
            candidates = self._candidates(conn, item_id, weights)
            if candidates is None:
                return []
            vectors = candidates.vectors
            scorer = Scorer(candidates.frequency, candidates.total)
            matches = [
                m
                for m in (scorer.match(c, weights, vectors.get(c, {})) for c in candidates.item_ids)
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
            first = next((k for k in related if _one_story(article, k, vectors, scorer)), None)
            if first is None:
                related.append(article)
            else:  # a story reached through two feeds is listed once
                repeats.append(dataclasses.replace(article, copy_of=first.item_id))
        shown = related[:limit]
        listed = {r.item_id for r in shown}
        return copies + shown + [r for r in repeats if r.copy_of in listed]

    def _candidates(
        self, conn: sa.Connection, item_id: int, weights: Mapping[str, float]
    ) -> Candidates | None:
        if not self.in_memory:
            return from_table(conn, item_id, weights)
        with self.lock:
            if self.memory is None or self.memory.rows != row_count(conn):
                self.memory = TermIndex.of(all_rows(conn))
            return self.memory.candidates(item_id, weights)


def _one_story(
    one: RelatedArticle,
    other: RelatedArticle,
    vectors: Mapping[int, Mapping[str, float]],
    scorer: Scorer,
) -> bool:
    """Whether two found articles are copies of one story: one address, or near-identical."""
    if _same_address(one.url, normalise_link(other.url)):
        return True
    a, b = vectors.get(one.item_id, {}), vectors.get(other.item_id, {})
    return scorer.match(other.item_id, a, b).same_story


def _same_address(url: str, page: str | None) -> bool:
    """Whether `url` names `page` (a normalised link; None never matches)."""
    return page is not None and normalise_link(url) == page


def _copy(article: RelatedArticle) -> RelatedArticle:
    return article if article.same_story else dataclasses.replace(article, same_story=True)


def _articles(conn: sa.Connection, matches: Iterable[Match]) -> list[RelatedArticle]:
    ranked = list(matches)
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
            articles.c.state,
            articles.c.language,
        )
        .select_from(
            items.join(feeds, feeds.c.id == items.c.feed_id).join(
                articles, articles.c.item_id == items.c.id
            )
        )
        .where(items.c.id.in_([m.item_id for m in ranked]))
    ).all()
    by_id = {r.id: r for r in rows}
    found = []
    for m in ranked:
        row = by_id.get(m.item_id)
        if row is None or not row.url or not (row.text or row.title):
            continue
        if row.text is None and row.state != BACKLOG:
            continue  # queued for extraction: it will be indexed by its text soon
        found.append(
            RelatedArticle(
                item_id=m.item_id,
                feed=row.name,
                title=row.title,
                url=row.url,
                published=row.published,
                text=row.text or "",
                language=row.language,
                score=m.score,
                shared=m.shared,
                links=m.links,
                same_story=m.same_story,
            )
        )
    return found
