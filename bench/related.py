"""How well Related News finds the same news story, against a plain TF-IDF cosine, in one run.

Run by hand: `.venv/bin/python bench/related.py [--end-to-end] [--json figures.json]`;
`--speed [--quick]` times the search instead (bench/related_speed.py).

Data, read in place: `../shared/data/related/uci-stories.csv` (2,989 headlines grouped into 44
stories by the UCI News Aggregator dataset; two rows are related iff they share `STORY`) and,
as distractors, the 92 full-text news pages of `../shared/data/extraction/public` (their
ground-truth text; subjects the headlines do not cover). The stories are split in two halves
by a hash of the story id: the *tuning* half is where the threshold and the weights were
chosen, the *check* half was not looked at while choosing, and its figures are the ones to
quote.

In-process (default): every row is stored in a real SQLite store as the loopback page gives it
(the headline as title and text), analysed and indexed by the drafter's own functions, and each
article's entries are the drafter's search (`RelatedIndex.related`, the shipped minimum score
and `related_limit`), copies of the same story left out. That is the stubs' final state: an
article drafted first gains the later ones (the score is the same from either side).

`--end-to-end`: the rows served over loopback as 30 RSS feeds (rows dealt by a hash of the
publisher) with one HTML page each, plus a feed of the distractor pages; `aggregator fetch
--all` fetches, extracts and drafts them; entries are read back from `aggregator stubs --format
jsonl` (Related News and Background).

Figures, per half: precision (shown entries of the query's story), coverage (articles with at
least one entry), recall@shown (same-story entries / min(limit, other rows of the story)),
false links (distractor articles with any entry), and for the baseline the same at each
threshold: TF-IDF cosine over lowercased words (smooth idf, l2), top `limit` above t.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from bs4 import BeautifulSoup

from aggregator.articles.language import detect_language
from aggregator.config import FeedConfig
from aggregator.drafting.analysis import index_terms, term_language
from aggregator.drafting.drafter import RELATED_MIN_SCORE
from aggregator.drafting.settings import DraftingSettings
from aggregator.feeds.plan import keyed
from aggregator.records import Article, FeedUpdate, NextCheck, Outcome, ParsedItem, Quality
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.related import RelatedIndex
from aggregator.storage.store import Store
from aggregator.text.links import article_links

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
STORIES = SHARED / "related" / "uci-stories.csv"
DISTRACTORS = SHARED / "extraction" / "public"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
LIMIT = DraftingSettings().related_limit
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
HALVES = ("tuning", "check")
DISTRACTOR = "distractor"
SUBJECTS = {
    "wework": ("06e5123e", "1ace8c85", "bc13ff87"),
    "delhi air": ("076f4f33", "16c30add"),
    "browns": ("08f79376", "6a72de37"),
    "europa plumes": ("14cc2a0c", "686bb170"),
    "south dakota meth campaign": ("156770d6", "3f65af7b"),
    "hong kong": ("5fa3154e", "624fcd90", "e4c6a3b4"),
    "stadia": ("680c2848", "aade2ec8", "e100c961"),
    "threat to omar": ("6ebac05f", "7a457a4f"),
    "plague in china": ("8b194530", "ba4dfe2d"),
    "feather duvet lung": ("9eef8162", "a078b365"),
    "hibernating astronauts": ("b37be353", "e1c7023e"),
    "nasa, launchers and landers": ("c50845a7", "d1c57d78", "c00962aa"),
    "ascom": ("5ae11e58", "c69e539d"),
    "assange": ("c7e39ac4", "dc7ccccc"),
    "stock car": ("11ea381a", "cc03ddb5"),
    "markets": ("57d46c9d", "65408257", "55bb6340"),
    "tariffs": ("39d5c43b", "b6906ca0"),
    "2020 democratic race": ("aec5deea", "a6968f42"),
}
"""Distractor pages on one subject, labelled by reading their titles (the extraction set holds
several reports of some events): a link between two of them is not a false link."""


@dataclass(frozen=True, slots=True)
class Doc:
    key: str
    title: str
    text: str
    url: str
    story: str
    publisher: str
    published: datetime

    @property
    def half(self) -> str:
        return DISTRACTOR if self.story.startswith(DISTRACTOR) else half_of(self.story)


def subject_of(key: str) -> str:
    return next((name for name, keys in SUBJECTS.items() if key[:8] in keys), key)


def half_of(story: str) -> str:
    return HALVES[int(hashlib.sha1(story.encode()).hexdigest(), 16) // 2 % 2]


def load_rows(path: Path = STORIES) -> list[Doc]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Doc(
                key=f"uci:{row['ID']}",
                title=row["TITLE"],
                text=row["TITLE"],
                url=row["URL"],
                story=row["STORY"],
                publisher=row["PUBLISHER"],
                published=datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, UTC),
            )
            for row in csv.DictReader(handle)
        ]


def load_distractors(folder: Path = DISTRACTORS) -> list[Doc]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    docs = []
    for key, value in sorted(truth.items()):
        html = gzip.decompress((folder / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        head = BeautifulSoup(html, "lxml").title
        title = " ".join((head.get_text() if head else "").split()) or value["url"]
        docs.append(
            Doc(
                key=f"page:{key}",
                title=title,
                text=value["articleBody"],
                url=value["url"],
                story=f"{DISTRACTOR}:{subject_of(key)}",
                publisher="distractor",
                published=NOW - timedelta(days=3650),
            )
        )
    return docs


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    threshold: float
    precision: float
    coverage: float
    recall: float
    false_links: float
    shown: int
    queries: int


def score(
    docs: Sequence[Doc],
    entries: Mapping[int, Sequence[tuple[int, float]]],
    threshold: float,
    only: set[int] | None = None,
) -> dict[str, Figures]:
    """Figures per half, for entries (doc index, score) cut at `threshold`, over the docs
    that have a stub (`only`; default all)."""
    story_size = Counter(d.story for d in docs)
    result = {}
    for half in HALVES:
        queries = [i for i, d in enumerate(docs) if d.half == half and (only is None or i in only)]
        shown = correct = covered = 0
        recalls = []
        for q in queries:
            kept = [j for j, s in entries.get(q, ()) if s >= threshold][:LIMIT]
            hits = sum(docs[j].story == docs[q].story for j in kept)
            shown += len(kept)
            correct += hits
            covered += bool(kept)
            recalls.append(hits / min(LIMIT, story_size[docs[q].story] - 1))
        distractors = [
            i for i, d in enumerate(docs) if d.half == DISTRACTOR and (only is None or i in only)
        ]
        linked = sum(
            any(s >= threshold and docs[j].story != docs[q].story for j, s in entries.get(q, ()))
            for q in distractors
        )
        result[half] = Figures(
            threshold,
            correct / shown if shown else 1.0,
            covered / len(queries),
            statistics.fmean(recalls),
            linked / len(distractors) if distractors else 0.0,
            shown,
            len(queries),
        )
    return result


def tfidf_cosine(docs: Sequence[Doc]) -> dict[int, list[tuple[int, float]]]:
    """The baseline: each doc against all others, best LIMIT with their cosines."""
    tokens = [re.findall(r"\b\w\w+\b", f"{d.text}".lower()) for d in docs]
    vocabulary = {t: i for i, t in enumerate(sorted({t for ts in tokens for t in ts}))}
    df = Counter(t for ts in tokens for t in set(ts))
    n = len(docs)
    idf = np.zeros(len(vocabulary))
    for term, index in vocabulary.items():
        idf[index] = math.log((1 + n) / (1 + df[term])) + 1
    matrix = np.zeros((n, len(vocabulary)), dtype=np.float32)
    for row, ts in enumerate(tokens):
        for term, count in Counter(ts).items():
            matrix[row, vocabulary[term]] = count * idf[vocabulary[term]]
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    found = {}
    for start in range(0, n, 512):
        block = matrix[start : start + 512] @ matrix.T
        for offset, row in enumerate(block):
            q = start + offset
            row[q] = -1.0
            best = np.argsort(-row)[:LIMIT]
            found[q] = [(int(j), float(row[j])) for j in best if row[j] > 0]
    return found


# --- the package's search, on a real store ------------------------------------------------


def language_of(doc: Doc) -> str | None:
    return detect_language(doc.text)[0]


def build_store(url: str, docs: Sequence[Doc]) -> tuple[Store, list[int], list[dict[str, float]]]:
    """The docs stored and indexed as the drafter does it: item ids and index terms."""
    store = Store.open(url)
    publishers = sorted({d.publisher for d in docs})
    names = {p: f"feed-{i:04d}" for i, p in enumerate(publishers)}
    store.sync_feeds([FeedConfig(name, f"https://{name}.invalid/") for name in names.values()], NOW)
    feed_ids = {f.name: f.feed_id for f in store.feeds_to_fetch(NOW, 60, due_only=False)}
    update = FeedUpdate(Outcome.OK, NOW, NextCheck(NOW + timedelta(hours=1), "bench"), 0, 200)
    by_feed: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_feed[doc.publisher].append(i)
    item_ids = [0] * len(docs)
    for publisher, members in by_feed.items():
        records = keyed(
            ParsedItem(
                guid=docs[i].key,
                link=docs[i].url,
                title=docs[i].title,
                published=docs[i].published,
            )
            for i in members
        )
        saved = store.save_refresh(feed_ids[names[publisher]], update, records)
        for i, item_id in zip(members, saved.new_item_ids, strict=True):
            item_ids[i] = item_id
    queue, index = ArticleQueue(store), RelatedIndex(store)
    vectors = []
    for i, doc in enumerate(docs):
        language = language_of(doc)
        article = Article(
            "generic", doc.text, "", Quality(1.0), f"h{i}", title=doc.title, language=language
        )
        queue.save(item_ids[i], article, doc.url, NOW)
        vector = index_terms(
            doc.text,
            doc.title,
            term_language(doc.text, language, None),
            article_links(doc.url, None),
        )
        index.save_terms(item_ids[i], vector)
        vectors.append(vector)
    return store, item_ids, vectors


def package_entries(
    docs: Sequence[Doc], min_score: float
) -> tuple[dict[int, list[tuple[int, float]]], int, float]:
    """Each doc's Related News / Background entries by the drafter's search; also the copies
    of the same story found and the mean seconds per query."""
    with tempfile.TemporaryDirectory() as tmp:
        store, item_ids, vectors = build_store(f"sqlite:///{tmp}/bench.db", docs)
        position = {item_id: i for i, item_id in enumerate(item_ids)}
        index = RelatedIndex(store)
        entries, copies, spent = {}, 0, 0.0
        for i, item_id in enumerate(item_ids):
            start = time.perf_counter()
            found = index.related(item_id, vectors[i], LIMIT, min_score, docs[i].url)
            spent += time.perf_counter() - start
            entries[i] = [(position[r.item_id], r.score) for r in found if not r.same_story]
            copies += sum(r.same_story for r in found)
        store.close()
    return entries, copies, spent / len(docs)


# --- end to end ---------------------------------------------------------------------------


def end_to_end(docs: Sequence[Doc], backfill: int | None) -> dict[int, list[tuple[int, float]]]:
    """Entries read back from `aggregator stubs --format jsonl` after a real fetch."""
    from related_site import run_end_to_end

    return run_end_to_end(docs, DISTRACTORS, backfill)


# --- report -------------------------------------------------------------------------------


def table(rows: Iterable[tuple[str, Figures]]) -> str:
    lines = [
        "| method | t | half | precision | coverage | recall@shown | false links | shown |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in rows:
        lines.append(
            f"| {name} | {f.threshold:g} | | {f.precision:.3f} | {f.coverage:.3f} | "
            f"{f.recall:.3f} | {f.false_links:.3f} | {f.shown} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--end-to-end", action="store_true")
    parser.add_argument(
        "--backfill",
        type=int,
        help="end to end: each feed's backfill_items (default: every item gets a stub)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--speed",
        action="store_true",
        help="time per search instead, against the search as it was (bench/related_speed.py)",
    )
    args, rest = parser.parse_known_args(argv)
    if args.speed:
        from related_speed import main as speed

        return speed([*rest, *(["--json", str(args.json)] if args.json else [])])
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    if not STORIES.is_file() or not (DISTRACTORS / "ground-truth.json").is_file():
        print(f"needs {STORIES} and {DISTRACTORS} (../shared beside the checkout)")
        return 2
    docs = load_rows() + load_distractors()
    counts = Counter(d.half for d in docs)
    print(
        f"{len(docs)} articles: tuning {counts['tuning']}, check {counts['check']}, "
        f"distractors {counts[DISTRACTOR]}; limit {LIMIT}; shipped threshold {RELATED_MIN_SCORE}"
    )
    figures: dict[str, object] = {}
    baseline = tfidf_cosine(docs)
    ours, copies, seconds = package_entries(docs, min(THRESHOLDS))
    print(f"ours: {copies} same-story copies set aside, {seconds * 1000:.1f} ms per query")
    for half in HALVES:
        print(f"\n## {half} half\n")
        rows = []
        for t in THRESHOLDS:
            rows.append((f"TF-IDF cosine (baseline) t={t}", score(docs, baseline, t)[half]))
        for t in THRESHOLDS:
            rows.append((f"ours t={t}", score(docs, ours, t)[half]))
        print(table(rows))
        figures[half] = {name: vars_of(f) for name, f in rows}
    shipped = score(docs, ours, RELATED_MIN_SCORE)
    print(f"\nshipped threshold {RELATED_MIN_SCORE}, check half: {shipped['check']}")
    if args.end_to_end:
        started = time.perf_counter()
        e2e = end_to_end(docs, args.backfill)
        drafted = set(e2e)
        result = score(docs, e2e, 0.0, only=drafted)
        print(f"\n## end to end ({time.perf_counter() - started:.0f} s)\n")
        print(table((f"end to end, {half}", result[half]) for half in HALVES))
        figures["end_to_end"] = {half: vars_of(result[half]) for half in HALVES}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


def vars_of(f: Figures) -> dict[str, float | int]:
    return {name: getattr(f, name) for name in Figures.__slots__}


if __name__ == "__main__":
    sys.exit(main())
