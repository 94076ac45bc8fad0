"""A stage's passes under the real APScheduler: never two at once, none lost, no warning."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from aggregator.logs import configure_logging
from aggregator.service.stages import Stage


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    yield out
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("trafilatura").setLevel(logging.NOTSET)
    structlog.reset_defaults()


def test_intervals_during_a_long_pass_become_one_more_pass_without_a_warning(
    log: io.StringIO,
) -> None:
    """A pass lasting several intervals: the scheduler starts the job again meanwhile (as
    `service.jobs` allows, `max_instances=2`), which asks for one more pass after it."""
    passes: list[tuple[float, float]] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()

        async def work() -> None:
            start = loop.time()
            await asyncio.sleep(2.5 if not passes else 0.05)
            passes.append((start, loop.time()))

        stage = Stage("drafting", work)
        scheduler = AsyncIOScheduler()
        scheduler.add_job(
            stage.run,
            "interval",
            seconds=1,
            max_instances=2,
            coalesce=True,
            misfire_grace_time=None,
            id="drafting",
        )
        stage.scheduler = scheduler
        scheduler.start()
        stage.wake()
        await asyncio.sleep(3.2)
        scheduler.shutdown(wait=False)

    asyncio.run(scenario())
    assert len(passes) >= 2
    for (_, end), (start, _) in itertools.pairwise(passes):
        assert start >= end  # one after another, never overlapping
    warnings = [
        event
        for event in map(json.loads, log.getvalue().splitlines())
        if event.get("level") == "warning"
    ]
    assert warnings == []
