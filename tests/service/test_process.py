"""The service's whole tick against loopback servers, in-process and as a real process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

from aggregator.config import Config
from aggregator.service.process import serve
from tests.helpers.feeds import rss
from tests.helpers.service import feeds_on, free_port, item_count, wait_for
from tests.loopback import Loopback, Reply


def test_a_tick_fetches_every_due_feed_once(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = make_config(feeds_on(site, 5), tick_seconds=1)

    def feed_requests() -> list[str]:
        return [r.path for r in site.requests if r.path.startswith("/f")]

    async def scenario() -> None:
        stop = asyncio.Event()
        service = asyncio.create_task(serve(config, stop))
        while len(feed_requests()) < 5:
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.5)  # two more ticks: nothing is due again
        stop.set()
        await asyncio.wait_for(service, 10)

    asyncio.run(scenario())
    assert sorted(feed_requests()) == [f"/f{i}" for i in range(5)]
    assert item_count(config) == 15
    pages = [r.path for r in site.requests if r.path.startswith("/item/")]
    assert len(pages) == len(set(pages)) == 15, "every item's page fetched once"


def test_sigterm_drains_the_running_tick(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    feeds = feeds_on(site, 2)
    site.route("/slow", Reply(body=rss([("urn:slow", "Slow")]), delay=1.5))
    config = make_config([*feeds, {"name": "slow", "url": site.url("/slow")}])
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--config", str(config.path), "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        wait_for(lambda: len(site.hits("/slow")) == 1)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "service.draining" in stderr
    assert "service.stopped" in stderr
    assert item_count(config) == 7


def test_the_service_serves_http_while_it_fetches_on_its_schedule(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    port = free_port()
    site.route("/slow", Reply(body=rss([("urn:slow", "Slow")]), delay=2.0))
    feeds = [*feeds_on(site, 3), {"name": "slow", "url": site.url("/slow")}]
    config = make_config(feeds, listen=f"127.0.0.1:{port}", tick_seconds=1)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aggregator",
            "--config",
            str(config.path),
            "--log-format",
            "json",
            "run",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        wait_for(lambda: len(site.hits("/slow")) == 1)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        process.send_signal(signal.SIGTERM)  # mid-fetch: /slow is still being answered
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    events = [json.loads(line)["event"] for line in stderr.splitlines() if line.startswith("{")]
    assert events[0] == "service.started"
    assert events[-1] == "service.stopped"
    assert "service.draining" in events
    assert item_count(config) == 10  # nothing lost: the slow feed's item too


def test_a_job_longer_than_the_grace_period_is_cancelled_and_the_service_still_stops(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/stuck", Reply(body=rss([("urn:stuck", "Stuck")]), delay=4.0))
    config = make_config([{"name": "stuck", "url": site.url("/stuck")}])

    async def scenario() -> float:
        stop = asyncio.Event()
        service = asyncio.create_task(serve(config, stop, grace=0.5))
        while not site.hits("/stuck"):
            await asyncio.sleep(0.05)
        stop.set()
        started = time.monotonic()
        await asyncio.wait_for(service, 10)
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 4.0
    assert item_count(config) == 0  # the refresh never committed: nothing half-written
