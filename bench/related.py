"""How well the related-article search finds related articles, against baselines on one corpus.

Run by hand: `.venv/bin/python bench/related.py [--max-share 0.10] [--scale 3 6]
[--json figures.json]`. Reads the real feed captures of `../shared/data/feeds/real/` in place.
Every item with at least MIN_TEXT characters of text is an article (repeats dropped). There are
no hand labels: two articles are related when they come from the same feed and share a specific
category, one that is on at least two of that feed's articles and on at most `--max-share` of
them (never fewer than two) and is not a generic one ("uncategorized"). Articles of other feeds
never count as related, for every method alike. Queries are the articles that have a related
partner; every article is a candidate.

The package's method runs as the drafter runs it, on a real SQLite store (`RelatedIndex`, with
the drafter's limit and minimum score); the package's own scoring functions fed from postings in
memory, checked to give the store's rankings and scores, give its variants. Baselines: TF-IDF
cosine over all terms, Okapi BM25 with the article's query terms, and random picks. Then: a
sweep of the minimum normalised score, the effect of skipping common terms, the score on
smaller archives, and (`--scale`) the time of a query on the corpus replicated to a larger
archive.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gc
import hashlib
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from aggregator.articles.language import detect_language
from aggregator.config import FeedConfig
from aggregator.drafting.analysis import INDEX_TERMS, TITLE_WEIGHT, index_terms
from aggregator.drafting.drafter import RELATED_MIN_SCORE
from aggregator.drafting.settings import DraftingSettings
from aggregator.errors import ParseError
from aggregator.feeds.identity import content_hash, item_identity
from aggregator.feeds.parse import parse_feed
from aggregator.feeds.plan import keyed
from aggregator.records import Article, FeedUpdate, NextCheck, Outcome, ParsedItem, Quality
from aggregator.sanitize import html_to_text
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.related import (
    COMMON_SHARE,
    MAX_POSTINGS_TERMS,
    QueryTerms,
    RelatedIndex,
    query_terms,
    rank,
    strongest,
)
from aggregator.storage.store import Store
from aggregator.storage.tables import article_terms
from aggregator.text.terms import terms

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "feeds" / "real"
MIN_TEXT = 300
DEPTH = 10
GENERIC = frozenset({"uncategorized", "uncategorised", "general", "news", "blog", "misc", "other"})
NOW = datetime(2026, 1, 1, tzinfo=UTC)
BASELINE = "TF-IDF cosine, all terms"
BEFORE_TERMS = 40
CUTOFFS = (0.0, 0.05, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.22, 0.25, 0.30)
COMMON_SHARES = (1.0, 0.50, 0.25, 0.15, 0.10, 0.05)
ARCHIVE_SHARES = (0.25, 0.50, 1.0)
HIT_TARGETS = (0.55, 0.50, 0.45, 0.40)
TIMED_QUERIES = 200

Ranking = list[int]
Scored = list[tuple[int, float, tuple[str, ...]]]
Index = Sequence[Mapping[str, float]]
Postings = Mapping[str, list[tuple[int, float]]]


@dataclass(frozen=True, slots=True)
class Doc:
    feed: str
    item: ParsedItem
    text: str
    language: str | None
    categories: frozenset[str]


@dataclass(frozen=True, slots=True)
class Corpus:
    docs: list[Doc]
    files: int
    unreadable: int
    items: int
    repeats: int


@dataclass(frozen=True, slots=True)
class Scores:
    precision_at_5: float
    recall_at_10: float
    mrr: float
    coverage: float
    hit: float


def feed_keys(root: Path) -> dict[str, str]:
    """The original URL of each capture: two captures of one feed are one feed."""
    with (root / "index.csv").open(encoding="utf-8") as handle:
        return {row["path"]: row["original_url"] or row["path"] for row in csv.DictReader(handle)}


def load_corpus(root: Path) -> Corpus:
    keys = feed_keys(root)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in (".md", ".csv"))
    docs: list[Doc] = []
    seen: set[str] = set()
    unreadable = items = repeats = 0
    for path in files:
        name = path.relative_to(root).as_posix()
        try:
            feed = parse_feed(path.read_bytes(), url=f"https://bench.invalid/{name}")
        except ParseError:
            unreadable += 1
            continue
        key = keys.get(name, name)
        for item in feed.items:
            items += 1
            text = html_to_text(item.content or item.summary or "")
            if len(text) < MIN_TEXT:
                continue
            identity = item_identity(item, content_hash(item))
            fingerprint = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
            if fingerprint in seen or f"{key}\0{identity}" in seen:
                repeats += 1
                continue
            seen.update((fingerprint, f"{key}\0{identity}"))
            language = detect_language(text)[0] or feed.language
            tags = frozenset(c.strip().lower() for c in item.categories) - GENERIC
            docs.append(Doc(key, item, text, language, tags))
    return Corpus(docs, len(files), unreadable, items, repeats)


def related_partners(docs: Sequence[Doc], max_share: float) -> list[frozenset[int]]:
    """For each article, the articles of its feed that share a specific category with it."""
    by_feed: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_feed[doc.feed].append(i)
    partners: list[frozenset[int]] = [frozenset()] * len(docs)
    for members in by_feed.values():
        counts = Counter(tag for i in members for tag in docs[i].categories)
        cap = max(2, int(max_share * len(members)))
        specific = {tag for tag, n in counts.items() if 2 <= n <= cap}
        for i in members:
            mine = docs[i].categories & specific
            partners[i] = frozenset(j for j in members if j != i and docs[j].categories & mine)
    return partners


def term_counts(doc: Doc) -> Counter[str]:
    """What `index_terms` counts: the text's terms, the title's TITLE_WEIGHT times."""
    counts = Counter(terms(doc.text, doc.language))
    for term in terms(doc.item.title or "", doc.language):
        counts[term] += TITLE_WEIGHT
    return counts


def top_terms(counts: Counter[str], size: int) -> dict[str, float]:
    """`index_terms` with another number of terms."""
    weights = {t: 1.0 + math.log(n) for t, n in counts.most_common(size)}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: round(w / norm, 6) for t, w in weights.items()}


def postings(vectors: Sequence[Mapping[str, float]]) -> dict[str, list[tuple[int, float]]]:
    found: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            found[term].append((i, weight))
    return found


def package_scores(
    index: Index, posts: Postings, q: int, idf_power: int = 2, common_share: float = COMMON_SHARE
) -> tuple[Scored, QueryTerms]:
    """`RelatedIndex.related` in memory, without a minimum score: the package's `query_terms`
    and `rank` on postings held here (idf over the indexed articles, the query left out).
    Another `idf_power` replaces query weight x idf² by query weight x idf^power."""
    weights = index[q]
    total = sum(1 for w in index if w)
    chosen = strongest(weights, MAX_POSTINGS_TERMS)
    frequency = {t: sum(d != q for d, _ in posts.get(t, ())) for t in chosen}
    query = query_terms(weights, chosen, frequency, total, common_share=common_share)
    if idf_power != 2:
        factors = {
            t: weights[t] * (math.log((total + 1) / (frequency[t] + 1)) + 1.0) ** idf_power
            for t in chosen
        }
        self_score = sum(weights[t] * f for t, f in factors.items())
        query = QueryTerms(factors, query.fetched, self_score)
    found = [(d, t, w) for t in query.fetched for d, w in posts[t] if d != q]
    return rank(found, query, 0.0), query


def cut(scored: Scored, limit: int, min_score: float) -> Ranking:
    """The first `limit` of a ranking with at least `min_score`."""
    return [d for d, s, _ in scored if s >= min_score][:limit]


def tfidf_cosine(counts: Sequence[Counter[str]]) -> Callable[[int], Ranking]:
    df = Counter(t for c in counts for t in c)
    n = len(counts)
    idf = {t: math.log((n + 1) / (k + 1)) + 1.0 for t, k in df.items()}
    vectors = []
    for c in counts:
        vector = {t: (1.0 + math.log(k)) * idf[t] for t, k in c.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        vectors.append({t: w / norm for t, w in vector.items()})
    posts = postings(vectors)

    def search(q: int) -> Ranking:
        acc: dict[int, float] = defaultdict(float)
        for term, weight in vectors[q].items():
            for d, w in posts[term]:
                acc[d] += weight * w
        acc.pop(q, None)
        return [d for d, _ in sorted(acc.items(), key=lambda r: (-r[1], r[0]))[:DEPTH]]

    return search


def bm25(
    counts: Sequence[Counter[str]], queries: Sequence[Mapping[str, float]], k1: float, b: float
) -> Callable[[int], Ranking]:
    """Okapi BM25 over the full term counts; the query is the article's index terms."""
    n = len(counts)
    lengths = [sum(c.values()) for c in counts]
    average = sum(lengths) / n
    posts = postings([{t: float(k) for t, k in c.items()} for c in counts])

    def search(q: int) -> Ranking:
        acc: dict[int, float] = defaultdict(float)
        for term in queries[q]:
            found = posts.get(term, [])
            idf = math.log(1.0 + (n - len(found) + 0.5) / (len(found) + 0.5))
            for d, tf in found:
                acc[d] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[d] / average))
        acc.pop(q, None)
        return [d for d, _ in sorted(acc.items(), key=lambda r: (-r[1], r[0]))[:DEPTH]]

    return search


