"""The service's units of work: the tick, a fetch asked for from the web page, the digest and
the cleanup. Each is logged as one event; each failure is logged and the next run tries again.

Work that touches feeds runs one at a time (a tick and a "fetch now" never refresh the same feed
twice at once). Every running job is tracked so that shutdown can let it finish.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from aggregator.app import App
from aggregator.logs import get_logger
from aggregator.service.metrics import Metrics


class Service:
    def __init__(self, app: App, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.log = get_logger("aggregator.service")
        self.running: set[asyncio.Task[Any]] = set()
        self.feed_work = asyncio.Lock()
        self.accepting = True

    def _track(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
        if not self.accepting:
            coroutine.close()
            return None
        task = asyncio.get_running_loop().create_task(coroutine)
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        return task

    async def tick(self) -> None:
        """One pass: the due feeds, then the articles and stubs waiting (scheduled job)."""
        task = self._track(self._pass((), due_only=True, event="tick.done"))
        if task is not None:
            await asyncio.shield(task)

    def fetch_now(self, names: Sequence[str]) -> None:
        """Fetch the named feeds (every enabled feed when empty) now, in the background."""
        self._track(self._pass(tuple(names), due_only=False, event="fetch.done"))

    async def _pass(self, names: tuple[str, ...], *, due_only: bool, event: str) -> None:
        started = time.perf_counter()
        async with self.feed_work:
            try:  # each stage returns at once when the app's stop is set
                reports = await self.app.fetch(names, due_only=due_only)
                articles = await self.app.extract()
                drafts = await self.app.draft()
            except Exception:  # the service outlives a bad pass
                self.log.exception(event.replace(".done", ".failed"), feeds=list(names))
                return
        seconds = time.perf_counter() - started
        outcomes = Counter(r.outcome.value for r in reports)
        self.metrics.fetches.update(outcomes)
        self.metrics.items["new"] += sum(r.new_items for r in reports)
        self.metrics.items["changed"] += sum(r.changed_items for r in reports)
        self.metrics.extractions.update(articles.methods)
        self.metrics.extractions["retry"] += articles.retrying
        self.metrics.drafts.update(drafts.outcomes)
        self.metrics.record_tick(seconds)
        if reports or articles.stored or articles.retrying or drafts.outcomes:
            self.log.info(
                event,
                feeds=len(reports),
                new=sum(r.new_items for r in reports),
                changed=sum(r.changed_items for r in reports),
                articles=articles.stored,
                articles_to_retry=articles.retrying,
                stubs=drafts.drafted,
                seconds=round(seconds, 3),
                **outcomes,
            )

    async def digest(self) -> None:
        """Rebuild `var/digest.atom` (scheduled job)."""
        await self._job("digest.written", self.app.write_digest)

    async def cleanup(self) -> None:
        """Let go of what is older than the retention period (scheduled job)."""
        await self._job("cleanup.done", self.app.clean_up)

    async def _job(self, event: str, work: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        async def run() -> None:
            started = time.perf_counter()
            try:
                fields = await work()
            except Exception:
                self.log.exception(event.partition(".")[0] + ".failed")
                return
            self.log.info(event, seconds=round(time.perf_counter() - started, 3), **fields)

        task = self._track(run())
        if task is not None:
            await asyncio.shield(task)

    async def drain(self, grace: float) -> bool:
        """Take no new work, and tell every stage of the running work to claim no more; let
        the units in flight finish within `grace` seconds. False when some had to be
        cancelled (its transactions commit whole or not at all)."""
        self.accepting = False
        self.app.stop.set()
        pending = set(self.running)
        if not pending:
            return True
        self.log.info("service.draining", jobs=len(pending), grace=grace)
        started = time.perf_counter()
        _, late = await asyncio.wait(pending, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=5)
            self.log.warning("service.drain_timeout", cancelled=len(late))
        else:
            self.log.info("service.drained", seconds=round(time.perf_counter() - started, 3))
        return not late
