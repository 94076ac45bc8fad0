"""Procrastinate's tasks on PostgreSQL: a worker app with our tasks, its jobs, a drain."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from aggregator.app import App
from aggregator.config import Config
from aggregator.workers.tasks import Tasks
from aggregator.workers.worker import open_tasks_queue

WORKERS = "\n[workers]\nheartbeat_seconds = 0.5\nstalled_seconds = 60\npoll_seconds = 0.1\n"
"""A worker's own periodic `recover_stalled` must not take it for dead while a busy machine
delays its heartbeat (it would run its tasks twice); tests of a dead worker date its heartbeat
an hour back."""


def with_tasks(config: Config, body: Callable[[Tasks], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        async with App(config, shared_politeness=True) as app:
            queue = open_tasks_queue(config)
            async with queue.open_async():
                return await body(Tasks(queue, app, config.workers))

    return asyncio.run(run())


async def jobs(tasks: Tasks) -> list[tuple[str, str, Any]]:
    def read() -> list[tuple[str, str, Any]]:
        with tasks.app.store.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT task_name, status::text, args FROM procrastinate_jobs "
                    "WHERE queue_name <> 'periodic' ORDER BY id"
                )
            )
            return [(r.task_name.removeprefix("aggregator."), r.status, r.args) for r in rows]

    return await tasks.app.db.run(read)


async def drain(tasks: Tasks) -> None:
    """Run every queued task, and those they queue, then return (a real worker). A worker
    told not to wait stops when no task can start, e.g. when the rest wait for a host's lock."""
    while any(status in ("todo", "doing") for _, status, _ in await jobs(tasks)):
        await tasks.queue.run_worker_async(
            wait=False, install_signal_handlers=False, concurrency=4, delete_jobs="never"
        )
