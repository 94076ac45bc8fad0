"""`fetch` as an operator runs it (issue 14): failures at `warning`, retries by hand that do not
add to the backoff, a first run offline retried within minutes, and Ctrl-C with a summary."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from aggregator.cli import cli
from aggregator.cli.fetch import stubs_line
from aggregator.config import Config
from aggregator.drafting.drafter import DraftReport
from aggregator.records import DraftOutcome
from tests.helpers.cli import aggregator
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply


def invoke(config: Config, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config.path), *args])


def events(stderr: str) -> list[tuple[str, str, str]]:
    """(level, event, feed) of each key=value log line."""
    found = []
    for line in stderr.splitlines():
        if "[" not in line or "]" not in line:
            continue
        level = line.split("[", 1)[1].split("]", 1)[0].strip()
        rest = line.split("]", 1)[1].split()
        feed = next((p.split("=", 1)[1] for p in rest if p.startswith("feed=")), "")
        found.append((level, rest[0] if rest else "", feed))
    return found


def test_failures_at_info_log_level_warning_shows_http_500_and_dns_failure(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/good", Reply(body=rss([("urn:g:1", "Good")])))  # its article page is a 404
    site.route("/bad", Reply(500))
    site.route("/missing", Reply(404))
    site.route("/gone", Reply(410))
    site.route("/garbled", Reply(body=b"<html>not a feed</html>"))
    feeds: list[dict[str, Any]] = [
        {"name": "good", "url": site.url("/good")},
        {"name": "bad", "url": site.url("/bad")},
        {"name": "nxdomain", "url": "http://feed.nosuch.example/rss"},  # the tests' DNS fails
        {"name": "missing", "url": site.url("/missing")},
        {"name": "gone", "url": site.url("/gone")},
        {"name": "garbled", "url": site.url("/garbled")},
    ]
    config = make_config(feeds)
    result = invoke(config, "--log-level", "warning", "fetch", "--all")
    assert result.exit_code == 0, result.output
    logged = events(result.stderr)
    assert ("warning", "feed.refreshed", "bad") in logged
    assert ("warning", "feed.refreshed", "nxdomain") in logged
    for name in ("missing", "gone", "garbled"):
        assert ("warning", "feed.refreshed", name) in logged
    assert ("warning", "article.extracted", "good") in logged, "its page was a 404"
    assert not [e for e in logged if e[2] == "good" and e[1] == "feed.refreshed"], "went well"
    assert all(level != "info" for level, _, _ in logged)

    quiet = invoke(config, "--log-level", "error", "fetch", "--all")
    assert events(quiet.stderr) == []
    chatty = invoke(config, "--log-level", "info", "fetch", "--all")
    assert ("info", "feed.refreshed", "good") in events(chatty.stderr)


def feed_row(config: Config, name: str) -> dict[str, Any]:
    rows = json.loads(invoke(config, "feeds", "--format", "json").output)
    row: dict[str, Any] = next(r for r in rows if r["name"] == name)
    return row


def minutes_ahead(row: dict[str, Any]) -> float:
    at = datetime.fromisoformat(row["next_check_at"])
    return (at - datetime.now(UTC)).total_seconds() / 60


def test_first_run_offline_retries_within_minutes_and_forced_tries_do_not_count(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    feeds: list[dict[str, Any]] = [{"name": "offline", "url": "http://feed.nosuch.example/rss"}]
    config = make_config(feeds, default_interval=60)
    assert invoke(config, "fetch").exit_code == 0  # the scheduled pass: one DNS failure
    row = feed_row(config, "offline")
    assert row["error_count"] == 1
    assert 9 < minutes_ahead(row) <= 10, "minutes (min_interval 5 doubled), not 2 h"
    for _ in range(4):  # forced tries used to add up to 16 h
        forced = invoke(config, "fetch", "--feed", "offline")
        assert forced.exit_code == 0, forced.output
        row = feed_row(config, "offline")
        assert row["error_count"] == 1
        assert 9 < minutes_ahead(row) <= 10
    assert "not counted" in row["next_check_reason"]


def test_ctrl_c_during_fetch_prints_the_partial_summary_and_exits_130(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/fast", Reply(body=rss([("urn:f:1", "Fast")])))
    site.route("/hung", Reply(body=rss([("urn:h:1", "Hung")]), delay=60))
    feeds: list[dict[str, Any]] = [
        {"name": "fast", "url": site.url("/fast")},
        {"name": "hung", "url": site.url("/hung")},
    ]
    config = make_config(feeds, request_deadline=120)
    env = {**os.environ, "PYTHONWARNINGS": "error", "AGGREGATOR_CONFIG": str(config.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--log-level", "info", "fetch", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        seen = _wait_for_line(process, "feed=fast", timeout=30)
        assert seen, "the fast feed was never reported"
        deadline = time.monotonic() + 30
        while not site.hits("/hung") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.hits("/hung"), "the hung feed was never asked for"
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
        took = time.monotonic() - interrupted
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert took < 5, f"stopped {took:.1f} s after Ctrl-C"
    summary = stdout.splitlines()[0]
    assert summary.startswith("1 feeds in "), stdout
    assert "1 ok; 1 new items" in summary
    assert "interrupted during the feeds (1 of 2 feeds not done)" in stderr
    assert "Aborted!" not in stderr
    assert "Traceback" not in stderr
    hung = feed_row(config, "hung")
    assert (hung["last_status"], hung["items"]) == (None, 0), "nothing half-written"
    assert feed_row(config, "fast")["items"] == 1


def _wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float) -> bool:
    assert process.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                return False
            line = process.stderr.readline()
            if not line:
                return False
            if needle in line:
                return True
        return False
    finally:
        selector.close()


def test_inconsistent_output_fetch_gives_a_machine_readable_summary(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/good", Reply(body=rss([("urn:g:1", "Good"), ("urn:g:2", "Better")])))
    site.route("/bad", Reply(500))
    feeds: list[dict[str, Any]] = [
        {"name": "good", "url": site.url("/good")},
        {"name": "bad", "url": site.url("/bad")},
    ]
    config = make_config(feeds)
    result = invoke(config, "fetch", "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["feeds"] == summary["selected"] == 2
    assert summary["outcomes"] == {"error": 1, "ok": 1}
    assert (summary["new_items"], summary["changed_items"]) == (2, 0)
    assert summary["errors"] == [{"feed": "bad", "error": "HTTP 500"}]
    assert summary["articles"]["extracted"] + summary["articles"]["retrying"] == 2
    assert summary["stubs"]["drafted"] >= 0
    assert summary["interrupted"] is None
    only_feeds = json.loads(
        invoke(config, "fetch", "--all", "--no-extract", "--format", "json").stdout
    )
    assert (only_feeds["articles"], only_feeds["stubs"]) == (None, None)


def test_ctrl_c_during_extraction_keeps_the_feeds_summary_and_exits_130(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/fast", Reply(body=rss([("urn:f:1", "Fast")])))
    site.route("/item/urn:f:1", Reply(body=b"<html></html>", delay=60))  # the page hangs
    config = make_config([{"name": "fast", "url": site.url("/fast")}], request_deadline=120)
    env = {**os.environ, "PYTHONWARNINGS": "error", "AGGREGATOR_CONFIG": str(config.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "fetch", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while not site.hits("/item/urn:f:1") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.hits("/item/urn:f:1"), "the article page was never asked for"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert stdout.startswith("1 feeds in "), stdout
    assert "articles extracted" not in stdout
    assert "interrupted during extraction" in stderr
    assert "Traceback" not in stderr


def test_the_stubs_line_names_each_outcome() -> None:
    outcomes = {DraftOutcome.DRAFTED: 3, DraftOutcome.PENDING: 1, DraftOutcome.FAILED: 2}
    report = DraftReport(Counter(outcomes))
    assert stubs_line(report, 2.0) == (
        "4 stubs drafted in 2.0 s (1 with machine steps pending); 2 failed, to retry"
    )
    assert [o.value for o in DraftOutcome] == ["drafted", "pending", "failed"]


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


def test_fetch_without_extraction_leaves_articles_queued(two_feeds: Config, site: Loopback) -> None:
    result = aggregator("fetch", "--no-extract", config=two_feeds.path)
    assert result.returncode == 0, result.stderr
    assert "articles extracted" not in result.stdout
    assert [r.path for r in site.requests if r.path.startswith("/item/")] == []
    items = aggregator("items", "--format", "jsonl", config=two_feeds.path).stdout
    assert {json.loads(line)["extraction_state"] for line in items.splitlines()} == {"pending"}
