"""`aggregator items` and `aggregator extract` as people and scripts run them: a real
process, real files."""

from __future__ import annotations

import json
from pathlib import Path

from aggregator.config import Config
from tests.helpers.cli import aggregator
from tests.loopback import Loopback, Reply


def test_items_as_json_lines(two_feeds: Config) -> None:
    aggregator("fetch", config=two_feeds.path)
    result = aggregator("items", "--format", "jsonl", config=two_feeds.path)
    assert result.returncode == 0, result.stderr
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["guid"] for i in items] == ["urn:x:a", "urn:x:b"]
    for item in items:
        assert item["feed"] == "good"
        assert {"url", "title", "published", "updated", "content_hash"} <= item.keys()


def test_items_carry_their_article(two_feeds: Config, site: Loopback) -> None:
    story = b"<html><body><p>" + b"Words of the story. " * 40 + b"</p></body></html>"
    site.route("/item/urn:x:a", Reply(body=story))
    aggregator("fetch", config=two_feeds.path)
    result = aggregator("items", "--format", "jsonl", config=two_feeds.path)
    items = {i["guid"]: i for i in map(json.loads, result.stdout.splitlines())}
    assert items["urn:x:a"]["extraction_method"] == "generic"
    assert items["urn:x:a"]["text"].startswith("Words of the story.")
    assert items["urn:x:a"]["language"] == "en"
    assert 0 <= items["urn:x:a"]["quality"] <= 1
    assert items["urn:x:b"]["extraction_method"] == "feed"


def test_extract_prints_the_text_and_the_method(tmp_path: Path, two_feeds: Config) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><nav>Home | World</nav><article><h1>Headline</h1>"
        + "<p>The harbour reopened on Monday after three weeks of repairs to the sea wall.</p>" * 4
        + "</article><footer>All rights reserved</footer></body></html>",
        encoding="utf-8",
    )
    result = aggregator("extract", str(page), config=two_feeds.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("method: generic")
    assert "The harbour reopened on Monday" in result.stdout
    assert "All rights reserved" not in result.stdout
