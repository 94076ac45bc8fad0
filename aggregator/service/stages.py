"""A stage of the service's work as a scheduler job of its own, woken when work arrives.

The service fetches, extracts and drafts in three jobs that never wait for each other: the
fetch tick keeps its schedule whatever the backlog, extraction works the articles queue and
drafting the stubs queue, each until its queue is empty. A pass never overlaps another
(`Stage.run`; `coalesce`); its interval only picks up retries that fell due. When work
arrives (a fetch stored new items, an article was extracted) the next stage is woken: run at
once when idle, or once more right after the pass under way, which may have looked at its queue
before the new work was in it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any


class Stage:
    """`run` is the scheduled job; `wake()` asks for a pass as soon as possible."""

    def __init__(self, job_id: str, work: Callable[[], Awaitable[None]]) -> None:
        self.job_id = job_id
        self.work = work
        self.scheduler: Any = None
        """The scheduler holding job `job_id` (APScheduler 3), once scheduled."""
        self.running = False
        self.again = False

    async def run(self) -> None:
        """One pass, and another for each wake that came while it ran."""
        if self.running:  # the scheduler runs one instance; a direct call may not either
            self.again = True
            return
        self.running = True
        try:
            while True:
                self.again = False
                await self.work()
                if not self.again:
                    return
        finally:
            self.running = False

    def wake(self) -> None:
        """Run the pass now, or once more after the one under way (never two at once)."""
        if self.running:
            self.again = True
            return
        if self.scheduler is None or self.scheduler.get_job(self.job_id) is None:
            return
        self.scheduler.modify_job(self.job_id, next_run_time=datetime.now(UTC))