def random_picks(pools: Sequence[Sequence[int]], seed: int) -> Callable[[int], Ranking]:
    rng = random.Random(seed)

    def search(q: int) -> Ranking:
        pool = pools[q]
        picks = rng.sample(pool, min(len(pool), DEPTH + 1))
        return [d for d in picks if d != q][:DEPTH]

    return search


def evaluate(
    rankings: Mapping[int, Ranking], partners: Sequence[frozenset[int]]
) -> tuple[Scores, list[float]]:
    """The means over queries, and each query's reciprocal rank."""
    p5, r10, rr, covered, hit = [], [], [], 0, 0
    for q, ranking in rankings.items():
        good = partners[q]
        flags = [d in good for d in ranking[:DEPTH]]
        p5.append(sum(flags[:5]) / 5)
        r10.append(sum(flags) / len(good))
        rr.append(next((1 / (i + 1) for i, f in enumerate(flags) if f), 0.0))
        covered += bool(ranking)
        hit += any(flags)
    n = len(rankings)
    means = Scores(
        statistics.fmean(p5), statistics.fmean(r10), statistics.fmean(rr), covered / n, hit / n
    )
    return means, rr


def difference_interval(
    ours: Sequence[float], base: Sequence[float], seed: int, resamples: int = 2000
) -> tuple[float, float]:
    """95% paired bootstrap interval of mean(ours - base) over the same queries."""
    diffs = np.asarray(ours) - np.asarray(base)
    picks = np.random.default_rng(seed).integers(len(diffs), size=(resamples, len(diffs)))
    low, high = np.percentile(diffs[picks].mean(axis=1), [2.5, 97.5])
    return float(low), float(high)


