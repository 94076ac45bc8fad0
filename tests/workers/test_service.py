"""`aggregator run` on PostgreSQL: the web keeps serving, the work is queued for workers, and
`[workers].in_service` runs one in the same process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import sqlalchemy as sa

from aggregator.config import Config
from aggregator.service.process import serve
from aggregator.storage.engine import create_engine
from tests.helpers.service import feeds_on, free_port, item_count
from tests.loopback import Loopback

FAST_WORKERS = """
[workers]
in_service = true
enqueue_seconds = 1
heartbeat_seconds = 0.5
stalled_seconds = 2
poll_seconds = 0.2
"""


def queued_refreshes(url: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT status::text, jsonb_array_elements_text(args->'feed_ids') "
                    "FROM procrastinate_jobs "
                    "WHERE task_name = 'aggregator.refresh_feed' ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()
    return [(status, feed) for status, feed in rows]


def test_run_queues_fetch_now_for_the_workers_and_fetches_nothing_itself(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    port = free_port()
    config = make_config(
        feeds_on(site, 3), database_url=postgresql_url, tick_seconds=1, listen=f"127.0.0.1:{port}"
    )
    base = f"http://127.0.0.1:{port}"

    async def scenario() -> list[int]:
        stop = asyncio.Event()
        service = asyncio.create_task(serve(config, stop))
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(200):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            await asyncio.sleep(1.5)  # more than a tick: none is scheduled
            statuses = []
            for _ in range(2):  # asked twice, queued once per feed
                response = await client.post("/api/feeds/fetch", json={}, headers={"Origin": base})
                statuses.append(response.status_code)
            metrics = (await client.get("/metrics")).text
            assert 'aggregator_tasks_waiting{task="refresh_feed"} 1' in metrics  # one lane
            assert 'aggregator_tasks_running{task="refresh_feed"} 0' in metrics
        stop.set()
        await asyncio.wait_for(service, 15)
        return statuses

    assert asyncio.run(scenario()) == [202, 202]
    assert [r.path for r in site.requests if r.path.startswith("/f")] == []
    jobs = queued_refreshes(postgresql_url)
    assert sorted(feed for _, feed in jobs) == ["1", "2", "3"]
    assert {status for status, _ in jobs} == {"todo"}


def test_run_with_a_worker_in_service_does_the_work(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    config = make_config(feeds_on(site, 3), FAST_WORKERS, database_url=postgresql_url)

    async def scenario() -> None:
        stop = asyncio.Event()
        service = asyncio.create_task(serve(config, stop))
        for _ in range(400):
            if len([r for r in site.requests if r.path.startswith("/item/")]) == 9:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(service, 30)

    asyncio.run(scenario())
    assert sorted(r.path for r in site.requests if r.path.startswith("/f")) == ["/f0", "/f1", "/f2"]
    assert item_count(config) == 9
    assert {status for status, _ in queued_refreshes(postgresql_url)} <= {"succeeded"}
