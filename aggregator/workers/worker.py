"""`aggregator worker`: one process of a cluster sharing PostgreSQL.

Each worker runs every task kind (feeds, articles, stubs and the periodic ones), up to
`[workers].concurrency` at once. On SIGTERM or SIGINT it takes no new task, gives running ones
`[workers].drain_seconds` to finish, and exits 0; a task cut short commits nothing and is queued
again. A worker killed outright stops beating; `recover_stalled`, on any other worker, queues
its tasks again after `[workers].stalled_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator, Sequence
from typing import Any

from aggregator.app import App
from aggregator.config import Config
from aggregator.logs import get_logger
from aggregator.service.metrics import Metrics
from aggregator.workers.queue import conninfo, open_queue
from aggregator.workers.settings import WorkerSettings
from aggregator.workers.tasks import Tasks


def check_postgresql(config: Config) -> None:
    """Raise the config error that says workers need PostgreSQL, before anything is opened."""
    conninfo(config.settings.database_url, str(config.path))


def open_tasks_queue(config: Config) -> Any:
    settings = config.workers
    return open_queue(
        config.settings.database_url, str(config.path), pool_size=min(settings.concurrency, 12) + 4
    )


async def run_worker(
    config: Config, stop: asyncio.Event | None = None, queues: Sequence[str] = ()
) -> None:
    """Run until `stop` is set, or until SIGTERM/SIGINT; tasks of `queues` only, when given."""
    check_postgresql(config)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log = get_logger("aggregator.workers")
    try:
        async with App(config, shared_politeness=True) as app:
            queue = open_tasks_queue(config)
            with _metrics_served(config.workers) as metrics:
                async with queue.open_async():
                    Tasks(queue, app, config.workers, metrics)
                    log.info(
                        "worker.started",
                        feeds=len(config.feeds),
                        concurrency=config.workers.concurrency,
                        queues=list(queues) or "all",
                    )
                    await work_until(queue, config.workers, stop, queues)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    log.info("worker.stopped")


@contextlib.contextmanager
def _metrics_served(settings: WorkerSettings) -> Iterator[Metrics]:
    """This worker's counters, served at `[workers].metrics_listen` while it runs."""
    metrics = Metrics()
    if not settings.metrics_listen:
        yield metrics
        return
    server = metrics.serve(settings.metrics_listen)
    get_logger("aggregator.workers").info("worker.metrics", listen=settings.metrics_listen)
    try:
        yield metrics
    finally:
        server.close()


async def work_until(
    queue: Any, settings: WorkerSettings, stop: asyncio.Event, queues: Sequence[str] = ()
) -> None:
    """Run queued tasks until `stop` is set, then drain. The queue is open, the tasks
    registered; `aggregator run` calls this too, when it runs a worker itself."""
    runner = asyncio.create_task(
        queue.run_worker_async(
            queues=list(queues) or None,
            concurrency=settings.concurrency,
            install_signal_handlers=False,
            shutdown_graceful_timeout=settings.drain_seconds,
            update_heartbeat_interval=settings.heartbeat_seconds,
            stalled_worker_timeout=settings.stalled_seconds,
            fetch_job_polling_interval=settings.poll_seconds,
            delete_jobs="successful",
        )
    )
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([runner, stopping], return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not runner.done():
        runner.cancel()  # procrastinate drains: no new task, running ones get their time
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        return
    runner.result()  # a worker that stopped by itself failed: say why
