"""`aggregator stubs` and `aggregator draft` as people and scripts use them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from tests.helpers.drafting import STORIES, serve
from tests.loopback import Loopback, Reply


def invoke(config: Config, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config.path), *args])
    return result.exit_code, result.output


def test_stubs_and_draft_from_the_command_line(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    serve(site)
    config = make_config([{"name": "city", "url": site.url("/feed")}], target_language="ja")
    code, output = invoke(config, "fetch", "--all")
    assert code == 0, output
    assert "2 stubs drafted" in output

    code, output = invoke(config, "stubs")
    assert code == 0
    for title, _ in STORIES.values():
        assert title in output
    assert "en->ja" in output
    assert "2 stubs" in output

    code, output = invoke(config, "stubs", "--format", "jsonl")
    rows = [json.loads(line) for line in output.splitlines()]
    assert {r["title"] for r in rows} == {t for t, _ in STORIES.values()}
    dam = next(r for r in rows if r["url"].endswith("/dam"))

    assert invoke(config, "draft", "--item", "999")[0] != 0
    code, output = invoke(config, "draft", "--item", str(dam["item_id"]))
    assert code != 0
    assert "--redo" in output
    code, output = invoke(config, "draft", "--item", str(dam["item_id"]), "--redo")
    assert code == 0
    assert "1 stubs drafted" in output

    # The story is rewritten at its source: its stub turns stale, and only --redo redrafts it.
    title, text = STORIES["dam"]
    page = f"<html><body><article><h1>{title}</h1><p>{text} A new paragraph.</p></article>"
    site.route("/dam", Reply(body=page.encode(), headers={"Content-Type": "text/html"}))
    serve_changed_title(site)  # a changed item has its article extracted again
    code, output = invoke(config, "fetch", "--all")
    assert code == 0
    assert "0 stubs drafted" in output
    code, output = invoke(config, "stubs", "--stale", "--format", "jsonl")
    (stale,) = [json.loads(line) for line in output.splitlines()]
    assert stale["item_id"] == dam["item_id"]
    assert "1 paragraph added" in stale["stale_reason"]
    code, output = invoke(config, "draft", "--redo")
    assert code == 0
    assert "1 stubs drafted" in output
    assert invoke(config, "stubs", "--stale", "--format", "jsonl")[1] == ""
    assert len(list((tmp_path / "stubs" / "city").glob("*.md"))) == 2


def serve_changed_title(site: Loopback) -> None:
    entries = []
    for slug, (title, _) in STORIES.items():
        changed = f"{title}, updated" if slug == "dam" else title
        entries.append(
            f"<item><guid>urn:{slug}</guid><title>{changed}</title><link>{site.url('/' + slug)}"
            f"</link><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>"
        )
    feed = f"<rss version='2.0'><channel><title>City</title>{''.join(entries)}</channel></rss>"
    site.route("/feed", Reply(body=feed.encode(), headers={"Content-Type": "application/rss+xml"}))
