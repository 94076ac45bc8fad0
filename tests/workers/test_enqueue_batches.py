"""Extraction queued in batches on PostgreSQL: a refresh queues its items' pages as one task per
host, and the enqueuer, which leaves out work already queued in the database's own query, does
not queue them again, whether batched or queued one at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from aggregator.config import Config
from aggregator.storage.work import Due
from aggregator.workers import queue as q
from aggregator.workers.lanes import lane_of
from aggregator.workers.tasks import Tasks, host_batches
from tests.helpers.workers import WORKERS, with_tasks
from tests.loopback import Loopback, Reply


def feed(site: Loopback, name: str, links: list[str]) -> dict[str, str]:
    entries = "".join(
        f"<item><guid>{name}-{n}</guid><title>{name} {n}</title><link>{link}</link></item>"
        for n, link in enumerate(links)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{entries}'
    site.route(f"/{name}", Reply(body=(body + "</channel></rss>").encode()))
    return {"name": name, "url": site.url(f"/{name}")}


async def extraction_jobs(tasks: Tasks) -> list[tuple[str | None, dict[str, Any]]]:
    def read() -> list[tuple[str | None, dict[str, Any]]]:
        with tasks.app.store.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT lock, args FROM procrastinate_jobs "
                    "WHERE task_name = :task AND status = 'todo' ORDER BY id"
                ),
                {"task": q.EXTRACT},
            )
            return [(r.lock, r.args) for r in rows]

    return await tasks.app.db.run(read)


async def refresh_only(tasks: Tasks) -> None:
    await tasks.enqueue_due(0)
    await tasks.queue.run_worker_async(
        queues=[q.FEEDS], wait=False, install_signal_handlers=False, delete_jobs="never"
    )


def test_a_refresh_queues_one_task_per_host_and_the_enqueuer_none_again(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    here = [site.url(f"/page/{n}") for n in range(3)]
    elsewhere = "http://127.0.0.2:9/page"  # another host: its own task, its own lane's lock
    config = make_config(
        [feed(site, "f", [*here, elsewhere])], WORKERS, database_url=postgresql_url
    )

    async def scenario(tasks: Tasks) -> tuple[Any, Any]:
        await refresh_only(tasks)
        queued = await extraction_jobs(tasks)
        await tasks.enqueue_due(0)
        return queued, await extraction_jobs(tasks)

    queued, after = with_tasks(config, scenario)
    lanes = config.workers.lanes
    here_lane = lane_of("127.0.0.1:" + site.url("/").split(":")[2].strip("/"), lanes)
    assert sorted((lock, len(args["item_ids"])) for lock, args in queued) == sorted(
        [(q.lane_lock(here_lane), 3), (q.lane_lock(lane_of("127.0.0.2:9", lanes)), 1)]
    ), "a task per host, holding the lock of its host's lane"
    assert after == queued, "work in a waiting batch is not queued again"


def test_the_enqueuer_leaves_out_an_article_queued_alone(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    """A task queued one item at a time (by a worker of the version before batches) still
    counts as queued work."""
    config = make_config(
        [feed(site, "f", [site.url("/page/0"), site.url("/page/1")])],
        WORKERS,
        database_url=postgresql_url,
    )

    async def scenario(tasks: Tasks) -> Any:
        await refresh_only(tasks)

        def unbatch() -> int:
            with tasks.app.store.engine.begin() as conn:
                conn.execute(
                    sa.text("DELETE FROM procrastinate_jobs WHERE task_name = :t"), {"t": q.EXTRACT}
                )
                return int(conn.execute(sa.text("SELECT min(item_id) FROM articles")).scalar_one())

        first = await tasks.app.db.run(unbatch)
        await tasks.extract.configure(queueing_lock=q.article_lock(first)).defer_async(
            item_id=first
        )
        await tasks.enqueue_due(0)
        return first, await extraction_jobs(tasks)

    first, jobs = with_tasks(config, scenario)
    assert [args for _, args in jobs] == [{"item_id": first}, {"item_ids": [first + 1]}]


def test_batches_group_by_host_and_cap_their_size() -> None:
    work = [Due(1, "a:"), Due(2, "b:"), Due(3, "a:"), Due(4, None), Due(5, "a:")]
    assert list(host_batches(work, 2)) == [("a:", [1, 3]), ("a:", [5]), ("b:", [2]), (None, [4])]