def build_store(
    url: str, docs: Sequence[Doc], index: Sequence[dict[str, float]]
) -> tuple[Store, list[int], float]:
    """The corpus stored as the service stores it; returns item ids and seconds per save_terms."""
    store = Store.open(url)
    names = {feed: f"feed-{i:03d}" for i, feed in enumerate(dict.fromkeys(d.feed for d in docs))}
    store.sync_feeds([FeedConfig(name, feed) for feed, name in names.items()], NOW)
    feed_ids = {f.name: f.feed_id for f in store.feeds_to_fetch(NOW, 60, due_only=False)}
    update = FeedUpdate(Outcome.OK, NOW, NextCheck(NOW + timedelta(hours=1), "bench"), 0, 200)
    by_feed: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_feed[doc.feed].append(i)
    item_ids = [0] * len(docs)
    for feed, members in by_feed.items():
        records = keyed(docs[i].item for i in members)
        saved = store.save_refresh(feed_ids[names[feed]], update, records)
        assert len(saved.new_item_ids) == len(members), "an item was not stored as new"
        for i, item_id in zip(members, saved.new_item_ids, strict=True):
            item_ids[i] = item_id
    queue, related = ArticleQueue(store), RelatedIndex(store)
    spent = 0.0
    for i, doc in enumerate(docs):
        article = Article(
            "feed",
            doc.text,
            "",
            Quality(1.0),
            content_hash(doc.item),
            title=doc.item.title,
            language=doc.language,
        )
        queue.save(item_ids[i], article, doc.item.link or f"https://bench.invalid/{i}", NOW)
        start = time.perf_counter()
        related.save_terms(item_ids[i], index[i])
        spent += time.perf_counter() - start
    return store, item_ids, spent / len(docs)


