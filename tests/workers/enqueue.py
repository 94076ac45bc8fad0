"""Queue what is due for the workers, as one worker's periodic task does, for tests that read
the queue back."""

from __future__ import annotations

import asyncio

from aggregator.app import App
from aggregator.config import Config
from aggregator.workers.tasks import Tasks
from aggregator.workers.worker import open_tasks_queue


def enqueue_due(config: Config) -> None:
    async def enqueue() -> None:
        async with App(config) as app:
            jobs = open_tasks_queue(config)
            async with jobs.open_async():
                await Tasks(jobs, app, config.workers).enqueue_due(0)

    asyncio.run(enqueue())
