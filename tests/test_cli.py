"""The `aggregator` command as people and scripts run it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aggregator.config import Config
from tests.helpers.cli import aggregator
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply


@pytest.fixture
def two_feeds(site: Loopback, make_config: Callable[..., Config]) -> Config:
    site.route("/good", Reply(body=rss([("urn:x:a", "Alpha"), ("urn:x:b", "Beta")])))
    site.route("/bad", Reply(500))
    feeds: list[dict[str, Any]] = [
        {"name": "good", "url": site.url("/good")},
        {"name": "bad", "url": site.url("/bad")},
    ]
    return make_config(feeds)


def test_help_is_fast_and_lists_the_commands() -> None:
    result = aggregator("--help")
    assert result.returncode == 0
    for command in ("fetch", "feeds", "items", "check-config", "run", "enable"):
        assert command in result.stdout


def test_check_config_accepts_a_good_file(two_feeds: Config) -> None:
    result = aggregator("--config", str(two_feeds.path), "check-config")
    assert result.returncode == 0, result.stderr
    assert "ok (2 feeds, 2 enabled)" in result.stdout


def test_check_config_names_the_file_feed_and_key(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[feeds]]\nname = "intranet"\nurl = "http://192.168.0.10/rss"\n')
    result = aggregator("check-config", config=path)
    assert result.returncode == 1
    assert f'{path}: feeds[1] "intranet".url: 192.168.0.10 is a private' in result.stderr
    assert "Traceback" not in result.stderr


def test_fetch_reports_failed_feeds_but_succeeds(two_feeds: Config) -> None:
    result = aggregator("fetch", "--all", config=two_feeds.path)
    assert result.returncode == 0, result.stderr
    first_line = result.stdout.splitlines()[0]
    assert first_line.startswith("2 feeds in ")
    assert "1 error, 1 ok; 2 new items, 0 changed" in first_line
    assert "bad: HTTP 500" in result.stdout


def test_fetch_only_named_feeds(two_feeds: Config, site: Loopback) -> None:
    result = aggregator("fetch", "--feed", "good", config=two_feeds.path)
    assert result.returncode == 0, result.stderr
    assert site.hits("/bad") == []
    assert aggregator("fetch", "--feed", "nope", config=two_feeds.path).returncode == 2


def test_second_fetch_finds_nothing_due(two_feeds: Config, site: Loopback) -> None:
    aggregator("fetch", config=two_feeds.path)
    result = aggregator("fetch", config=two_feeds.path)
    assert result.stdout.startswith("0 feeds in ")
    assert len(site.hits("/good")) == 1


def test_items_as_json_lines(two_feeds: Config) -> None:
    aggregator("fetch", config=two_feeds.path)
    result = aggregator("items", "--format", "jsonl", config=two_feeds.path)
    assert result.returncode == 0, result.stderr
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["guid"] for i in items] == ["urn:x:a", "urn:x:b"]
    for item in items:
        assert item["feed"] == "good"
        assert {"url", "title", "published", "updated", "content_hash"} <= item.keys()


def test_feeds_table_when_piped(two_feeds: Config) -> None:
    aggregator("fetch", config=two_feeds.path)
    result = aggregator("feeds", config=two_feeds.path)
    header, *rows = result.stdout.splitlines()
    assert header.split("\t") == [
        "name",
        "url",
        "status",
        "last success",
        "items",
        "errors",
        "next check",
    ]
    table = {row.split("\t")[0]: row.split("\t") for row in rows}
    assert table["good"][2] == "ok (200)"
    assert table["good"][4] == "2"
    assert table["bad"][2] == "error (500): HTTP 500"
    assert table["bad"][5] == "1"
    assert "error backoff after 1 consecutive error" in table["bad"][6]


def test_an_unusable_database_is_a_clear_failure(tmp_path: Path, site: Loopback) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[settings]\ndatabase_url = "sqlite:///{blocker}/sub/a.db"\n'
        f'allow_private_networks = ["127.0.0.1/32"]\n'
        f'[[feeds]]\nname = "x"\nurl = "{site.url("/x")}"\n'
    )
    result = aggregator("fetch", config=config)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {config}: [settings].database_url: the directory")
    assert "Traceback" not in result.stderr


def test_concurrent_fetches_never_store_an_item_twice(site: Loopback, tmp_path: Path) -> None:
    feeds: list[dict[str, Any]] = []
    for i in range(20):
        site.route(f"/f{i}", Reply(body=rss([(f"urn:{i}:{j}", f"T{j}") for j in range(10)])))
        feeds.append({"name": f"f{i}", "url": site.url(f"/f{i}")})
    config = tmp_path / "feeds.toml"
    from tests.conftest import TEST_SETTINGS, write_config

    write_config(config, feeds, {**TEST_SETTINGS, "database_url": f"sqlite:///{tmp_path / 'a.db'}"})
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    command = [sys.executable, "-m", "aggregator", "--config", str(config), "fetch", "--all"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    result = aggregator("items", "--format", "jsonl", config=config)
    guids = [json.loads(line)["guid"] for line in result.stdout.splitlines()]
    assert len(guids) == 200
    assert len(set(guids)) == 200
    assert sum(int(o.split("; ")[1].split()[0]) for o in outputs) == 200


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


def test_fetch_without_extraction_leaves_articles_queued(two_feeds: Config, site: Loopback) -> None:
    result = aggregator("fetch", "--no-extract", config=two_feeds.path)
    assert result.returncode == 0, result.stderr
    assert "articles extracted" not in result.stdout
    assert [r.path for r in site.requests if r.path.startswith("/item/")] == []
    items = aggregator("items", "--format", "jsonl", config=two_feeds.path).stdout
    assert {json.loads(line)["extraction_state"] for line in items.splitlines()} == {"pending"}
