"""`aggregator worker` (one worker process) and `aggregator workers` (what the queue holds)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.listing import format_option, limit_option

if TYPE_CHECKING:
    from aggregator.config import Config

QUEUES = ("periodic", "feeds", "articles", "stubs")  # as aggregator.workers.queue.QUEUES


@click.command()
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(QUEUES),
    help="Only tasks of this queue (repeatable; default: all). Keep `periodic` on at least one "
    "worker: it queues the due work.",
)
@pass_context
def worker(ctx: Context, queues: tuple[str, ...]) -> None:
    """Run a worker until SIGTERM or Ctrl-C: refreshes, extraction, drafting, the digest and the
    cleanup, shared with the other workers through PostgreSQL ([settings].database_url)."""
    from aggregator.selfcheck import check_modules

    config = ctx.config()
    check_modules()  # before importing the worker, which imports every part
    from aggregator.workers.worker import check_postgresql, run_worker

    check_postgresql(config)  # before the self-check: an SQLite file is never made for a worker
    asyncio.run(run_worker(ctx.checked_config(config), queues=queues))


@click.command()
@format_option
@limit_option
@pass_context
def workers(ctx: Context, fmt: str, limit: int | None) -> None:
    """Show the queue the workers share: tasks waiting, running and failed per kind, and the
    workers alive. `json` is one object ({"tasks": [...], "workers": [...]}); `jsonl` is a line
    per task kind and per worker, each with its "kind"."""
    from aggregator.storage.opening import open_existing
    from aggregator.workers.status import queue_view
    from aggregator.workers.worker import check_postgresql

    config = ctx.config()
    check_postgresql(config)
    store = open_existing(config)
    try:
        view = queue_view(store)
    finally:
        store.close()
    view = dataclasses.replace(view, tasks=view.tasks[:limit], workers=view.workers[:limit])
    if fmt == "json":
        json.dump(dataclasses.asdict(view), sys.stdout, default=str, indent=2)
        sys.stdout.write("\n")
        return
    if fmt == "jsonl":
        from aggregator.cli.listing import write_json

        tasks = ({"kind": "task", **dataclasses.asdict(t)} for t in view.tasks)
        alive = ({"kind": "worker", "worker": w, "last_heartbeat": at} for w, at in view.workers)
        write_json([*tasks, *alive], "jsonl")
        return
    from aggregator.cli.output import queue_table

    queue_table(view, sys.stdout)


async def queue_fetch(config: Config, names: Sequence[str], *, force: bool) -> int:
    """`fetch --queue`: refresh tasks for the workers; how many were queued (a feed whose
    refresh already waits is not queued twice)."""
    from aggregator.app import App
    from aggregator.cli.listing import refuse_retired
    from aggregator.workers.tasks import Tasks
    from aggregator.workers.worker import check_postgresql, open_tasks_queue

    check_postgresql(config)
    async with App(config) as app:
        refuse_retired(await app.db.run(app.store.feed_rows), names)
        queue = open_tasks_queue(config)
        async with queue.open_async():
            return await Tasks(queue, app, config.workers).queue_refresh(names, force=force)