def replicate(docs: Sequence[Doc], copies: int) -> list[Doc]:
    """The corpus `copies` times over, each copy in feeds of its own (for timing only)."""
    found = list(docs)
    for r in range(1, copies):
        for doc in docs:
            item = dataclasses.replace(
                doc.item,
                guid=None if doc.item.guid is None else f"{doc.item.guid}#{r}",
                link=None if doc.item.link is None else f"{doc.item.link}#{r}",
            )
            found.append(dataclasses.replace(doc, feed=f"{doc.feed}#{r}", item=item))
    return found


def store_rankings(
    store: Store, item_ids: Sequence[int], index: Index, queries: Sequence[int], limit: int
) -> tuple[dict[int, Ranking], dict[int, list[float]]]:
    """The drafter's call for each query: rankings and their scores."""
    related = RelatedIndex(store)
    doc_of = {item_id: i for i, item_id in enumerate(item_ids)}
    rankings, scores = {}, {}
    for q in queries:
        found = related.related(item_ids[q], index[q], limit, RELATED_MIN_SCORE)
        rankings[q] = [doc_of[a.item_id] for a in found]
        scores[q] = [a.score for a in found]
    return rankings, scores


def query_times(
    store: Store, item_ids: Sequence[int], index: Index, sample: Sequence[int], limit: int
) -> dict[str, float]:
    """Milliseconds per `related()` call as the drafter makes it (mean, median, p95), and the
    medians of its SQL statements run alone: the count of indexed articles, the document
    frequencies of the query terms, the postings of the fetched terms."""
    related = RelatedIndex(store)
    related.related(item_ids[sample[0]], index[sample[0]], limit, RELATED_MIN_SCORE)  # warm-up
    gc.collect()
    gc.freeze()  # the benchmark's own data is no garbage to collect: time the service's work
    calls, counting, frequencies, fetching, fetched = [], [], [], [], []
    total = sum(1 for w in index if w)
    with store.engine.connect() as conn:
        for q in sample:
            start = time.perf_counter()
            related.related(item_ids[q], index[q], limit, RELATED_MIN_SCORE)
            calls.append(time.perf_counter() - start)
            chosen = strongest(index[q], MAX_POSTINGS_TERMS)
            start = time.perf_counter()
            conn.execute(sa.select(sa.func.count(sa.distinct(article_terms.c.item_id)))).one()
            counting.append(time.perf_counter() - start)
            start = time.perf_counter()
            counts = conn.execute(
                sa.select(article_terms.c.term, sa.func.count())
                .where(article_terms.c.term.in_(chosen))
                .group_by(article_terms.c.term)
            ).all()
            frequencies.append(time.perf_counter() - start)
            frequency = {t: int(n) - 1 for t, n in counts}  # the query's own posting
            query = query_terms(index[q], chosen, frequency, total)
            start = time.perf_counter()
            rows = conn.execute(
                sa.select(
                    article_terms.c.item_id, article_terms.c.term, article_terms.c.weight
                ).where(
                    article_terms.c.term.in_(query.fetched),
                    article_terms.c.item_id != item_ids[q],
                )
            ).all()
            fetching.append(time.perf_counter() - start)
            fetched.append(len(rows))
    gc.unfreeze()
    return {
        "related_ms_mean": statistics.fmean(calls) * 1000,
        "related_ms_median": statistics.median(calls) * 1000,
        "related_ms_p95": sorted(calls)[int(0.95 * len(calls))] * 1000,
        "count_ms": statistics.median(counting) * 1000,
        "frequencies_ms": statistics.median(frequencies) * 1000,
        "postings_ms": statistics.median(fetching) * 1000,
        "postings_per_query": statistics.fmean(fetched),
    }


def agreement(
    store_ranks: Mapping[int, Ranking],
    store_scores: Mapping[int, list[float]],
    scored: Mapping[int, Scored],
    limit: int,
) -> float:
    """Share of queries where the in-memory scoring gives the store's ranking and scores."""
    same = 0
    for q, ranking in store_ranks.items():
        mine = [(d, round(s, 4)) for d, s, _ in scored[q] if s >= RELATED_MIN_SCORE][:limit]
        same += [d for d, _ in mine] == ranking and [s for _, s in mine] == store_scores[q]
    return same / len(store_ranks)


