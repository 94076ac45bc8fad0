"""Time per related search on a large archive: the search as it was against the shipped ones.

    .venv/bin/python bench/related.py --speed [--sizes 2000,10000] [--queries 40] [--quick]

The archive: `size` article texts made like bench/stages.py's pages (runs of sentences from
three of the 100 CNN/DailyMail articles of ../shared/data/summaries, read in place), indexed
by the drafter's own `index_terms` into a real SQLite store (30 feeds). Then the same queries
(every size/queries-th article, its own stored vector, the shipped limit and threshold) by:

- `before`: the search as it was (`tests/helpers/related_reference.py`): every search counts
  the archive and the document frequencies in the table;
- `table`: the shipped search over the table (what workers sharing the index use);
- `memory`: the shipped search over the index held in memory (the service, the CLI), with the
  time to read the table into memory once reported apart.

All three must return the same results (checked on every query). The figures are medians and
means of the same run; on a busy machine only their ratios mean much. `--quick`: 2,000 only,
20 queries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aggregator.config import FeedConfig  # noqa: E402
from aggregator.drafting.analysis import index_terms, term_language  # noqa: E402
from aggregator.drafting.drafter import RELATED_MIN_SCORE  # noqa: E402
from aggregator.drafting.settings import DraftingSettings  # noqa: E402
from aggregator.feeds.plan import keyed  # noqa: E402
from aggregator.records import (  # noqa: E402
    Article,
    FeedUpdate,
    NextCheck,
    Outcome,
    ParsedItem,
    Quality,
)
from aggregator.storage.articles import ArticleQueue  # noqa: E402
from aggregator.storage.related import RelatedArticle, RelatedIndex  # noqa: E402
from aggregator.storage.store import Store  # noqa: E402
from tests.helpers.related_reference import reference_related  # noqa: E402

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FEEDS = 30
LIMIT = DraftingSettings().related_limit


def texts(count: int) -> list[tuple[str, str]]:
    """(title, text) of `count` articles, as bench/stages.py makes its pages."""
    from bs4 import BeautifulSoup
    from stages import make_pages

    pages = []
    for title, html in make_pages(count):
        body = BeautifulSoup(html, "lxml").find("article")
        paragraphs = [p.get_text() for p in body.find_all("p")] if body else []
        pages.append((title, "\n\n".join(paragraphs)))
    return pages


def build(url: str, count: int) -> tuple[Store, list[int], list[dict[str, float]]]:
    store = Store.open(url)
    names = [f"feed-{n:02d}" for n in range(FEEDS)]
    store.sync_feeds([FeedConfig(name, f"https://{name}.invalid/") for name in names], NOW)
    feed_ids = {f.name: f.feed_id for f in store.feeds_to_fetch(NOW, 60, due_only=False)}
    update = FeedUpdate(Outcome.OK, NOW, NextCheck(NOW + timedelta(hours=1), "bench"), 0, 200)
    pages = texts(count)
    members: dict[int, list[int]] = defaultdict(list)
    for n in range(count):
        members[n % FEEDS].append(n)
    ids = [0] * count
    for feed, numbers in members.items():
        records = keyed(
            ParsedItem(
                guid=f"a{n}",
                link=f"https://{names[feed]}.invalid/a/{n}",
                title=pages[n][0],
                published=NOW - timedelta(minutes=n),
            )
            for n in numbers
        )
        saved = store.save_refresh(feed_ids[names[feed]], update, records)
        for n, item_id in zip(numbers, saved.new_item_ids, strict=True):
            ids[n] = item_id
    queue = ArticleQueue(store)
    vectors = []
    for n, (title, text) in enumerate(pages):
        queue.save(
            ids[n], Article("generic", text, "", Quality(1.0), f"h{n}", title=title), None, NOW
        )
        vectors.append(index_terms(text, title, term_language(text, "en", None)))
    RelatedIndex(store).save_many(dict(zip(ids, vectors, strict=True)))
    return store, ids, vectors


def timed(
    search: Callable[[int], list[RelatedArticle]], queries: Sequence[int]
) -> tuple[list[float], list[list[RelatedArticle]]]:
    seconds, found = [], []
    for q in queries:
        start = time.perf_counter()
        found.append(search(q))
        seconds.append(time.perf_counter() - start)
    return seconds, found


def measure(size: int, count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-related-") as tmp:
        started = time.perf_counter()
        store, ids, vectors = build(f"sqlite:///{tmp}/speed.db", size)
        built = time.perf_counter() - started
        queries = list(range(0, size, max(1, size // count)))[:count]
        url = "https://elsewhere.invalid/"
        memory, table = RelatedIndex(store, in_memory=True), RelatedIndex(store)
        start = time.perf_counter()
        memory.related(ids[-1], vectors[-1], LIMIT, RELATED_MIN_SCORE, url)  # reads the table
        load = time.perf_counter() - start
        runs = {
            "before": lambda q: reference_related(
                store, ids[q], vectors[q], LIMIT, RELATED_MIN_SCORE, url
            ),
            "table": lambda q: table.related(ids[q], vectors[q], LIMIT, RELATED_MIN_SCORE, url),
            "memory": lambda q: memory.related(ids[q], vectors[q], LIMIT, RELATED_MIN_SCORE, url),
        }
        seconds: dict[str, list[float]] = {name: [] for name in runs}
        results: dict[str, list[list[RelatedArticle]]] = {name: [] for name in runs}
        for part in (queries[::2], queries[1::2]):  # interleaved, against drift in the load
            for name, search in runs.items():
                spent, found = timed(search, part)
                seconds[name] += spent
                results[name] += found
        store.close()
    for name in ("table", "memory"):
        if results[name] != results["before"]:
            raise SystemExit(f"{name}: results differ from the search as it was")
    before = statistics.fmean(seconds["before"])
    return {
        "articles": size,
        "queries": len(queries),
        "found": sum(len(r) for r in results["before"]),
        "build_seconds": round(built, 1),
        "memory_load_seconds": round(load, 3),
        **{
            f"{name}_ms": {
                "mean": round(statistics.fmean(s) * 1000, 2),
                "median": round(statistics.median(s) * 1000, 2),
            }
            for name, s in seconds.items()
        },
        **{
            f"{name}_speedup": round(before / statistics.fmean(seconds[name]), 2)
            for name in ("table", "memory")
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="2,000 articles, 20 queries")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    count = 20 if args.quick else args.queries
    figures = [measure(size, count) for size in sizes]
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
