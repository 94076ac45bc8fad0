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
    assert [(name, status) for name, status, _ in queued] == [("refresh_feed", "todo")] * 3
    assert sorted(args["feed_id"] for _, _, args in queued) == [1, 2, 3]
    kinds = [name for name, status, _ in done if status == "succeeded"]
    assert (kinds.count("refresh_feed"), kinds.count("extract_article")) == (3, 3)
    pages = sorted(len(args["item_ids"]) for name, _, args in done if name == "extract_article")
    assert pages == [3, 3, 3], "a refresh queues its items' pages on their one host as one task"
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
        assert backlog == ["extract_article"] * 3
        assert await tasks.queue_refresh(["f0"]) == 1
        await asyncio.wait_for(feeds_only(tasks), 20)
        assert len(site.hits("/f0")) == 2

    with_tasks(config, scenario)


def test_tasks_of_a_silent_worker_are_queued_again(config: Config) -> None:
    """A worker that died mid-task: its row's heartbeat is old and its task is `doing`."""

    async def scenario(tasks: Tasks) -> tuple[Any, Any]:
        def die_running(feed_id: int) -> None:
            with tasks.app.store.engine.begin() as conn:
                dead = conn.execute(
                    sa.text(
                        "INSERT INTO procrastinate_workers (last_heartbeat) "
                        "VALUES (now() - interval '1 hour') RETURNING id"
                    )
                ).scalar_one()
                conn.execute(
                    sa.text(
                        "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w "
                        "WHERE args->>'feed_id' = :feed"
                    ),
                    {"w": dead, "feed": str(feed_id)},
                )

        def attempts() -> dict[int, int]:
            with tasks.app.store.engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT args, attempts FROM procrastinate_jobs"))
                return {r.args["feed_id"]: r.attempts for r in rows if "feed_id" in r.args}

        await tasks.enqueue_due(0)
        await tasks.app.db.run(die_running, 1)
        await tasks.recover_stalled(0)  # queued again, as a retry
        first = await tasks.app.db.run(attempts)
        await tasks.app.db.run(die_running, 2)
        await tasks.queue_refresh(["f1"])  # feed 2 is queued anew while its task hangs
        await tasks.recover_stalled(0)  # the hung one gives way
        return first, sorted((args["feed_id"], status) for _, status, args in await jobs(tasks))

    first, after = with_tasks(config, scenario)
    assert first == {1: 1, 2: 0, 3: 0}
    assert after == [(1, "todo"), (2, "todo"), (3, "todo")]


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