def shown(
    scored: Mapping[int, Scored], partners: Sequence[frozenset[int]], limit: int, cutoff: float
) -> dict[str, float]:
    """What the drafter shows at a minimum score: coverage (queries with a result), results
    per query, precision of the results, hit (queries with a related one among them)."""
    returned = good = covered = hit = 0
    for q, ranking in scored.items():
        picked = cut(ranking, limit, cutoff)
        found = sum(d in partners[q] for d in picked)
        returned, good = returned + len(picked), good + found
        covered, hit = covered + bool(picked), hit + bool(found)
    n = len(scored)
    return {
        "min_score": cutoff,
        "coverage": covered / n,
        "per_query": returned / n,
        "precision": good / returned if returned else 0.0,
        "hit": hit / n,
    }


def common_terms(
    index: Index, queries: Sequence[int], partners: Sequence[frozenset[int]], limit: int
) -> list[dict[str, float]]:
    """Skipping terms on more than a share of the articles: rankings (top DEPTH, no minimum
    score), what the drafter shows, and postings fetched per query."""
    posts = postings(index)
    rows = []
    for share in COMMON_SHARES:
        scored, fetched = {}, []
        for q in queries:
            scored[q], query = package_scores(index, posts, q, common_share=share)
            fetched.append(sum(len(posts[t]) - 1 for t in query.fetched))
        means, _ = evaluate({q: cut(s, DEPTH, 0.0) for q, s in scored.items()}, partners)
        drafter = shown(scored, partners, limit, RELATED_MIN_SCORE)
        rows.append(
            {
                "common_share": share,
                "precision_at_5": means.precision_at_5,
                "mrr": means.mrr,
                "shown_precision": drafter["precision"],
                "shown_hit": drafter["hit"],
                "postings_per_query": statistics.fmean(fetched),
            }
        )
    return rows


def normalisations(
    index: Index,
    scored: Mapping[int, tuple[Scored, QueryTerms]],
    partners: Sequence[frozenset[int]],
    limit: int,
) -> list[dict[str, Any]]:
    """The raw sum and the two self-scores it can be divided by, each at the highest minimum
    that still shows a related article for HIT_TARGETS of the queries: what the drafter shows.
    The ranking of each query is the same under all three; only the minimum's effect differs."""
    rows = []
    for name in ("raw sum", "/ self-score, all query terms", "/ self-score, matchable terms"):
        values = {}
        for q, (found, query) in scored.items():
            every = sum(index[q][t] * f for t, f in query.factors.items())
            scale = {
                "raw sum": query.self_score,
                "/ self-score, all query terms": query.self_score / every,
            }.get(name, 1.0)
            values[q] = [(d, v * scale, shared) for d, v, shared in found]
        for target in HIT_TARGETS:
            cutoff = highest_cutoff(values, partners, limit, target)
            rows.append(
                {"score": name, "hit_target": target, **shown(values, partners, limit, cutoff)}
            )
    return rows


def highest_cutoff(
    scored: Mapping[int, Scored], partners: Sequence[frozenset[int]], limit: int, target: float
) -> float:
    """The highest minimum score at which at least `target` of the queries are shown a related
    article."""
    values = sorted({s for found in scored.values() for _, s, _ in found[:limit]})
    low, high = 0, len(values) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if shown(scored, partners, limit, values[middle])["hit"] >= target:
            low = middle
        else:
            high = middle - 1
    return values[low]


def archive_growth(docs: Sequence[Doc], index: Index, limit: int) -> list[dict[str, float]]:
    """The archive as it grew, by publication date: pairs (article, one of its `limit` best
    related) found among the earliest ARCHIVE_SHARES[0] of the articles, scored again as the
    rest arrive. Medians of their raw and normalised scores, the share passing the drafter's
    minimum, and the share passing the raw sum that passes as many at the smallest size."""
    order = sorted(
        range(len(docs)),
        key=lambda i: (docs[i].item.published is None, docs[i].item.published or NOW, i),
    )
    parts = [frozenset(order[: int(share * len(order))]) for share in ARCHIVE_SHARES]
    results = []
    for members in parts:
        part = [w if i in members else {} for i, w in enumerate(index)]
        posts = postings(part)
        found: dict[tuple[int, int], tuple[float, float]] = {}
        for q in parts[0]:
            ranking, query = package_scores(part, posts, q)
            limited = ranking[:limit] if members is parts[0] else ranking
            found.update({(q, d): (s * query.self_score, s) for d, s, _ in limited})
        results.append(found)
    pairs = [p for p in results[0] if all(p in r for r in results)]
    raws = sorted(results[0][p][0] for p in pairs)
    passing = sum(results[0][p][1] >= RELATED_MIN_SCORE for p in pairs)
    raw_cut = raws[len(raws) - passing] if passing else math.inf
    return [
        {
            "archive_share": share,
            "articles": len(members),
            "pairs": len(pairs),
            "median_raw": statistics.median(r[p][0] for p in pairs),
            "median_score": statistics.median(r[p][1] for p in pairs),
            "pass_score": statistics.fmean(r[p][1] >= RELATED_MIN_SCORE for p in pairs),
            "pass_raw": statistics.fmean(r[p][0] >= raw_cut for p in pairs),
        }
        for share, members, r in zip(ARCHIVE_SHARES, parts, results, strict=True)
    ]


