"""ParserPool: parsing in worker processes within time and memory budgets, and recovering."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from aggregator.errors import ParseBudgetExceeded, ParseError
from aggregator.feeds.parse import parse_feed
from aggregator.feeds.sandbox import ParserPool
from aggregator.records import ParsedFeed

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
URL = "https://harbour.example/feeds/main.xml"
MiB = 1024 * 1024


def rss_with_items(count: int) -> bytes:
    items = b"".join(
        b"<item><title>t%d</title><guid>g%d</guid><description>&lt;p&gt;d&lt;/p&gt;</description></item>"
        % (i, i)
        for i in range(count)
    )
    return b'<rss version="2.0"><channel><title>x</title>' + items + b"</channel></rss>"


def huge_title(size: int) -> bytes:
    return b'<rss version="2.0"><channel><title>' + b"a" * size + b"</title></channel></rss>"


def parse(pool: ParserPool, body: bytes, url: str = URL) -> ParsedFeed:
    async def run() -> ParsedFeed:
        return await pool.parse(body, url=url, content_type="application/rss+xml")

    return asyncio.run(run())


def test_pool_parses_like_in_process() -> None:
    body = (DATA / "rss20.xml").read_bytes()
    with_pool = ParserPool(workers=2, time_budget=10, memory_budget_bytes=256 * MiB)
    try:
        assert parse(with_pool, body) == parse_feed(body, url=URL)
        with pytest.raises(ParseError, match="looks like HTML"):
            parse(with_pool, b"<html><body>no feed</body></html>")
    finally:
        with_pool.close()


def test_concurrent_parses() -> None:
    body = (DATA / "atom10.xml").read_bytes()

    async def run(pool: ParserPool) -> list[ParsedFeed]:
        async with pool:
            return await asyncio.gather(*(pool.parse(body, url=URL) for _ in range(20)))

    results = asyncio.run(run(ParserPool(workers=2, time_budget=10, memory_budget_bytes=256 * MiB)))
    assert len({result.title for result in results}) == 1
    assert all(result == results[0] for result in results)


def test_in_process_pool() -> None:
    pool = ParserPool(workers=0, time_budget=1, memory_budget_bytes=MiB)
    body = (DATA / "rss20.xml").read_bytes()
    assert parse(pool, body) == parse_feed(body, url=URL)
    pool.close()


def test_time_budget_and_recovery() -> None:
    pool = ParserPool(workers=1, time_budget=0.3, memory_budget_bytes=512 * MiB)
    try:
        assert parse(pool, rss_with_items(10)).title == "x"
        start = time.monotonic()
        with pytest.raises(ParseBudgetExceeded, match=r"0\.3 s time budget"):
            parse(pool, rss_with_items(40_000))
        assert time.monotonic() - start < 3
        assert len(parse(pool, rss_with_items(10)).items) == 10
    finally:
        pool.close()


def test_memory_budget_and_recovery() -> None:
    pool = ParserPool(workers=1, time_budget=10, memory_budget_bytes=64 * MiB)
    try:
        assert parse(pool, huge_title(1_000_000)).title == "a" * 1_000_000
        with pytest.raises(ParseBudgetExceeded, match="64 MiB memory budget"):
            parse(pool, huge_title(24 * MiB))
        assert len(parse(pool, rss_with_items(10)).items) == 10
    finally:
        pool.close()


def test_body_larger_than_the_budget_kills_the_worker_and_the_pool_recovers() -> None:
    pool = ParserPool(workers=1, time_budget=10, memory_budget_bytes=32 * MiB)
    try:
        with pytest.raises(ParseBudgetExceeded):
            parse(pool, huge_title(96 * MiB))
        assert len(parse(pool, rss_with_items(3)).items) == 3
    finally:
        pool.close()


def test_a_worker_killed_mid_parse_is_replaced_and_the_parse_retried() -> None:
    pool = ParserPool(workers=1, time_budget=30, memory_budget_bytes=512 * MiB)
    body = rss_with_items(8000)

    async def run() -> ParsedFeed:
        await pool.parse(b'<rss version="2.0"><channel><title>w</title></channel></rss>', url=URL)
        executor = pool._executor
        assert executor is not None
        pids = list(executor._processes)
        task = asyncio.ensure_future(pool.parse(body, url=URL))
        await asyncio.sleep(0.2)
        assert not task.done()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        result = await task
        assert pool._executor is not executor
        return result

    try:
        assert len(asyncio.run(run()).items) == 8000
    finally:
        pool.close()


def test_backstop_kills_a_worker_that_ignores_its_alarm() -> None:
    pool = ParserPool(workers=1, time_budget=30, memory_budget_bytes=512 * MiB)
    try:
        parse(pool, rss_with_items(1))
        pool._backstop = 0.2
        with pytest.raises(ParseBudgetExceeded, match="the parser was killed"):
            parse(pool, rss_with_items(40_000))
        pool._backstop = 30
        assert len(parse(pool, rss_with_items(2)).items) == 2
    finally:
        pool.close()


def test_documents_waiting_for_a_worker_do_not_count_against_the_backstop() -> None:
    pool = ParserPool(workers=1, time_budget=30, memory_budget_bytes=512 * MiB)
    body = rss_with_items(500)

    async def run() -> list[ParsedFeed]:
        await pool.parse(body, url=URL)
        pool._backstop = 0.6
        return await asyncio.gather(*(pool.parse(body, url=URL) for _ in range(12)))

    try:
        assert [len(feed.items) for feed in asyncio.run(run())] == [500] * 12
    finally:
        pool.close()


def test_closed_pool_refuses_work() -> None:
    pool = ParserPool(workers=1, time_budget=1, memory_budget_bytes=64 * MiB)
    pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        parse(pool, rss_with_items(1))


@pytest.mark.parametrize(
    ("workers", "time_budget", "memory"), [(-1, 1.0, MiB), (1, 0.0, MiB), (1, 1.0, 0)]
)
def test_invalid_settings(workers: int, time_budget: float, memory: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        ParserPool(workers=workers, time_budget=time_budget, memory_budget_bytes=memory)


def _square(n: int) -> int:
    return n * n


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_call_runs_any_task_under_the_budget() -> None:
    async def go() -> None:
        async with ParserPool(workers=1, time_budget=0.5, memory_budget_bytes=256 << 20) as pool:
            assert await pool.call(_square, 7) == 49
            with pytest.raises(ParseBudgetExceeded):
                await pool.call(_spin, 5.0)
            assert await pool.call(_square, 3) == 9

    asyncio.run(go())


def test_call_in_process_without_workers() -> None:
    async def go() -> int:
        return await ParserPool(workers=0, time_budget=1, memory_budget_bytes=1 << 20).call(
            _square, 5
        )

    assert asyncio.run(go()) == 25


def test_inline_calls_never_run_on_two_threads_at_once() -> None:
    """lxml parsers shared module-wide (trafilatura's) crash the process when two threads use
    them at once: with workers=0 the calls take turns on one thread."""
    import threading

    active: list[int] = []
    overlaps: list[int] = []

    def task(i: int) -> int:
        active.append(i)
        if len(active) > 1:
            overlaps.append(i)
        time.sleep(0.01)
        active.remove(i)
        return threading.get_ident()

    async def run_all() -> set[int]:
        pool = ParserPool(workers=0, time_budget=5, memory_budget_bytes=1 << 30)
        try:
            return set(await asyncio.gather(*(pool.call(task, i) for i in range(20))))
        finally:
            pool.close()

    threads = asyncio.run(run_all())
    assert overlaps == []
    assert len(threads) == 1


KILLED_OWNER = """
import asyncio, os, sys
from aggregator.feeds.sandbox import ParserPool

async def main() -> None:
    pool = ParserPool(workers=2, time_budget=5, memory_budget_bytes=256 * 1024 * 1024)
    body = b'<rss version="2.0"><channel><title>x</title></channel></rss>'
    await asyncio.gather(*(pool.parse(body, url="https://e.org/") for _ in range(4)))
    print(" ".join(str(p) for p in pool._pool()._processes), flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not os.path.exists("/proc/self"), reason="needs Linux's /proc")
def test_parsers_die_with_a_process_killed_outright(tmp_path: Path) -> None:
    """A worker killed with SIGKILL (no cleanup runs) leaves no parser process behind."""
    import subprocess
    import sys

    owner = subprocess.Popen(
        [sys.executable, "-c", KILLED_OWNER], stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        parsers = [int(pid) for pid in owner.stdout.readline().split()]
        assert len(parsers) == 2
        assert all(Path(f"/proc/{pid}").exists() for pid in parsers)
    finally:
        owner.kill()
        owner.wait(10)
        if owner.stdout is not None:
            owner.stdout.close()
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in parsers) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [pid for pid in parsers if running(pid)]
    for pid in alive:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert alive == [], "parser processes outlived their owner"


def test_the_pool_keeps_the_first_max_items() -> None:
    pool = ParserPool(workers=1, time_budget=10, memory_budget_bytes=256 * MiB, max_items=3)
    try:
        feed = parse(pool, rss_with_items(5))
        assert [item.guid for item in feed.items] == ["g0", "g1", "g2"]
        assert feed.problem == "5 items, kept the first 3"
    finally:
        pool.close()
