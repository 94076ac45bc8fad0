"""Asked to stop: every stage claims no more work, and what is in flight is bounded.

The service sets `Stop` on SIGTERM; the feed, article and draft loops check it before they
claim (or start) another unit. A network wait in flight (a feed or article page still being
fetched) gets `settle` seconds more and is then cancelled: nothing of it was written yet, and
its feed or article stays due. CPU work and writes in flight finish (a write commits whole).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

SETTLE_SECONDS = 3.0


class Stopped(Exception):
    """A unit's network wait was cut short because the run is stopping."""


class Stop:
    def __init__(self, settle: float = SETTLE_SECONDS) -> None:
        self.settle = settle
        self._requested: asyncio.Event | None = None

    def _event(self) -> asyncio.Event:
        if self._requested is None:
            self._requested = asyncio.Event()
        return self._requested

    def set(self) -> None:
        self._event().set()

    def is_set(self) -> bool:
        return self._requested is not None and self._requested.is_set()

    async def cut(self) -> None:
        """Returns `settle` seconds after the stop was asked for."""
        await self._event().wait()
        await asyncio.sleep(self.settle)


async def until_cut(stop: Stop | None, work: Awaitable[T]) -> T:
    """`work`, unless the stop's cut comes first: then it is cancelled and Stopped raised."""
    if stop is None:
        return await work
    task = asyncio.ensure_future(work)
    cut = asyncio.ensure_future(stop.cut())
    try:
        await asyncio.wait({task, cut}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        cut.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.cancelled():
        raise Stopped("stopped while waiting on the network")
    return task.result()
