"""CPU cost of `parse_feed` over the real-feed corpus, next to feedparser with its defaults.

Run by hand: `.venv/bin/python bench/parse.py [--repeat N]`. Each document is parsed once as a
warm-up, then timed N times with process CPU time; the fastest run per document counts, which
keeps scheduler noise out of the per-feed figures.
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
from aggregator.feeds.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feeds" / "real"


def _ours(body: bytes, url: str) -> object:
    try:
        return parse_feed(body, url=url)
    except ParseError as exc:
        return exc


def _feedparser_defaults(body: bytes, url: str) -> object:
    return feedparser.parse(io.BytesIO(body), response_headers={"content-location": url})


def _cpu_times(
    parse: Callable[[bytes, str], object], docs: list[tuple[bytes, str]], repeat: int
) -> list[float]:
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
        f"{name:<22} total {sum(times):7.3f} s  mean {statistics.mean(times) * 1000:6.2f} ms"
        f"  median {statistics.median(times) * 1000:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with (CORPUS / "index.csv").open(encoding="utf-8", newline="") as index:
        rows = list(csv.DictReader(index))
    docs = [
        ((CORPUS / row["path"]).read_bytes(), row["original_url"] or "https://example.org/feed")
        for row in rows
    ]
    items = sum(int(row["entries"]) for row in rows)
    ours = _cpu_times(_ours, docs, args.repeat)
    theirs = _cpu_times(_feedparser_defaults, docs, args.repeat)
    print(f"{len(docs)} feeds, {items} items, best of {args.repeat} runs, process CPU time")
    print(_summary("parse_feed", ours))
    print(_summary("feedparser defaults", theirs))
    print(f"per item: {sum(ours) / items * 1000:.3f} ms vs {sum(theirs) / items * 1000:.3f} ms")
    print(f"ratio feedparser/parse_feed: {sum(theirs) / sum(ours):.2f}x")


if __name__ == "__main__":
    main()
