"""Politeness per host (`net/limiter.py`): at most `connections` requests in flight to one host,
starts at least `gap` apart, hosts independent, and no state kept for hosts nobody uses."""

from __future__ import annotations

import asyncio
import itertools
import time

from aggregator.net.limiter import HostLimiter


async def visit(
    limiter: HostLimiter, host: str, log: list[tuple[str, float]], flight: dict[str, int]
) -> int:
    async with limiter.slot(host):
        log.append((host, time.monotonic()))
        flight[host] = flight.get(host, 0) + 1
        most = flight[host]
        await asyncio.sleep(0.02)
        flight[host] -= 1
        return most


def run(limiter: HostLimiter, hosts: list[str]) -> tuple[list[tuple[str, float]], list[int]]:
    log: list[tuple[str, float]] = []
    flight: dict[str, int] = {}

    async def go() -> list[int]:
        return list(await asyncio.gather(*(visit(limiter, h, log, flight) for h in hosts)))

    return log, asyncio.run(go())


def test_no_more_than_the_connections_in_flight_per_host() -> None:
    limiter = HostLimiter(connections=2, gap=0.0)
    _, most = run(limiter, ["a"] * 6 + ["b"] * 3)
    assert max(most) == 2
    assert limiter.hosts == {}  # nobody uses them now
    assert limiter.last_start == {}  # without a gap there is nothing to remember


def test_starts_to_one_host_are_a_gap_apart_and_other_hosts_do_not_wait() -> None:
    gap = 0.05
    limiter = HostLimiter(connections=4, gap=gap)
    log, _ = run(limiter, ["a", "a", "a", "b"])
    starts = [t for host, t in log if host == "a"]
    assert all(later - earlier >= gap * 0.99 for earlier, later in itertools.pairwise(starts))
    (b_start,) = [t for host, t in log if host == "b"]
    assert b_start < starts[-1]  # b did not queue behind a's gaps
    assert set(limiter.last_start) == {"a", "b"}


def test_the_gap_holds_across_uses_of_a_host() -> None:
    gap = 0.1
    limiter = HostLimiter(connections=1, gap=gap)
    first, _ = run(limiter, ["a"])
    second, _ = run(limiter, ["a"])
    assert second[0][1] - first[0][1] >= gap * 0.99


def test_a_shared_booking_adds_its_wait() -> None:
    asked: list[str] = []

    async def shared(host: str) -> float:
        asked.append(host)
        return 0.05

    limiter = HostLimiter(connections=1, gap=0.01, shared=shared)
    started = time.monotonic()
    log, _ = run(limiter, ["a"])
    assert asked == ["a"]
    assert log[0][1] - started >= 0.05 * 0.99


def test_memory_of_old_hosts_is_pruned() -> None:
    now = [1000.0]
    limiter = HostLimiter(connections=1, gap=1.0, clock=lambda: now[0])
    limiter.last_start = {f"old{i}": 0.0 for i in range(4096)}
    run(limiter, ["fresh"])
    assert set(limiter.last_start) == {"fresh"}
