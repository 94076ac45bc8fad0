"""The service's units of work: the fetch tick, a fetch asked for from the web page, the
extraction and drafting passes, the digest and the cleanup. Each is logged as one event; each
failure is logged and the next run tries again.

Fetching, extraction and drafting do not wait for each other (`aggregator.service.stages`): a
fetch that stored new items wakes extraction, an extracted article wakes drafting. Work that
touches feeds runs one at a time (a tick and a "fetch now" never refresh the same feed twice at
once). Every running job is tracked so that shutdown can let it finish.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from aggregator.app import App
from aggregator.logs import get_logger
from aggregator.records import Extracted, ExtractionOutcome
from aggregator.service.metrics import RETRY_LABEL, Metrics
from aggregator.service.stages import Stage


class Service:
    def __init__(self, app: App, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.log = get_logger("aggregator.service")
        self.running: set[asyncio.Task[Any]] = set()
        self.feed_work = asyncio.Lock()
        self.accepting = True
        self.extraction = Stage("extract", self.extract)
        self.drafting = Stage("draft", self.draft)

    def _track(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
        if not self.accepting:
            coroutine.close()
            return None
        task = asyncio.get_running_loop().create_task(coroutine)
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        return task

    async def tick(self) -> None:
        """One fetch pass over the due feeds (scheduled job); extraction and drafting are
        jobs of their own."""
        task = self._track(self._fetch((), due_only=True, event="tick.done"))
        if task is not None:
            await asyncio.shield(task)

    def fetch_now(self, names: Sequence[str]) -> None:
        """Fetch the named feeds (every enabled feed when empty) now, in the background."""
        self._track(self._fetch(tuple(names), due_only=False, event="fetch.done"))

    async def _fetch(self, names: tuple[str, ...], *, due_only: bool, event: str) -> None:
        started = time.perf_counter()
        async with self.feed_work:
            try:  # returns at once when the app's stop is set
                reports = await self.app.fetch(names, due_only=due_only)
            except Exception:  # the service outlives a bad pass
                self.log.exception(event.replace(".done", ".failed"), feeds=list(names))
                return
        seconds = time.perf_counter() - started
        if any(r.new_items or r.changed_items for r in reports):
            self.extraction.wake()
        outcomes = Counter(r.outcome.value for r in reports)
        self.metrics.record_refreshes(
            outcomes,
            new=sum(r.new_items for r in reports),
            changed=sum(r.changed_items for r in reports),
        )
        self.metrics.record_tick(seconds)
        if reports:
            self.log.info(
                event,
                feeds=len(reports),
                new=sum(r.new_items for r in reports),
                changed=sum(r.changed_items for r in reports),
                seconds=round(seconds, 3),
                **outcomes,
            )

    async def extract(self) -> None:
        """Extract the articles due, until none is left (scheduled job, woken by fetches)."""
        task = self._track(self._extract())
        if task is not None:
            await asyncio.shield(task)

    async def _extract(self) -> None:
        started = time.perf_counter()

        def extracted(outcome: ExtractionOutcome) -> None:
            if isinstance(outcome, Extracted):
                self.drafting.wake()  # drafting starts with the first article, not the last

        try:
            articles = await self.app.extract(extracted)
        except Exception:
            self.log.exception("extraction.failed")
            return
        self.metrics.count(self.metrics.extractions, articles.methods)
        self.metrics.count(self.metrics.extractions, {RETRY_LABEL: articles.retrying})
        if articles.stored or articles.retrying:
            self.log.info(
                "extraction.done",
                articles=articles.stored,
                articles_to_retry=articles.retrying,
                seconds=round(time.perf_counter() - started, 3),
            )

    async def draft(self) -> None:
        """Draft the stubs due, until none is left (scheduled job, woken by extraction)."""
        task = self._track(self._draft())
        if task is not None:
            await asyncio.shield(task)

    async def _draft(self) -> None:
        started = time.perf_counter()
        try:
            drafts = await self.app.draft()
        except Exception:
            self.log.exception("drafting.failed")
            return
        self.metrics.count(self.metrics.drafts, drafts.outcomes)
        if drafts.outcomes:
            self.log.info(
                "drafting.done",
                stubs=drafts.drafted,
                seconds=round(time.perf_counter() - started, 3),
                **{outcome.value: n for outcome, n in drafts.outcomes.items()},
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
