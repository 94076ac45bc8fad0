"""`aggregator worker` and `aggregator workers` as people run them."""

from __future__ import annotations

import json
from collections.abc import Callable

from aggregator.cli.workers import QUEUES
from aggregator.config import Config
from aggregator.workers import queue
from tests.helpers.cli import aggregator
from tests.helpers.service import feeds_on
from tests.loopback import Loopback
from tests.workers.enqueue import enqueue_due


def test_the_command_offers_the_queues_there_are() -> None:
    assert QUEUES == queue.QUEUES


def test_a_worker_needs_postgresql_and_says_where_to_set_it(
    make_config: Callable[..., Config],
) -> None:
    config = make_config([])
    for command in ("worker", "workers"):
        result = aggregator(command, config=config.path)
        assert result.returncode == 1
        assert result.stderr.startswith(f"error: {config.path}: [settings].database_url")
        assert "postgresql://" in result.stderr


def test_workers_shows_the_queue(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    config = make_config(feeds_on(site, 2), database_url=postgresql_url)

    enqueue_due(config)
    table = aggregator("workers", config=config.path)
    assert table.returncode == 0, table.stderr
    lines = [line.split("\t") for line in table.stdout.splitlines()]
    assert lines[0] == ["task", "waiting", "running", "failed", "cancelled", "oldest waiting"]
    assert lines[1][:5] == ["refresh_feed", "1", "0", "0", "0"], "one host: one lane's task"
    assert lines[1][5].endswith("s ago")
    assert "no workers running" in table.stdout

    view = json.loads(aggregator("workers", "--format", "json", config=config.path).stdout)
    (refresh,) = view["tasks"]
    assert (refresh["task"], refresh["counts"]["todo"]) == ("aggregator.refresh_feed", 1)
    assert view["workers"] == []


def test_fetch_can_queue_the_refreshes_for_the_workers(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    config = make_config(feeds_on(site, 3), database_url=postgresql_url)
    first = aggregator("fetch", "--queue", config=config.path)
    assert (first.returncode, first.stdout) == (0, "3 refreshes queued for the workers\n")
    again = aggregator("fetch", "--queue", "--feed", "f1", config=config.path)
    assert again.stdout == "0 refreshes queued for the workers\n", "it waits already"
    assert [r for r in site.requests if r.path.startswith("/f")] == [], "nothing fetched here"
    table = aggregator("workers", config=config.path).stdout.splitlines()
    assert table[1].split("\t")[:2] == ["refresh_feed", "1"], "three feeds, one lane's task"
