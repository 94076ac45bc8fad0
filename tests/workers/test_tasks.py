"""The tasks on PostgreSQL, in this process: queueing once per piece of work, skipping work no
longer due, and queueing again the tasks of a worker that stopped beating."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from aggregator.config import Config
from aggregator.storage.work import take_turn
from aggregator.workers import queue as q
from aggregator.workers.tasks import Tasks, every
from tests.helpers.service import feeds_on
from tests.helpers.workers import WORKERS, drain, jobs, with_tasks
from tests.loopback import Loopback

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def config(site: Loopback, make_config: Callable[..., Config], postgresql_url: str) -> Config:
    return make_config(feeds_on(site, 3), WORKERS, database_url=postgresql_url)


def test_due_work_is_queued_once_and_done_once(config: Config, site: Loopback) -> None:
    async def scenario(tasks: Tasks) -> tuple[Any, ...]:
        await tasks.enqueue_due(0)
        await tasks.enqueue_due(0)  # the same feeds wait: nothing new
        queued = await jobs(tasks)
        await drain(tasks)
        done = await jobs(tasks)
        await tasks.enqueue_due(0)  # nothing is due any more
        return queued, done, await jobs(tasks)

    queued, done, after = with_tasks(config, scenario)
    assert [(name, status) for name, status, _ in queued] == [("refresh_feed", "todo")]
    assert queued[0][2] == {"feed_ids": [1, 2, 3], "force": False}, "one host: one lane, one task"
    kinds = [name for name, status, _ in done if status == "succeeded"]
    assert (kinds.count("refresh_feed"), kinds.count("extract_article")) == (1, 1)
    pages = sorted(len(args["item_ids"]) for name, _, args in done if name == "extract_article")
    assert pages == [9], "a refresh queues its feeds' pages on their one host as one task"
    assert kinds.count("draft_stub") == 9
    assert len(done) == len(kinds), "every task succeeded"
    assert after == done
    assert sorted(r.path for r in site.requests if r.path.startswith("/f")) == ["/f0", "/f1", "/f2"]


def test_a_refresh_no_longer_due_is_skipped_unless_forced(config: Config, site: Loopback) -> None:
    async def scenario(tasks: Tasks) -> None:
        await tasks.enqueue_due(0)
        await drain(tasks)
        await tasks.refresh.defer_async(feed_id=1)  # queued twice, by hand: not due now
        await drain(tasks)
        assert len(site.hits("/f0")) == 1
        assert await tasks.queue_refresh(["f0"]) == 1  # "fetch now"
        await drain(tasks)
        assert len(site.hits("/f0")) == 2

    with_tasks(config, scenario)


def test_a_refresh_never_waits_behind_the_pages_of_its_host(config: Config, site: Loopback) -> None:
    """Refreshes and extractions of one host share its lock; a refresh queued after a backlog
    of pages still runs first, also on a worker that leaves pages to others."""

    async def feeds_only(tasks: Tasks) -> None:
        while any(n == "refresh_feed" and s == "todo" for n, s, _ in await jobs(tasks)):
            await tasks.queue.run_worker_async(
                queues=["feeds"], wait=False, install_signal_handlers=False, delete_jobs="never"
            )

    async def scenario(tasks: Tasks) -> None:
        await tasks.enqueue_due(0)
        await feeds_only(tasks)
        backlog = [n for n, s, _ in await jobs(tasks) if s == "todo"]
        assert backlog == ["extract_article"]
        assert await tasks.queue_refresh(["f0"]) == 1
        await asyncio.wait_for(feeds_only(tasks), 20)
        assert len(site.hits("/f0")) == 2

    with_tasks(config, scenario)


def die_running(tasks: Tasks, job_id: int) -> None:
    """The job is `doing` on a worker whose heartbeat is an hour old: a worker that died."""
    with tasks.app.store.engine.begin() as conn:
        dead = conn.execute(
            sa.text(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (now() - interval '1 hour') RETURNING id"
            )
        ).scalar_one()
        conn.execute(
            sa.text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w WHERE id = :j"),
            {"w": dead, "j": job_id},
        )


def job_rows(tasks: Tasks) -> list[tuple[int, Any, int, str]]:
    with tasks.app.store.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id, args, attempts, status::text FROM procrastinate_jobs "
                "WHERE task_name = :t ORDER BY id"
            ),
            {"t": q.REFRESH},
        )
        return [(r.id, r.args, r.attempts, r.status) for r in rows]


def test_a_task_of_a_silent_worker_is_retried_and_refreshes_what_is_still_due(
    config: Config, site: Loopback
) -> None:
    """A worker died in the middle of a lane's task, after its first feed was saved."""

    async def scenario(tasks: Tasks) -> Any:
        await tasks.enqueue_due(0)
        ((job, args, _, _),) = await tasks.app.db.run(job_rows, tasks)
        assert args["feed_ids"] == [1, 2, 3]
        await tasks.app.fetch(["f0"])  # what the dead worker did before it died
        await tasks.app.db.run(die_running, tasks, job)
        await tasks.recover_stalled(0)  # queued again, as a retry
        retried = await tasks.app.db.run(job_rows, tasks)
        await drain(tasks)
        return retried

    retried = with_tasks(config, scenario)
    assert [(attempts, status) for _, _, attempts, status in retried] == [(1, "todo")]
    assert [len(site.hits(f"/f{n}")) for n in range(3)] == [1, 1, 1], "f0 was no longer due"


