"""The embedded service: APScheduler runs a few fixed jobs; per-feed timing lives in the store.

Shutdown drains: on SIGTERM or SIGINT the scheduler is paused, the running tick is allowed to
finish (its feeds are saved), then the scheduler stops. A plain `shutdown()` would cancel it.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from datetime import UTC, datetime

from aggregator.app import App
from aggregator.config import Config
from aggregator.logs import get_logger


class Service:
    def __init__(self, app: App) -> None:
        self.app = app
        self.log = get_logger("aggregator.service")
        self.running: set[asyncio.Task[None]] = set()

    async def tick(self) -> None:
        """One pass over the due feeds; a failure is logged and the next tick tries again."""
        task = asyncio.current_task()
        assert task is not None
        self.running.add(task)
        started = time.perf_counter()
        try:
            reports = await self.app.fetch()
            articles = await self.app.extract()
        except Exception:  # the service outlives a bad tick
            self.log.exception("tick.failed")
            return
        finally:
            self.running.discard(task)
        if reports or articles.stored or articles.retrying:
            outcomes = Counter(r.outcome.value for r in reports)
            self.log.info(
                "tick.done",
                feeds=len(reports),
                new=sum(r.new_items for r in reports),
                changed=sum(r.changed_items for r in reports),
                articles=articles.stored,
                articles_to_retry=articles.retrying,
                seconds=round(time.perf_counter() - started, 3),
                **outcomes,
            )

    async def drain(self) -> None:
        if self.running:
            self.log.info("service.draining", ticks=len(self.running))
            await asyncio.gather(*self.running, return_exceptions=True)


async def serve(config: Config, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set, or until SIGTERM/SIGINT."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with App(config) as app:
        service = Service(app)
        scheduler = AsyncIOScheduler(timezone=UTC)
        tick_seconds = config.settings.tick_seconds
        scheduler.add_job(
            service.tick,
            "interval",
            seconds=tick_seconds,
            jitter=max(1, tick_seconds // 10),
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            id="tick",
        )
        scheduler.start()
        service.log.info(
            "service.started",
            feeds=len(config.feeds),
            database=_safe_url(config),
            tick=tick_seconds,
        )
        try:
            await stop.wait()
        finally:
            scheduler.pause()
            await service.drain()
            scheduler.shutdown(wait=False)
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
            service.log.info("service.stopped")


def _safe_url(config: Config) -> str:
    from sqlalchemy import make_url

    return make_url(config.settings.database_url).render_as_string(hide_password=True)
