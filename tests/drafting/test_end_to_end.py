"""One fetch of the real Global Voices capture, served by a loopback site, drafts every stub."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.drafting.messages import messages
from aggregator.stub_records import KINDS, PART_NAMES
from tests.helpers.globalvoices import GV_SOURCE, article_texts, serve_capture, stubs_jsonl
from tests.loopback import Loopback

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


def subject_of_title(title: str) -> str:
    """The subject of a June 2009 Global Voices title, by its words (each title its own,
    but for the two stories on Peru and the three on Obama's Cairo speech)."""
    lowered = title.lower()
    return next((s for s in ("peru", "obama") if s in lowered), lowered)


def stub_subject(stub: dict[str, Any]) -> str:
    title = next(p for p in stub["parts"] if p["name"] == "source")["entries"][0]["text"]
    return subject_of_title(str(title))


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