def scale_times(
    docs: Sequence[Doc], index: Sequence[dict[str, float]], copies: int, limit: int
) -> dict[str, float]:
    """`related()` time on a store of the corpus `copies` times over."""
    many = replicate(docs, copies)
    weights = [index[i % len(docs)] for i in range(len(many))]
    sample = list(range(0, len(docs), max(1, len(docs) // TIMED_QUERIES)))
    with tempfile.TemporaryDirectory() as tmp:
        store, item_ids, _ = build_store(f"sqlite:///{tmp}/scale.db", many, weights)
        figures = query_times(store, item_ids, weights, sample, limit)
        store.close()
    return {"articles": len(many), "postings": sum(map(len, weights)), **figures}


def methods(
    docs: Sequence[Doc],
    counts: Sequence[Counter[str]],
    index: Index,
    scored: Mapping[int, Scored],
    seed: int,
) -> dict[str, Callable[[int], Ranking]]:
    """Everything compared with the drafter's call, each giving its DEPTH best for a query."""
    posts = postings(index)
    before = [top_terms(c, BEFORE_TERMS) for c in counts]
    before_posts = postings(before)
    by_feed: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        by_feed[d.feed].append(i)
    queries = [
        {t: index[q][t] for t in strongest(index[q], MAX_POSTINGS_TERMS)} for q in range(len(docs))
    ]

    def variant(ix: Index, ps: Postings, **options: Any) -> Callable[[int], Ranking]:
        return lambda q: cut(package_scores(ix, ps, q, **options)[0], DEPTH, 0.0)

    return {
        f"package, top 10, score >= {RELATED_MIN_SCORE}": lambda q: cut(
            scored[q], DEPTH, RELATED_MIN_SCORE
        ),
        "package, top 10, no minimum score": lambda q: cut(scored[q], DEPTH, 0.0),
        f"before: {BEFORE_TERMS} terms, common terms fetched": variant(
            before, before_posts, common_share=1.0
        ),
        f"{INDEX_TERMS} terms, common terms fetched": variant(index, posts, common_share=1.0),
        f"{INDEX_TERMS} terms, idf^1": variant(index, posts, idf_power=1),
        f"{INDEX_TERMS} terms, no idf": variant(index, posts, idf_power=0),
        BASELINE: tfidf_cosine(counts),
        f"BM25 (k1 1.2, b 0.75), query = {MAX_POSTINGS_TERMS} terms": bm25(
            counts, queries, 1.2, 0.75
        ),
        "random, any feed": random_picks([range(len(docs))] * len(docs), seed),
        "random, same feed": random_picks([by_feed[d.feed] for d in docs], seed),
    }


def print_table(
    results: Mapping[str, Scores], intervals: Mapping[str, tuple[float, float]]
) -> None:
    base = results[BASELINE]
    print(
        f"\n{'method':<48} {'P@5':>6} {'R@10':>6} {'MRR':>6} {'cover':>6} {'hit':>6}"
        f"   vs TF-IDF: {'P@5':>5} {'R@10':>5} {'MRR':>5}   MRR diff, 95% CI"
    )
    for name, s in results.items():
        ratios = (
            s.precision_at_5 / base.precision_at_5,
            s.recall_at_10 / base.recall_at_10,
            s.mrr / base.mrr,
        )
        low, high = intervals[name]
        print(
            f"{name:<48} {s.precision_at_5:6.3f} {s.recall_at_10:6.3f} {s.mrr:6.3f}"
            f" {s.coverage:6.1%} {s.hit:6.1%}              "
            + " ".join(f"{r:5.2f}" for r in ratios)
            + f"   {low:+.3f} .. {high:+.3f}"
        )


def print_rows(title: str, rows: Sequence[Mapping[str, Any]], formats: Mapping[str, str]) -> None:
    print(f"\n{title}")
    cells = [[format(row[name], spec) for name, spec in formats.items()] for row in rows]
    widths = [max(len(name), *(len(c[k]) for c in cells)) for k, name in enumerate(formats)]
    print(" ".join(name.rjust(w) for name, w in zip(formats, widths, strict=True)))
    for line in cells:
        print(" ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)))


def thresholds(
    docs: Sequence[Doc],
    index: Index,
    scored: Mapping[int, tuple[Scored, QueryTerms]],
    partners: Sequence[frozenset[int]],
    limit: int,
    before: Index,
) -> dict[str, list[dict[str, Any]]]:
    """Prints and returns the tables about the minimum score and the skipped common terms;
    `before` is the index of the search before (BEFORE_TERMS terms, nothing skipped)."""
    ranked = {q: found for q, (found, _) in scored.items()}
    view = {"coverage": ".1%", "per_query": ".2f", "precision": ".3f", "hit": ".1%"}
    posts = postings(before)
    earlier = {q: package_scores(before, posts, q, common_share=1.0)[0] for q in scored}
    sweep = [{**shown(earlier, partners, limit, 0.0), "min_score": -1.0}]
    sweep += [shown(ranked, partners, limit, c) for c in CUTOFFS]
    print_rows(
        f"minimum normalised score, drafter's {limit} results per query: coverage (queries with a"
        " result), results per query, their precision, hit (queries with a related one shown);"
        f" -1: the search before, {BEFORE_TERMS} terms, no minimum",
        sweep,
        {"min_score": ".2f", **view},
    )
    forms = normalisations(index, scored, partners, limit)
    print_rows(
        "what the minimum is compared with, each at the highest minimum still showing a related"
        " article to a target share of the queries",
        forms,
        {"score": "", "hit_target": ".2f", "min_score": ".4g", **view},
    )
    common = common_terms(index, list(scored), partners, limit)
    print_rows(
        f"skipping query terms on more than a share of the articles (top {DEPTH}, no minimum"
        f" score; then the drafter's view at {RELATED_MIN_SCORE}); postings fetched per query",
        common,
        {"common_share": ".2f", "precision_at_5": ".3f", "mrr": ".3f"}
        | {"shown_precision": ".3f", "shown_hit": ".1%", "postings_per_query": ".0f"},
    )
    growth = archive_growth(docs, index, limit)
    print_rows(
        f"the archive growing by publication date: pairs found among the first"
        f" {ARCHIVE_SHARES[0]:.0%}, scored again; share passing the minimum {RELATED_MIN_SCORE}"
        " and the raw sum that passes as many at first",
        growth,
        {"archive_share": ".2f", "articles": "d", "pairs": "d", "median_raw": ".3f"}
        | {"median_score": ".4f", "pass_score": ".1%", "pass_raw": ".1%"},
    )
    return {"sweep": sweep, "normalisations": forms, "common_terms": common, "growth": growth}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-share",
        type=float,
        default=0.10,
        help="largest share of a feed's articles a specific category may have",
    )
    parser.add_argument("--seed", type=int, default=1, help="of the random baselines")
    parser.add_argument(
        "--scale",
        type=int,
        nargs="*",
        default=[],
        metavar="COPIES",
        help="also time related() on the corpus replicated this many times (e.g. 3 6)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if not CORPUS.is_dir():
        sys.exit(f"feed corpus not found: {CORPUS} (the shared data lives beside the repo)")
    start = time.perf_counter()
    corpus = load_corpus(CORPUS)
    docs = corpus.docs
    partners = related_partners(docs, args.max_share)
    queries = [i for i, p in enumerate(partners) if p]
    counts = [term_counts(d) for d in docs]
    index = [index_terms(d.text, d.item.title, d.language) for d in docs]
    assert all(top_terms(c, INDEX_TERMS) == w for c, w in zip(counts, index, strict=True))
    limit = DraftingSettings().related_limit
    print(
        f"corpus: {corpus.files} files ({corpus.unreadable} unreadable), {corpus.items} items;"
        f" {len(docs)} articles of >= {MIN_TEXT} chars from {len({d.feed for d in docs})} feeds"
        f" ({corpus.repeats} repeats dropped); languages"
        f" {dict(Counter(d.language for d in docs).most_common(5))}"
    )
    print(
        f"judgement: same feed and a category on 2..max(2, {args.max_share:.0%}) of its"
        f" articles; {len(queries)} queries from {len({docs[q].feed for q in queries})} feeds,"
        f" {statistics.fmean(len(partners[q]) for q in queries):.1f} related each on average"
    )
    sample = list(range(0, len(docs), max(1, len(docs) // TIMED_QUERIES)))
    with tempfile.TemporaryDirectory() as tmp:
        store, item_ids, save_s = build_store(f"sqlite:///{tmp}/bench.db", docs, index)
        store_ranks, store_scores = store_rankings(store, item_ids, index, queries, limit)
        timing = query_times(store, item_ids, index, sample, limit)
        store.close()
    posts = postings(index)
    full = {i: package_scores(index, posts, i) for i in range(len(docs))}
    scored = {i: found for i, (found, _) in full.items()}
    same = agreement(store_ranks, store_scores, scored, limit)
    drafter = f"package as the drafter (store, limit {limit})"
    evaluated = {drafter: evaluate(store_ranks, partners)}
    for name, search in methods(docs, counts, index, scored, args.seed).items():
        evaluated[name] = evaluate({q: search(q) for q in queries}, partners)
    results = {name: means for name, (means, _) in evaluated.items()}
    base_rr = evaluated[BASELINE][1]
    intervals = {
        name: difference_interval(rr, base_rr, args.seed) for name, (_, rr) in evaluated.items()
    }
    print_table(results, intervals)

    all_shown = shown(scored, [frozenset()] * len(docs), limit, RELATED_MIN_SCORE)
    results_shown = [s for q in queries for s in store_scores[q]]
    store_figures = {
        "articles": len(docs),
        "postings": sum(map(len, index)),
        **timing,
        "save_terms_ms": save_s * 1000,
        "agreement": same,
        "coverage_all_articles": all_shown["coverage"],
        "scores_at_one": sum(s >= 1.0 for s in results_shown) / max(1, len(results_shown)),
    }
    print(
        "\nstore: {articles} articles, {postings} postings; related() {related_ms_mean:.1f} ms"
        " mean, {related_ms_median:.1f} median, {related_ms_p95:.1f} p95 per query (alone:"
        " count of articles {count_ms:.1f} ms, document frequencies {frequencies_ms:.1f} ms,"
        " postings {postings_ms:.1f} ms for {postings_per_query:.0f} rows); save_terms"
        " {save_terms_ms:.1f} ms per article; in-memory scoring gives the store's ranking and"
        " scores for {agreement:.1%} of queries".format(**store_figures)
    )
    print(
        f"drafter's minimum score {RELATED_MIN_SCORE} leaves {all_shown['coverage']:.1%} of all"
        f" {len(docs)} articles with at least one related; {store_figures['scores_at_one']:.1%}"
        " of the scores shown are capped at 1"
    )
    before = [top_terms(c, BEFORE_TERMS) for c in counts]
    extra = thresholds(docs, index, {q: full[q] for q in queries}, partners, limit, before)
    scales = [{"articles": len(docs), "postings": store_figures["postings"], **timing}]
    scales += [scale_times(docs, index, copies, limit) for copies in args.scale]
    print_rows(
        f"related() on larger archives (the corpus replicated), {len(sample)} queries each, ms",
        scales,
        dict.fromkeys(("articles", "postings"), "d")
        | dict.fromkeys(("related_ms_mean", "related_ms_median", "related_ms_p95"), ".1f")
        | dict.fromkeys(("count_ms", "frequencies_ms", "postings_ms"), ".1f")
        | {"postings_per_query": ".0f"},
    )
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    if args.json:
        figures = {
            "corpus": {
                "files": corpus.files,
                "items": corpus.items,
                "articles": len(docs),
                "feeds": len({d.feed for d in docs}),
                "queries": len(queries),
                "max_share": args.max_share,
            },
            "methods": {
                name: {**asdict(s), "mrr_difference_ci95": intervals[name]}
                for name, s in results.items()
            },
            "store": store_figures,
            **extra,
            "scale": scales,
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
