"""CPU cost of parsing the real-feed corpus: the lxml fast path, our feedparser path, feedparser
with its defaults, and `parse_feed` (fast path first, feedparser when it declines).

Run by hand: `.venv/bin/python bench/parse.py [--repeat N] [--quick]`. Each document is parsed
once as a warm-up, then timed N times with process CPU time; the fastest run per document
counts, which keeps scheduler noise out of the per-feed figures. All figures of one run come
from the same run, so their ratios hold on a busy machine even when the absolute times do not.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import feedparser

from aggregator.errors import ParseError
from aggregator.feeds.fastpath import parse_well_formed
from aggregator.feeds.parse import MAX_ITEMS, parse_feed, parse_with_feedparser

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feeds" / "real"

Doc = tuple[bytes, str]


def _ours(body: bytes, url: str) -> object:
    try:
        return parse_feed(body, url=url)
    except ParseError as exc:
        return exc


def _feedparser_path(body: bytes, url: str) -> object:
    try:
        return parse_with_feedparser(body, url=url)
    except ParseError as exc:
        return exc


def _fast_path(body: bytes, url: str) -> object:
    return parse_well_formed(body, url=url, content_type=None, max_items=MAX_ITEMS)


def _feedparser_defaults(body: bytes, url: str) -> object:
    return feedparser.parse(io.BytesIO(body), response_headers={"content-location": url})


def _cpu_times(parse: Callable[[bytes, str], object], docs: list[Doc], repeat: int) -> list[float]:
    times = []
    for body, url in docs:
        parse(body, f"{url}?warm-up")
        best = float("inf")
        for run in range(repeat):
            # A new address each time: nothing cached for one parse (feedparser's URL joins
            # are memoised) may make the next one look cheaper than a first parse is.
            run_url = f"{url}?run={run}"
            start = time.process_time()
            parse(body, run_url)
            best = min(best, time.process_time() - start)
        times.append(best)
    return times


def _summary(name: str, times: list[float]) -> str:
    return (
        f"{name:<24} total {sum(times):7.3f} s  mean {statistics.mean(times) * 1000:6.2f} ms"
        f"  median {statistics.median(times) * 1000:6.2f} ms"
    )


def _load(quick: bool) -> tuple[list[Doc], int]:
    with (CORPUS / "index.csv").open(encoding="utf-8", newline="") as index:
        rows = list(csv.DictReader(index))
    if quick:
        rows = rows[::5]
    docs = [
        ((CORPUS / row["path"]).read_bytes(), row["original_url"] or "https://example.org/feed")
        for row in rows
    ]
    return docs, sum(int(row["entries"]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="every fifth feed, one run each")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    docs, items = _load(args.quick)
    taken = [doc for doc in docs if _fast_path(*doc) is not None]
    total_bytes = sum(len(body) for body, _ in docs)
    taken_bytes = sum(len(body) for body, _ in taken)
    print(f"{len(docs)} feeds, {items} items, best of {repeat} runs, process CPU time")
    print(
        f"fast path takes {len(taken)} of {len(docs)} feeds ({len(taken) / len(docs):.0%}),"
        f" {taken_bytes / 1e6:.1f} of {total_bytes / 1e6:.1f} MB ({taken_bytes / total_bytes:.0%})"
    )
    fast = _cpu_times(_fast_path, taken, repeat)
    slow = _cpu_times(_feedparser_path, taken, repeat)
    print(f"on the {len(taken)} feeds the fast path takes:")
    print(_summary("  fast path (lxml)", fast))
    print(_summary("  feedparser path", slow))
    print(f"  ratio feedparser/fast path: {sum(slow) / sum(fast):.2f}x")
    ours = _cpu_times(_ours, docs, repeat)
    theirs = _cpu_times(_feedparser_path, docs, repeat)
    defaults = _cpu_times(_feedparser_defaults, docs, repeat)
    print(f"on all {len(docs)} feeds:")
    print(_summary("  parse_feed", ours))
    print(_summary("  feedparser path only", theirs))
    print(_summary("  feedparser defaults", defaults))
    print(f"  per item: {sum(ours) / items * 1000:.3f} ms vs {sum(theirs) / items * 1000:.3f} ms")
    print(f"  ratio feedparser path/parse_feed: {sum(theirs) / sum(ours):.2f}x")
    print(f"  ratio feedparser defaults/parse_feed: {sum(defaults) / sum(ours):.2f}x")


if __name__ == "__main__":
    main()
