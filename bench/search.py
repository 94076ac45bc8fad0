"""Full-text search on the desk's list: how long a page of search results and its counts take,
against the unfiltered page read the same way in the same run, and what indexing costs.

Run by hand: `.venv/bin/python bench/search.py [--stubs 10000] [--repeat 20] [--quick]
[--database-url URL] [--json figures.json]` (`--quick`: 2,000 stubs, 5 repeats). The store (a
temporary SQLite file unless `--database-url` names an empty PostgreSQL database) gets
`--stubs` drafted stubs from `bench/serve.py`'s `seed`, then every one is indexed as the
migration's backfill does (`search.index_all`: its time per stub is the cost a save adds).

Each figure is the median of `--repeat` runs, in this process: `Desk.find_summaries` (50 rows)
and `Desk.count_by_state` for the unfiltered list (the baseline) and for searches: words the
synthetic stubs nearly all have (the worst case: their words are drawn from forty), a phrase,
a word with a -word, a word one stub in a hundred has (written into its article here), as a
prefix and ordered by relevance, and one that matches nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from serve import seed  # bench/serve.py, beside this file

from aggregator.app import utc_now
from aggregator.storage import search
from aggregator.storage.desk import Desk, StubFilter
from aggregator.storage.ordering import DEFAULT_SORT
from aggregator.storage.store import Store
from aggregator.storage.tables import articles

RARE = "zeppelin"
"""Put into the article text of one stub in a hundred: the synthetic stubs draw their words from
forty, so each of those is in nearly every stub (the worst case for a search)."""
QUERIES = {
    "no search (baseline)": None,
    "common word": "river",
    "two common words": "flood council",
    "common phrase": '"river port"',
    "common word -word": "flood -court",
    "rare word (1 %)": RARE,
    "rare prefix": "zep*",
    "rare word, best first": RARE,
    "no match": "zyxwvut",
}


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stubs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    count, repeat = (2_000, 5) if args.quick else (args.stubs, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'search.db'}"
        store = Store.open(url)
        try:
            seed(store, count, utc_now())
            with store.writing() as conn:
                conn.execute(
                    articles.update()
                    .where(articles.c.item_id % 100 == 0)
                    .values(text=f"A {RARE} landed in the harbour.")
                )
            start = time.perf_counter()
            with store.writing() as conn:
                indexed = search.index_all(conn)
            index_ms = (time.perf_counter() - start) * 1000 / max(1, indexed)
            desk = Desk(store)
            figures: dict[str, Any] = {
                "database": store.engine.dialect.name,
                "stubs": count,
                "index_ms_per_stub": round(index_ms, 3),
                "queries": {},
            }
            base = None
            for name, text in QUERIES.items():
                sort = "relevance" if "best first" in name else DEFAULT_SORT
                where = StubFilter(search=text, sort=sort)
                found = len(desk.find_summaries(where, limit=50))
                page = median_ms(lambda w=where: desk.find_summaries(w, limit=50), repeat)
                counts = median_ms(lambda w=where: desk.count_by_state(w), repeat)
                total = sum(desk.count_by_state(where).values())
                base = base or (page, counts)
                figures["queries"][name] = {
                    "query": text,
                    "matches": total,
                    "page_rows": found,
                    "page_ms": round(page, 2),
                    "counts_ms": round(counts, 2),
                    "page_ratio": round(page / base[0], 2),
                    "counts_ratio": round(counts / base[1], 2),
                }
        finally:
            store.close()
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def report(figures: dict[str, Any]) -> None:
    print(
        f"{figures['stubs']} stubs on {figures['database']}: indexing "
        f"{figures['index_ms_per_stub']} ms a stub"
    )
    print(
        f"{'search':24} {'matches':>8} {'page ms':>8} {'x base':>7} {'counts ms':>10} {'x base':>7}"
    )
    for name, q in figures["queries"].items():
        print(
            f"{name:24} {q['matches']:>8} {q['page_ms']:>8} {q['page_ratio']:>7} "
            f"{q['counts_ms']:>10} {q['counts_ratio']:>7}"
        )


if __name__ == "__main__":
    main()
