"""One fetch of the real Global Voices capture, served by a loopback site, drafts every stub."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.drafting.messages import messages
from aggregator.drafting.records import KINDS, PART_NAMES
from aggregator.storage.tables import articles, items
from tests.loopback import Loopback, Reply
from tests.shared_data import require_shared

CATEGORIES = """
[drafting]
default_category = "World"

[[categories]]
name = "Digital and AI"
item_categories = ["Technology", "Digital Activism"]
keywords = ["internet", "blog"]

[[categories]]
name = "Politics"
item_categories = ["Politics", "Elections", "Protest"]
keywords = ["election", "government"]
"""

GV_SOURCE = {
    "source_name": "Global Voices",
    "licence": "CC BY 3.0",
    "licence_url": "https://creativecommons.org/licenses/by/3.0/",
    "attribution": "Global Voices",
    "attribution_url": "https://globalvoices.org/",
}


def serve_capture(site: Loopback) -> int:
    """The feed with each item's link rewritten to the loopback page the index maps it to."""
    feed = require_shared("feeds/real/globalvoices/gv-feature-2009-06.rss")
    pages = require_shared("articles/globalvoices-2009")
    index = require_shared("articles/index.csv")
    with index.open(encoding="utf-8") as f:
        mapped = {int(r["feed_item"]): r["path"] for r in csv.DictReader(f)}
    for number, path in mapped.items():
        body = (pages.parent / path).read_bytes()
        site.route(f"/gv/{number}/", Reply(body=body, headers={"Content-Type": "text/html"}))
    text = feed.read_text(encoding="utf-8")
    text = re.sub(
        r"http://admin\.mediacloud\.org/files/test/crawler/gv/index\.html\.(\d+)",
        lambda m: site.url(f"/gv/{m.group(1)}/"),
        text,
    )
    site.route("/feed", Reply(body=text.encode(), headers={"Content-Type": "application/rss+xml"}))
    return len(mapped)


def subject_of_title(title: str) -> str:
    """The subject of a June 2009 Global Voices title, by its words (each title its own,
    but for the two stories on Peru and the three on Obama's Cairo speech)."""
    lowered = title.lower()
    return next((s for s in ("peru", "obama") if s in lowered), lowered)


def stub_subject(stub: dict[str, Any]) -> str:
    title = next(p for p in stub["parts"] if p["name"] == "source")["entries"][0]["text"]
    return subject_of_title(str(title))


def stubs_jsonl(config: Config) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["--config", str(config.path), "stubs", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def article_texts(config: Config) -> dict[str, str]:
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(items.c.url, articles.c.text).join(
                    articles, articles.c.item_id == items.c.id
                )
            ).all()
    finally:
        engine.dispose()
    return {row.url: row.text for row in rows}


def check_japanese_files(directory: Path, count: int) -> None:
    """The stub files of a `ja` feed with no backend: Japanese headings, one pending note."""
    files = sorted(directory.glob("*.md"))
    assert len(files) == count
    shown = files[0].read_text(encoding="utf-8")
    assert f"## {messages('ja').heading('news_summary')}" in shown
    assert shown.count("翻訳待ち") == 1  # one note names what is still untranslated


@pytest.mark.shared
def test_one_fetch_drafts_a_complete_stub_for_every_article(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    pages = serve_capture(site)
    config = make_config(
        [{"name": "globalvoices", "url": site.url("/feed"), **GV_SOURCE}],
        extra=CATEGORIES,
        target_language="ja",
    )
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    assert f"{pages} stubs drafted" in result.output

    stubs = stubs_jsonl(config)
    texts = article_texts(config)
    assert len(stubs) == pages == len(texts)
    links: set[frozenset[str]] = set()
    languages: list[str] = []
    for stub in stubs:
        names = [p["name"] for p in stub["parts"]]
        assert names == list(PART_NAMES), stub["url"]
        assert {p["kind"] for p in stub["parts"]} <= set(KINDS)
        parts = {p["name"]: p for p in stub["parts"]}
        text = texts[stub["url"]]
        assert stub["state"] == "draft"
        assert stub["stale"] is False
        assert stub["feed"] == "globalvoices"
        assert stub["guid"]
        # No backend: the summary is prepared in English and its translation marked pending.
        assert parts["news_summary"]["kind"] == "prepared"
        source = stub["provenance"]["source_language"]
        assert parts["news_summary"]["pending"] == f"translation pending ({source} -> ja)"
        languages.append(source)
        assert 3 <= len(parts["news_summary"]["entries"]) <= 5
        assert 3 <= len(parts["key_points"]["entries"]) <= 5
        for entry in parts["key_points"]["entries"]:
            assert text[entry["start"] : entry["end"]] == entry["text"]
        for entry in parts["news_summary"]["entries"]:  # the feed's excerpt has no offsets
            if "start" in entry:
                assert text[entry["start"] : entry["end"]] == entry["text"]
            else:
                assert "no offsets" in parts["news_summary"]["by"]
        for entry in parts["additional_data"].get("entries", []):
            source_text = texts[entry["url"]]  # every link is a stored article
            assert text is source_text or entry["text"] in source_text
            if entry["url"] == stub["url"]:
                assert source_text[entry["start"] : entry["end"]] == entry["text"]
        for name in ("related_news", "background"):
            for entry in parts[name].get("entries", []):
                assert entry["url"] in texts
                assert entry["url"] != stub["url"]
                links.add(frozenset((stub_subject(stub), subject_of_title(entry["title"]))))
        assert "CC BY 3.0" in parts["source"]["content"]
        assert stub["url"] in parts["source"]["content"]
        assert parts["expert_analysis"]["kind"] == "to_write"
        assert parts["expert_analysis"]["prompt"]
        assert parts["summary"]["kind"] == "to_write"
        assert parts["disclaimer"]["content"].startswith("【免責事項】")
        assert stub["provenance"]["content_hash"]
        assert stub["provenance"]["extraction_method"]
        assert stub["category"] in ("Digital and AI", "Politics", "World")
    # Only stories on one subject are related: the Bagua clashes in Peru, reactions to
    # Obama's Cairo speech. Never Brazil's cybercrime bill and African gay bloggers.
    assert links <= {frozenset({"peru"}), frozenset({"obama"})}, links
    # English reports; one quotes French at greater length than its own narrative.
    assert languages.count("en") >= pages - 1, languages

    check_japanese_files(tmp_path / "stubs" / "globalvoices", pages)
