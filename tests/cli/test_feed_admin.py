"""`feeds disable`, `feeds remove [--purge]`, `feeds reset`, `feeds update-urls` and duplicate
URLs in `check-config` (issue 14), through the real CLI against loopback feeds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from aggregator.cli import cli
from aggregator.config import Config, load_config
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply

COMMENTED = "  # the newsroom's main source"


def invoke(config: Config | Path, *args: str, stdin: str | None = None) -> Result:
    path = config.path if isinstance(config, Config) else config
    return CliRunner().invoke(cli, ["--config", str(path), *args], input=stdin)


def feeds_json(config: Config) -> dict[str, dict[str, Any]]:
    result = invoke(config, "feeds", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)}


def items_of(config: Config, feed: str) -> list[dict[str, Any]]:
    result = invoke(config, "items", "--feed", feed, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def stubs_of(config: Config) -> list[dict[str, Any]]:
    result = invoke(config, "stubs", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def stored_flags(tmp_path: Path, name: str) -> tuple[int, int]:
    """(enabled, in_config) of a feed as the store has it, which the service reads each tick."""
    with sqlite3.connect(tmp_path / "aggregator.db") as db:
        row = db.execute("SELECT enabled, in_config FROM feeds WHERE name = ?", (name,)).fetchone()
    db.close()
    return (int(row[0]), int(row[1]))


def two_feeds(site: Loopback, make_config: Callable[..., Config]) -> Config:
    site.route("/alpha", Reply(body=rss([("urn:a:1", "Alpha one"), ("urn:a:2", "Alpha two")])))
    site.route("/beta", Reply(body=rss([("urn:b:1", "Beta one")])))
    config = make_config(
        [{"name": "alpha", "url": site.url("/alpha")}, {"name": "beta", "url": site.url("/beta")}],
        '\n# drafting after the feeds\n[drafting]\nbackend = "none"\n',
    )
    text = config.path.read_text(encoding="utf-8")
    text = text.replace(f'url = "{site.url("/alpha")}"', f'url = "{site.url("/alpha")}"{COMMENTED}')
    config.path.write_text(text, encoding="utf-8")
    fetched = invoke(config, "fetch", "--all")
    assert fetched.exit_code == 0, fetched.output
    return config


def test_disable_keeps_items_and_stops_fetching(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = two_feeds(site, make_config)
    before = config.path.read_text(encoding="utf-8")

    result = invoke(config, "feeds", "disable", "alpha")

    assert result.exit_code == 0, result.output
    assert "alpha: disabled" in result.stdout
    after = config.path.read_text(encoding="utf-8")
    line = f'url = "{site.url("/alpha")}"{COMMENTED}\n'
    assert after == before.replace(line, line + "enabled = false\n"), "one line added, comment kept"
    assert load_config(config.path).feed("alpha").enabled is False  # type: ignore[union-attr]
    assert stored_flags(tmp_path, "alpha") == (0, 1), "a running service stops at its next tick"
    hits = len(site.hits("/alpha"))
    assert invoke(config, "fetch", "--all").exit_code == 0
    assert len(site.hits("/alpha")) == hits, "a disabled feed is not fetched"
    assert len(site.hits("/beta")) == 2
    assert len(items_of(config, "alpha")) == 2, "its items stay"
    assert invoke(config, "feeds", "disable", "alpha").stdout.startswith("alpha: already disabled")

    enabled = invoke(config, "enable", "alpha")
    assert enabled.exit_code == 0, enabled.output
    assert enabled.stdout.splitlines()[0] == f"alpha: enabled = true in {config.path}"
    assert config.path.read_text(encoding="utf-8") == before.replace(
        line, line + "enabled = true\n"
    )
    assert stored_flags(tmp_path, "alpha") == (1, 1)
    assert invoke(config, "fetch").exit_code == 0
    assert len(site.hits("/alpha")) == hits + 1, "due at once"


def test_disable_of_an_unknown_name_is_rc_2_naming_the_valid_ones(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = two_feeds(site, make_config)
    before = config.path.read_bytes()
    result = invoke(config, "feeds", "disable", "nosuch")
    assert result.exit_code == 2
    assert "'nosuch'" in result.stderr
    assert "alpha, beta" in result.stderr
    assert config.path.read_bytes() == before


def test_remove_without_purge_keeps_items_and_stubs_and_stops_fetching(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = two_feeds(site, make_config)
    before = config.path.read_text(encoding="utf-8")
    stubs_before = len(stubs_of(config))

    result = invoke(config, "feeds", "remove", "beta")

    assert result.exit_code == 0, result.output
    assert stored_flags(tmp_path, "beta") == (1, 0), "a running service stops at its next tick"
    assert "--purge" in result.stdout
    table = f'\n[[feeds]]\nname = "beta"\nurl = "{site.url("/beta")}"\n'
    assert table in before
    assert config.path.read_text(encoding="utf-8") == before.replace(table, "")
    assert [f.name for f in load_config(config.path).feeds] == ["alpha"]
    assert invoke(config, "fetch", "--all").exit_code == 0
    assert len(site.hits("/beta")) == 1, "no longer fetched"
    assert len(items_of(config, "beta")) == 1
    assert len(stubs_of(config)) == stubs_before == 3
    assert feeds_json(config)["beta"]["in_config"] is False


def test_remove_purge_asks_first_then_deletes_items_stubs_and_files(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = two_feeds(site, make_config)
    before = config.path.read_bytes()
    files = list((tmp_path / "stubs").rglob("*.md"))
    assert len(files) == 3

    refused = invoke(config, "feeds", "remove", "alpha", "--purge", stdin="n\n")
    assert refused.exit_code == 1
    assert "delete 2 items and 2 stubs of alpha?" in refused.stderr
    assert config.path.read_bytes() == before, "nothing changed when refused"
    assert len(items_of(config, "alpha")) == 2

    result = invoke(config, "feeds", "remove", "alpha", "--purge", "--yes")

    assert result.exit_code == 0, result.output
    assert "alpha: removed from" in result.stdout
    assert "alpha: deleted 2 items and 2 stubs (2 stub files)" in result.stdout
    assert "alpha" not in feeds_json(config)
    assert [s["feed"] for s in stubs_of(config)] == ["beta"]
    assert len(items_of(config, "beta")) == 1, "the other feed is untouched"
    assert len(list((tmp_path / "stubs").rglob("*.md"))) == 1
    assert COMMENTED not in config.path.read_text(encoding="utf-8")


def test_remove_purge_of_a_feed_already_out_of_the_config(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = two_feeds(site, make_config)
    assert invoke(config, "feeds", "remove", "beta").exit_code == 0
    assert invoke(config, "feeds", "remove", "beta").exit_code == 2, "not in the config now"
    result = invoke(config, "feeds", "remove", "beta", "--purge", "-y")
    assert result.exit_code == 0, result.output
    assert "beta: deleted 1 items and 1 stubs" in result.stdout
    assert "beta" not in feeds_json(config)


def test_reset_clears_errors_and_backoff_next_check_now(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/flaky", Reply(500))
    config = make_config([{"name": "flaky", "url": site.url("/flaky")}])
    for _ in range(2):  # scheduled passes: the first fails, the second finds it not due
        assert invoke(config, "fetch").exit_code == 0
    assert len(site.hits("/flaky")) == 1, "backing off"
    row = feeds_json(config)["flaky"]
    assert row["error_count"] == 1
    assert row["next_check_at"] is not None

    result = invoke(config, "feeds", "reset", "flaky")

    assert result.exit_code == 0, result.output
    assert result.stdout == "flaky: errors cleared, due now\n"
    row = feeds_json(config)["flaky"]
    assert (row["error_count"], row["last_error"], row["next_check_at"]) == (0, None, None)
    assert row["next_check_reason"] == "reset by hand"
    assert invoke(config, "fetch").exit_code == 0
    assert len(site.hits("/flaky")) == 2, "due at once"
    assert invoke(config, "feeds", "reset", "nosuch").exit_code == 2


def test_moved_feed_shown_until_update_urls_writes_it_into_the_config(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    new = site.url("/new")
    site.route("/old", Reply(301, headers={"Location": new}))
    site.route("/new", Reply(headers={"ETag": '"v1"'}, body=rss([("urn:m:1", "Moved one")])))
    config = make_config([{"name": "moved", "url": site.url("/old")}])
    text = config.path.read_text(encoding="utf-8")
    config.path.write_text(text.replace("[[feeds]]", "# moved last year\n[[feeds]]"), "utf-8")
    assert invoke(config, "fetch", "--all").exit_code == 0

    table = invoke(config, "feeds")
    assert f"moved to {new}; run `aggregator feeds update-urls`" in table.stdout
    assert site.url("/old") in invoke(config, "feeds", "export").stdout, "the config's, still"
    dry = invoke(config, "feeds", "update-urls", "--dry-run")
    assert dry.stdout.splitlines() == [
        f"moved: {site.url('/old')} -> {new}",
        f"1 URLs would be written to {config.path}",
    ]
    assert load_config(config.path).feeds[0].url == site.url("/old")

    result = invoke(config, "feeds", "update-urls")

    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"1 URLs written to {config.path}\n")
    after = config.path.read_text(encoding="utf-8")
    assert after == text.replace("[[feeds]]", "# moved last year\n[[feeds]]").replace(
        site.url("/old"), new
    )
    assert "moved to" not in invoke(config, "feeds").stdout
    assert invoke(config, "fetch", "--all").exit_code == 0
    assert len(site.hits("/old")) == 1, "the new URL is fetched directly"
    assert site.hits("/new")[-1].headers.get("if-none-match") == '"v1"', "validators kept"
    assert invoke(config, "feeds", "update-urls").stdout == "no feed has moved\n"


def test_two_feeds_with_the_same_url_fail_check_config_naming_both(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config([{"name": "one", "url": "https://news.example/feed"}])
    path = config.path
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[feeds]]\nname = "two"\nurl = "HTTPS://News.Example:443/feed#top"\n',
        encoding="utf-8",
    )
    result = invoke(path, "check-config")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f'Error: {path}: feeds[2] "two".url: the same URL as ')
    assert 'feeds[1] "one"' in result.stderr


def test_purge_reset_and_update_urls_on_sqlite_and_postgresql(
    site: Loopback, make_config: Callable[..., Config], database_url: str
) -> None:
    site.route("/old", Reply(301, headers={"Location": site.url("/new")}))
    site.route("/new", Reply(body=rss([("urn:p:1", "One"), ("urn:p:2", "Two")])))
    site.route("/down", Reply(500))
    config = make_config(
        [{"name": "moved", "url": site.url("/old")}, {"name": "down", "url": site.url("/down")}],
        database_url=database_url,
    )
    assert invoke(config, "fetch").exit_code == 0
    assert feeds_json(config)["down"]["error_count"] == 1

    assert invoke(config, "feeds", "reset", "down").exit_code == 0
    assert feeds_json(config)["down"]["error_count"] == 0
    assert invoke(config, "feeds", "update-urls").exit_code == 0
    assert load_config(config.path).feed("moved").url == site.url("/new")  # type: ignore[union-attr]
    assert feeds_json(config)["moved"]["url"] == site.url("/new")

    result = invoke(config, "feeds", "remove", "moved", "--purge", "--yes")

    assert result.exit_code == 0, result.output
    assert "moved: deleted 2 items and 2 stubs" in result.stdout
    assert set(feeds_json(config)) == {"down"}
    assert stubs_of(config) == []
