"""Politeness towards each host: a cap on parallel requests and a minimum gap between them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _Host:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    users: int = 0


class HostLimiter:
    """At most `connections` requests in flight per host, starts at least `gap` seconds apart.

    Hosts are keyed by name (and port), the unit a publisher's server sees. State for a host is
    dropped when nobody uses it, so memory does not grow with the number of hosts ever seen.

    `shared`, when given, books each start with the other processes too (workers sharing a
    database): it returns how long to wait before starting.
    """

    def __init__(
        self,
        connections: int,
        gap: float,
        clock: Callable[[], float] = time.monotonic,
        shared: Callable[[str], Awaitable[float]] | None = None,
    ) -> None:
        self.connections = connections
        self.gap = gap
        self.clock = clock
        self.shared = shared
        self.hosts: dict[str, _Host] = {}
        self.last_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self.hosts.get(host)
        if state is None:
            state = self.hosts[host] = _Host(asyncio.Semaphore(self.connections))
            state.next_start = self.last_start.pop(host, 0.0) + self.gap
        state.users += 1
        try:
            async with state.slots:
                if self.gap > 0:
                    async with state.lock:
                        wait = state.next_start - self.clock()
                        if wait > 0:
                            await asyncio.sleep(wait)
                        if self.shared is not None:
                            wait = await self.shared(host)
                            if wait > 0:
                                await asyncio.sleep(wait)
                        state.next_start = self.clock() + self.gap
                yield
        finally:
            state.users -= 1
            if state.users == 0:
                del self.hosts[host]
                if self.gap > 0:
                    self._remember(host, state.next_start - self.gap)

    def _remember(self, host: str, started: float) -> None:
        now = self.clock()
        self.last_start[host] = started
        if len(self.last_start) > 4096:
            horizon = now - self.gap
            self.last_start = {h: t for h, t in self.last_start.items() if t > horizon}
