"""Lanes of hosts: a stable hash that spreads hosts evenly, and on PostgreSQL the refresh tasks
a lane's due feeds become: every feed refreshed once, never two requests in flight to one host,
a bad feed not stopping its lane's others, and nothing queued twice."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from aggregator.config import Config
from aggregator.net.hosts import host_of
from aggregator.storage.tables import feeds, items
from aggregator.storage.work import Due
from aggregator.workers import queue as q
from aggregator.workers.lanes import lane_batches, lane_of
from aggregator.workers.tasks import Tasks
from tests.helpers.workers import WORKERS, drain, with_tasks
from tests.workers.site import FeedSite

LANES, PER_TASK = 4, 4
FEEDS, HOSTS = 30, 6
BROKEN, GARBAGE = 0, 1
"""Feed 0 answers 500 and feed 1 bytes that are no feed; the other 28 are good."""


def test_a_host_has_the_same_lane_in_every_process() -> None:
    """Fixed values: Python's `hash` of a string changes with each process's seed."""
    assert lane_of("example.org", 64) == 53
    assert lane_of("127.0.0.1:8080", 64) == 20
    assert lane_of("news.example.com:443", 1000) == 281
    assert lane_of(None, 64) == lane_of("", 64) == 0


@given(host=st.text(min_size=1, max_size=80), lanes=st.integers(1, 5000))
def test_a_lane_is_in_range_and_depends_on_the_host_alone(host: str, lanes: int) -> None:
    lane = lane_of(host, lanes)
    assert 0 <= lane < lanes
    assert lane_of(host, lanes) == lane
    assert lane_of(host, 1) == 0


@given(prefix=st.from_regex(r"[a-z0-9-]{0,12}", fullmatch=True), lanes=st.integers(2, 128))
def test_hosts_spread_evenly_over_the_lanes(prefix: str, lanes: int) -> None:
    """Forty hosts to a lane on average: every lane gets some, none more than twice its share
    (a Poisson count of mean 40 leaves those bounds about once in ten million)."""
    counts = Counter(lane_of(f"{prefix}{n}.example.org", lanes) for n in range(40 * lanes))
    assert len(counts) == lanes
    assert min(counts.values()) >= 12
    assert max(counts.values()) <= 80


def test_batches_are_a_lane_each_capped_in_size_in_the_order_given() -> None:
    hosts = ["a.example", "b.example", "c.example"]
    work = [Due(n, hosts[n % 3]) for n in range(12)]
    batches = list(lane_batches(work, 2, 3))
    for lane, ids in batches:
        assert len(ids) <= 3
        assert {lane_of(hosts[i % 3], 2) for i in ids} == {lane}
        assert ids == sorted(ids)
    assert sorted(i for _, ids in batches for i in ids) == list(range(12))
    by_lane = Counter(lane_of(hosts[n % 3], 2) for n in range(12))
    assert len(batches) == sum(math.ceil(n / 3) for n in by_lane.values())


# --- on PostgreSQL ------------------------------------------------------------------------


@pytest.fixture
def farm() -> Iterator[FeedSite]:
    server = FeedSite(FEEDS, HOSTS, items=2, latency=0.03).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def config(farm: FeedSite, make_config: Callable[..., Config], postgresql_url: str) -> Config:
    def url(n: int) -> str:
        if n == BROKEN:
            return farm.broken_url(n)
        return farm.garbage_url(n) if n == GARBAGE else farm.feed_url(n)

    listed = [{"name": f"n{n:02d}", "url": url(n)} for n in range(FEEDS)]
    extra = WORKERS + f"lanes = {LANES}\nfeeds_per_task = {PER_TASK}\n"
    return make_config(listed, extra, database_url=postgresql_url)


async def refresh_jobs(tasks: Tasks) -> list[tuple[str, list[int], str]]:
    def read() -> list[tuple[str, list[int], str]]:
        with tasks.app.store.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT lock, args, status::text FROM procrastinate_jobs "
                    "WHERE task_name = :t ORDER BY id"
                ),
                {"t": q.REFRESH},
            )
            return [(r.lock, r.args["feed_ids"], r.status) for r in rows]

    return await tasks.app.db.run(read)


async def stored_feeds(tasks: Tasks) -> dict[int, Any]:
    """Each feed's row, with the count of its items."""

    def read() -> dict[int, Any]:
        count = sa.select(sa.func.count()).where(items.c.feed_id == feeds.c.id).scalar_subquery()
        query = sa.select(feeds.c.id, feeds.c.name, feeds.c.url, feeds.c.last_error, count)
        with tasks.app.store.engine.connect() as conn:
            return {row.id: row for row in conn.execute(query)}

    return await tasks.app.db.run(read)


def test_due_feeds_become_a_task_per_lane_each_refreshed_once(
    config: Config, farm: FeedSite
) -> None:
    async def scenario(tasks: Tasks) -> dict[str, Any]:
        await tasks.enqueue_due(0)
        queued = await refresh_jobs(tasks)
        await tasks.enqueue_due(0)  # the same feeds wait: nothing new
        again = await refresh_jobs(tasks)
        asked = await tasks.queue_refresh(force=False)  # "fetch due" by hand: they wait
        await drain(tasks)
        done = await refresh_jobs(tasks)
        await tasks.enqueue_due(0)  # nothing is due any more
        return {
            "queued": queued,
            "again": again,
            "asked": asked,
            "done": done,
            "after": await refresh_jobs(tasks),
            "feeds": await stored_feeds(tasks),
        }

    seen = with_tasks(config, scenario)
    stored = seen["feeds"]
    lane = {feed_id: lane_of(host_of(row.url), LANES) for feed_id, row in stored.items()}
    for lock, ids, _ in seen["queued"]:
        assert 1 <= len(ids) <= PER_TASK
        assert {f"lane:{lane[i]}" for i in ids} == {lock}, "a task holds the lock of its lane"
    carried = sorted(i for _, ids, _ in seen["queued"] for i in ids)
    assert carried == sorted(stored), "every due feed in one task, once"
    per_lane = Counter(lane.values())
    assert len(seen["queued"]) == sum(math.ceil(n / PER_TASK) for n in per_lane.values())
    assert any(len({host_of(stored[i].url) for i in ids}) > 1 for _, ids, _ in seen["queued"]), (
        "six hosts in four lanes: some task carries two hosts' feeds"
    )
    assert seen["again"] == seen["queued"], "a duplicate enqueue queues nothing new"
    assert seen["asked"] == 0

    assert {status for _, _, status in seen["done"]} == {"succeeded"}, "no task failed"
    assert seen["after"] == seen["done"]
    assert farm.hits_of("/feeds/") == Counter(f"/feeds/{n}.xml" for n in range(2, FEEDS))
    assert farm.hits_of("/broken/") == Counter({f"/broken/{BROKEN}.xml": 1})
    assert farm.hits_of("/garbage/") == Counter({f"/garbage/{GARBAGE}.xml": 1})
    assert farm.overlaps() == [], "never two requests to a host at once"
    assert set(farm.most_in_flight.values()) == {1}
    assert len(farm.most_in_flight) == HOSTS

    assert {row.name for row in stored.values() if row.last_error} == {f"n{BROKEN:02d}"}
    got = {row.name: row[4] for row in stored.values()}
    assert got == {f"n{n:02d}": 0 if n in (BROKEN, GARBAGE) else 2 for n in range(FEEDS)}, (
        "the others of their lanes went on"
    )