def test_a_hung_task_whose_work_was_queued_anew_gives_way(config: Config, site: Loopback) -> None:
    """A task queued one feed at a time with its queueing lock (before lanes): when the feed
    was queued anew while its task hung, the hung one is dropped, not retried."""

    async def scenario(tasks: Tasks) -> Any:
        legacy = tasks.refresh.configure(queueing_lock=q.feed_lock(2), lock=q.host_lock("h"))
        await legacy.defer_async(feed_id=2)
        ((job, _, _, _),) = await tasks.app.db.run(job_rows, tasks)
        await tasks.app.db.run(die_running, tasks, job)
        await legacy.defer_async(feed_id=2)  # queued anew while its task hangs
        await tasks.recover_stalled(0)  # the hung one gives way
        after = await tasks.app.db.run(job_rows, tasks)
        await drain(tasks)
        return job, after

    job, after = with_tasks(config, scenario)
    assert [(args, attempts, status) for _, args, attempts, status in after] == [
        ({"feed_id": 2}, 0, "todo")
    ]
    assert after[0][0] != job
    assert len(site.hits("/f1")) == 1, "a task queued before lanes still runs"


@pytest.mark.parametrize(
    ("seconds", "cron"),
    [
        (1, "* * * * * */1"),
        (10, "* * * * * */10"),
        (60, "*/1 * * * *"),
        (900, "*/15 * * * *"),
        (7200, "0 */2 * * *"),
        (86_400, "0 0 * * *"),
    ],
)
def test_every(seconds: int, cron: str) -> None:
    assert every(seconds) == cron


def test_the_periodic_digest_and_cleanup(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str, tmp_path: Path
) -> None:
    extra = WORKERS + f'\n[digest]\nfile = "{tmp_path / "out" / "digest.atom"}"\n'
    config = make_config(feeds_on(site, 1), extra, database_url=postgresql_url)

    async def scenario(tasks: Tasks) -> None:
        await tasks.enqueue_due(0)
        await drain(tasks)
        await tasks.write_digest(0)
        await tasks.app.db.run(take_turn, tasks.app.store, "old:1", NOW, 1.0)
        await tasks.clean_up(0)

        def turns() -> int:
            with tasks.app.store.engine.connect() as conn:
                return int(conn.execute(sa.text("SELECT count(*) FROM host_turns")).scalar_one())

        assert await tasks.app.db.run(turns) == 0, "a turn long past is forgotten"

    with_tasks(config, scenario)
    digest = (tmp_path / "out" / "digest.atom").read_text(encoding="utf-8")
    assert digest.count("</entry>") == 3
