"""The cap on the text a stub is drafted from: a prefix, cut at a boundary, and said so."""

from __future__ import annotations

import json
from collections.abc import Callable

from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.drafting.textcap import cap_text
from tests.loopback import Loopback, Reply

PARAGRAPH = "The council met on Monday. It voted 31 to 9 for the new dam. Work starts in May."


def test_a_short_text_is_kept_whole() -> None:
    capped = cap_text(PARAGRAPH, 1000)
    assert capped.text == PARAGRAPH
    assert not capped.cut
    assert capped.note() is None


def test_a_long_text_is_cut_at_the_last_paragraph_end_before_the_limit() -> None:
    text = "\n\n".join([PARAGRAPH] * 100)
    capped = cap_text(text, 1000)
    assert text.startswith(capped.text)
    assert len(capped.text) <= 1000
    assert capped.text.endswith("Work starts in May.")
    assert capped.text.count("\n\n") == 11  # 12 whole paragraphs of 81 characters
    assert capped.boundary == "paragraph"
    note = capped.note()
    assert note is not None
    assert f"first {len(capped.text):,} of {len(text):,} characters" in note


def test_without_a_paragraph_end_it_cuts_at_a_sentence_then_a_word() -> None:
    text = " ".join([PARAGRAPH] * 100)
    capped = cap_text(text, 1000)
    assert (capped.boundary, capped.text[-1]) == ("sentence", ".")
    assert text.startswith(capped.text)
    assert len(capped.text) <= 1000
    # "3.5" is no sentence end; the cut falls before a word instead.
    words = "rain of 3.5 mm " * 200
    capped = cap_text(words, 1000)
    assert capped.boundary == "word"
    assert words.startswith(capped.text)
    assert not capped.text.endswith(("3.", " "))


def test_japanese_is_cut_after_a_full_stop() -> None:
    text = "市議会は月曜日に新しいダムを承認した。" * 200
    capped = cap_text(text, 1000)
    assert capped.boundary == "sentence"
    assert capped.text.endswith("。")
    assert len(capped.text) <= 1000


def test_a_huge_article_is_drafted_from_its_beginning_and_the_stub_says_so(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    paragraphs = [
        f"Paragraph {n}: the harbour of the town reopened after {n} days of storms. "
        f"Fishermen said {n + 40} boats were damaged, the council promised a fund."
        for n in range(400)
    ]
    page = (
        "<html><body><article><h1>A very long report</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    site.route("/long", Reply(body=page.encode(), headers={"Content-Type": "text/html"}))
    feed = (
        "<rss version='2.0'><channel><title>T</title><item><guid>urn:long</guid>"
        f"<title>A very long report</title><link>{site.url('/long')}</link></item>"
        "</channel></rss>"
    )
    site.route("/feed", Reply(body=feed.encode(), headers={"Content-Type": "application/rss+xml"}))
    config = make_config(
        [{"name": "long", "url": site.url("/feed")}], extra="[drafting]\nmax_text_chars = 5000\n"
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 stubs drafted" in result.output
    result = runner.invoke(cli, ["--config", str(config.path), "stubs", "--format", "jsonl"])
    (stub,) = [json.loads(line) for line in result.output.splitlines()]
    note = stub["provenance"]["text_cut"]
    assert note.startswith("drafted from the first ")
    assert "(cut at a paragraph end; [drafting].max_text_chars)" in note
    parts = {p["name"]: p for p in stub["parts"]}
    offsets = [
        entry
        for name in ("news_summary", "key_points", "additional_data")
        for entry in parts[name].get("entries", [])
        if entry.get("start") is not None
    ]
    assert parts["news_summary"]["entries"]
    assert all(entry["end"] <= 5000 for entry in offsets)
    result = runner.invoke(cli, ["--config", str(config.path), "items", "--format", "jsonl"])
    (item,) = [json.loads(line) for line in result.output.splitlines()]
    assert len(item["text"]) > 30_000  # the article is stored whole; only drafting is capped
    text = item["text"]
    for entry in offsets:
        assert text[entry["start"] : entry["end"]] == entry["text"]
