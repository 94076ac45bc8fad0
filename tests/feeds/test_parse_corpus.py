"""parse_feed over third-party corpora: real captured feeds and feedparser's own test suite."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aggregator.errors import ParseError
from aggregator.feeds.parse import parse_feed
from tests.shared_data import require_shared

pytestmark = pytest.mark.shared


def _rows(index: Path) -> list[dict[str, str]]:
    with index.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_real_feeds_parse_with_the_indexed_entry_counts() -> None:
    root = require_shared("feeds/real")
    rows = _rows(root / "index.csv")
    assert len(rows) == 266
    failures = []
    for row in rows:
        body = (root / row["path"]).read_bytes()
        url = row["original_url"] or f"https://corpus.example/{row['path']}"
        try:
            feed = parse_feed(body, url=url)
        except ParseError as exc:
            failures.append(f"{row['path']}: {exc}")
            continue
        if len(feed.items) != int(row["entries"]) or feed.format != row["version"]:
            failures.append(
                f"{row['path']}: {len(feed.items)} items as {feed.format}, "
                f"index says {row['entries']} as {row['version']}"
            )
        if (feed.problem is not None) != (row["bozo"] == "1"):
            failures.append(f"{row['path']}: problem {feed.problem!r}, bozo {row['bozo']}")
        for item in feed.items:
            if item.link is not None and not item.link.startswith(("http://", "https://")):
                failures.append(f"{row['path']}: link {item.link!r}")
            if item.title is not None and item.title != " ".join(item.title.split()):
                failures.append(f"{row['path']}: title {item.title!r}")
    assert failures == []


def _content_type(http_headers: str) -> str | None:
    for header in http_headers.split("|"):
        name, _, value = header.partition(":")
        if name.strip().lower() == "content-type":
            return value.strip()
    return None


def test_feedparser_suite_only_ever_raises_parse_error() -> None:
    root = require_shared("feeds/feedparser-tests")
    headers = {row["path"]: _content_type(row["http_headers"]) for row in _rows(root / "index.csv")}
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in {".csv", ".md"})
    assert len(paths) >= 280
    parsed = refused = 0
    for path in paths:
        relative = path.relative_to(root).as_posix()
        for content_type in {None, headers.get(relative)}:
            try:
                parse_feed(
                    path.read_bytes(), url="https://suite.example/feed", content_type=content_type
                )
            except ParseError:
                refused += 1
            else:
                parsed += 1
    assert parsed > 250
    assert refused < 10
