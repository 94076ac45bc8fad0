"""The lxml fast path against feedparser over every feed file of the shared corpora.

For each document (and each Content-Type it is served with in feedparser's own suite) the fast
path either declines or gives exactly the records the feedparser path gives: feed title, link,
language, TTL and update period, and per item guid, link, title, author, summary and content
after sanitising, dates and categories.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aggregator.errors import ParseError
from aggregator.feeds.fastpath import parse_well_formed
from aggregator.feeds.parse import MAX_ITEMS, parse_with_feedparser
from aggregator.records import ParsedFeed
from tests.shared_data import require_shared

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def _content_types(root: Path) -> dict[str, str | None]:
    """The Content-Type each file of feedparser's suite is served with, from its index."""
    with (root / "index.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found: dict[str, str | None] = {}
    for row in rows:
        for header in row["http_headers"].split("|"):
            name, _, value = header.partition(":")
            if name.strip().lower() == "content-type":
                found[row["path"]] = value.strip()
    return found


def _differences(fast: ParsedFeed, slow: ParsedFeed) -> list[str]:
    found = [
        f"feed {name}: {getattr(fast, name)!r:.120} != {getattr(slow, name)!r:.120}"
        for name in ParsedFeed.__slots__
        if name != "items" and getattr(fast, name) != getattr(slow, name)
    ]
    if len(fast.items) != len(slow.items):
        found.append(f"{len(fast.items)} items != {len(slow.items)}")
    for index, (ours, theirs) in enumerate(zip(fast.items, slow.items, strict=False)):
        for name in type(ours).__slots__:
            if getattr(ours, name) != getattr(theirs, name):
                found.append(
                    f"item {index} {name}: {getattr(ours, name)!r:.120}"
                    f" != {getattr(theirs, name)!r:.120}"
                )
    return found


def test_fast_path_agrees_with_feedparser_or_declines() -> None:
    root = require_shared("feeds")
    suite_types = _content_types(require_shared("feeds/feedparser-tests"))
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in {".csv", ".md"})
    assert len(files) > 500
    disagreements: list[str] = []
    taken = taken_real = real = 0
    for path in files:
        relative = path.relative_to(root).as_posix()
        is_real = relative.startswith("real/")
        real += is_real
        suite_path = relative.removeprefix("feedparser-tests/")
        body = path.read_bytes()
        url = f"https://corpus.example/{relative}"
        for content_type in dict.fromkeys([None, suite_types.get(suite_path)]):
            fast = parse_well_formed(body, url=url, content_type=content_type, max_items=MAX_ITEMS)
            if fast is None:
                continue
            taken += 1
            taken_real += is_real and content_type is None
            try:
                slow = parse_with_feedparser(body, url=url, content_type=content_type)
            except ParseError as exc:
                disagreements.append(f"{relative}: feedparser refused it ({exc})")
                continue
            if fast != slow:
                first = "; ".join(_differences(fast, slow)[:3])
                disagreements.append(f"{relative} ({content_type}): {first}")
    shown = "\n".join(disagreements[:5])
    assert not disagreements, f"{len(disagreements)} disagreements, the first:\n{shown}"
    # The fast path must carry most of the real corpus, or it is not worth having.
    assert taken_real >= real * 0.75, f"fast path took {taken_real} of {real} real feeds"
    assert taken > 250
