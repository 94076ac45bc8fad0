"""Two `aggregator worker` processes sharing PostgreSQL, against 300 feeds on 20 loopback hosts:
every item stored once, every feed refreshed once per due time, never two requests in flight to
one host; then one worker is killed with SIGKILL and the other finishes with nothing lost."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
import sqlalchemy as sa

from aggregator.storage.engine import SCHEMA_REVISION, create_engine, current_revision
from tests.conftest import TEST_SETTINGS, write_config
from tests.workers.site import FeedSite

pytestmark = pytest.mark.slow

AGGREGATOR = (sys.executable, "-m", "aggregator")
FEEDS, HOSTS = 300, 20
GAP = 0.1
WORKERS = """
[workers]
concurrency = 8
enqueue_seconds = 1
heartbeat_seconds = 0.5
stalled_seconds = 2
poll_seconds = 0.2
drain_seconds = 20
"""


@pytest.fixture
def site() -> Iterator[FeedSite]:
    server = FeedSite(FEEDS, HOSTS, items=2).start()
    try:
        yield server
    finally:
        server.stop()


class Cluster:
    def __init__(self, config: Path, logs: Path) -> None:
        self.config = config
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.files: list[IO[bytes]] = []

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.files.append(log)
        command = [*AGGREGATOR, "--config", str(self.config), "--log-json", "--log-level"]
        self.processes[name] = subprocess.Popen(
            [*command, "info", "worker"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def events(self, name: str) -> list[dict[str, object]]:
        lines = (self.logs / f"{name}.log").read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
            process.wait(10)
        for file in self.files:
            file.close()


def wait_for(what: str, check: Callable[[], bool], cluster: Cluster, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        for name, process in cluster.processes.items():
            if process.poll() is not None and process.returncode not in (0, -signal.SIGKILL):
                log = (cluster.logs / f"{name}.log").read_text()[-3000:]
                pytest.fail(f"worker {name} exited with {process.returncode}:\n{log}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.25)


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM feeds WHERE last_checked_at IS NOT NULL) feeds,"
                    " (SELECT count(*) FROM items) items,"
                    " (SELECT count(DISTINCT (feed_id, guid)) FROM items) distinct_items,"
                    " (SELECT count(*) FROM articles WHERE state = 'done') articles,"
                    " (SELECT count(*) FROM stubs WHERE work = 'drafted') stubs,"
                    " (SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed') failed"
                )
            )
            .one()
            ._mapping
        )


def assert_polite(site: FeedSite) -> None:
    assert max(site.most_in_flight.values()) == 1, site.most_in_flight
    gaps = [
        b - a for starts in site.starts_by_host().values() for a, b in itertools.pairwise(starts)
    ]
    # The server sees when a request is handled, not when a worker started it: on a busy
    # machine a thread may be scheduled tens of milliseconds late and the next one on time.
    # Without the shared booking, the next task on a host starts within milliseconds.
    assert min(gaps) >= GAP * 0.4, f"requests {min(gaps):.3f} s apart"
    late = sorted(gaps)[len(gaps) // 50]
    assert late >= GAP * 0.9, f"2% of requests closer than {late:.3f} s"


def test_two_workers_share_the_work_and_survive_a_kill(
    site: FeedSite, postgresql_url: str, tmp_path: Path
) -> None:
    feeds = [{"name": f"feed-{i:03d}", "url": site.feed_url(i)} for i in range(FEEDS)]
    settings = {
        "database_url": postgresql_url,
        **TEST_SETTINGS,
        "per_host_gap": GAP,
        "per_host_connections": 1,
        "default_interval": 60,
    }
    config = write_config(tmp_path / "feeds.toml", feeds, settings, WORKERS)
    engine = create_engine(postgresql_url)
    cluster = Cluster(config, tmp_path)
    try:
        cluster.start("a")  # both at once, on an empty schema: one migrates, the other waits
        cluster.start("b")
        wait_for("the schema", lambda: current_revision(engine) == SCHEMA_REVISION, cluster)

        # First due time: each feed once, each page once, both workers at work.
        wait_for(
            "the first pass",
            lambda: counts(engine)["stubs"] == FEEDS * 2 and counts(engine)["feeds"] == FEEDS,
            cluster,
        )
        first = counts(engine)
        assert first["items"] == first["distinct_items"] == FEEDS * 2
        assert first["articles"] == FEEDS * 2
        assert set(site.hits_of("/feeds/").values()) == {1}
        assert len(site.hits_of("/feeds/")) == FEEDS
        assert set(site.hits_of("/articles/").values()) == {1}
        assert_polite(site)
        for name in ("a", "b"):
            refreshed = [e for e in cluster.events(name) if e["event"] == "feed.refreshed"]
            assert len(refreshed) > FEEDS // 10, f"worker {name} refreshed only {len(refreshed)}"

        # Second due time, with two new items per feed: kill a worker in the middle of it.
        site.items = 4
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE feeds SET next_check_at = now()"))
        wait_for(
            "the second pass to be under way",
            lambda: sum(site.hits_of("/feeds/").values()) >= FEEDS + FEEDS // 5,
            cluster,
        )
        cluster.processes["a"].send_signal(signal.SIGKILL)
        cluster.processes["a"].wait(10)
        with engine.connect() as conn:
            orphans = conn.execute(
                sa.text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")
            ).scalar_one()

        wait_for(
            "the survivor to finish",
            lambda: counts(engine)["stubs"] == FEEDS * 4,
            cluster,
        )
        second = counts(engine)
        assert second["items"] == second["distinct_items"] == FEEDS * 4
        assert second["articles"] == FEEDS * 4
        assert second["failed"] == 0
        assert set(site.hits_of("/feeds/")) == {f"/feeds/{i}.xml" for i in range(FEEDS)}
        assert min(site.hits_of("/feeds/").values()) == 2  # nothing left unrefreshed
        new_pages = {f"/articles/{i}/{n}.html" for i in range(FEEDS) for n in (2, 3)}
        assert new_pages <= set(site.hits_of("/articles/"))
        assert_polite(site)
        if orphans:
            stalled = [e for e in cluster.events("b") if e["event"] == "workers.stalled_task"]
            assert stalled, "the killed worker's tasks were not queued again"

        # SIGTERM drains and exits cleanly.
        cluster.processes["b"].send_signal(signal.SIGTERM)
        assert cluster.processes["b"].wait(30) == 0
        assert any(e["event"] == "worker.stopped" for e in cluster.events("b"))
        with engine.connect() as conn:
            left = conn.execute(
                sa.text(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                    "AND queue_name <> 'periodic'"
                )
            ).scalar_one()
        assert left == 0
    finally:
        cluster.stop_all()
        engine.dispose()
