"""A worker serves its own `/metrics` at `[workers].metrics_listen`: an `aggregator worker`
process over PostgreSQL refreshes loopback feeds, and its counts are scraped over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from aggregator.errors import ConfigError
from aggregator.workers.settings import parse_workers
from tests.conftest import TEST_SETTINGS, write_config
from tests.workers.site import FeedSite

FEEDS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scrape(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""  # not listening yet


@pytest.mark.slow
def test_a_worker_exports_its_refreshes(postgresql_url: str, tmp_path: Path) -> None:
    site = FeedSite(FEEDS, 1, items=2).start()
    port = free_port()
    feeds = [{"name": f"feed-{i}", "url": site.feed_url(i)} for i in range(FEEDS)]
    settings = {"database_url": postgresql_url, **TEST_SETTINGS}
    workers = (
        "\n[workers]\nenqueue_seconds = 1\npoll_seconds = 0.2\nheartbeat_seconds = 0.5\n"
        f'stalled_seconds = 5\nmetrics_listen = "127.0.0.1:{port}"\n'
    )
    config = write_config(tmp_path / "feeds.toml", feeds, settings, workers)
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--config", str(config), "worker"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/metrics"
    text = ""
    try:
        deadline = time.monotonic() + 120
        while f'aggregator_fetches_total{{outcome="ok"}} {FEEDS}.0' not in text:
            if worker.poll() is not None:
                pytest.fail((tmp_path / "worker.log").read_text()[-3000:])
            if time.monotonic() > deadline:
                pytest.fail(f"no refreshes counted at {url}:\n{text}")
            time.sleep(0.5)
            text = scrape(url)
        assert f'aggregator_items_total{{kind="new"}} {FEEDS * 2}.0' in text
        assert "_created" not in text
        worker.terminate()
        assert worker.wait(60) == 0
        assert scrape(url) == ""  # the endpoint goes with the worker
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        log.close()
        site.stop()


@pytest.mark.parametrize("listen", ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:http", ":70000"])
def test_metrics_listen_needs_a_host_and_a_port(listen: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="metrics_listen"):
        parse_workers({"metrics_listen": listen}, tmp_path / "feeds.toml")


def test_metrics_listen_is_off_unless_set(tmp_path: Path) -> None:
    assert parse_workers({}, tmp_path / "feeds.toml").metrics_listen == ""
    chosen = parse_workers({"metrics_listen": "0.0.0.0:9101"}, tmp_path / "feeds.toml")
    assert chosen.metrics_listen == "0.0.0.0:9101"
