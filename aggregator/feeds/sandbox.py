"""Parse feeds in worker processes with a time and a memory budget.

A feed document is hostile input handed to a pure-Python parser that has no timeouts of its own
and, over the years, has had ways to blow up in time or memory. Parsing also costs real CPU
(milliseconds per feed), which would stall the event loop that drives the fetches. So documents
go to a pool of processes, each capped by RLIMIT_AS and a timer of processor time (SIGPROF: a
parse slowed down by a busy machine is not a hostile one); a worker that still
overruns (stuck in C code that never returns to the interpreter) is killed by the parent.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType, TracebackType
from typing import Any, TypeVar

from aggregator.errors import ParseBudgetExceeded
from aggregator.feeds.parse import MAX_ITEMS, harden_feedparser, parse_feed, parse_with_feedparser
from aggregator.records import ParsedFeed

__all__ = ["ParserPool"]

T = TypeVar("T")

# After the first alarm, keep firing: parser code that swallows the first exception with a broad
# `except` must not get to run on unbounded.
_ALARM_REPEAT = 0.05
_WARM_UP = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>w</title>'
    b"<item><title>w &amp; w</title><link>/w</link><description>&lt;p&gt;w&lt;/p&gt;</description>"
    b"<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item></channel></rss>"
)

_time_budget = 0.0
_memory_budget = 0


def _virtual_size() -> int | None:
    """This process's virtual memory size in bytes (Linux), the quantity RLIMIT_AS caps."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise ParseBudgetExceeded(
        f"parsing took longer than the {_time_budget:g} s time budget (processor time)"
    )


def _init_worker(time_budget: float, memory_budget_bytes: int, owner: int) -> None:
    """Harden feedparser, warm it up, then cap the address space at what it uses now + budget.

    The warm-up parses (fast path and feedparser) pull in lazy imports and caches first, so that
    the budget is what one document may use, not what the interpreter happens to occupy.
    """
    global _time_budget, _memory_budget
    _time_budget, _memory_budget = time_budget, memory_budget_bytes
    threading.Thread(target=_watch_owner, args=(owner,), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    harden_feedparser()
    parse_feed(_WARM_UP, url="https://warm-up.invalid/")  # the lxml fast path
    parse_with_feedparser(_WARM_UP, url="https://warm-up.invalid/")
    signal.signal(signal.SIGPROF, _on_alarm)
    baseline = _virtual_size()
    if baseline is None:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = baseline + memory_budget_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _watch_owner(owner: int, every: float = 1.0) -> None:
    """End this parser when the process that owns the pool is gone, also one killed with
    SIGKILL (its parent here is the forkserver, which outlives it)."""
    while True:
        time.sleep(every)
        try:
            os.kill(owner, 0)
        except (ProcessLookupError, PermissionError):  # gone, or its number reused
            os._exit(1)


def _parse_task(body: bytes, url: str, content_type: str | None, max_items: int) -> ParsedFeed:
    """Runs in a worker: one parse under the budgets."""
    return _budgeted(
        functools.partial(parse_feed, body, url=url, content_type=content_type, max_items=max_items)
    )


def _budgeted(fn: Callable[..., T], *args: Any) -> T:
    """Runs in a worker: a CPU-bound task (a parse, an extraction) under the alarm; running
    out of memory is reported as such."""
    signal.setitimer(signal.ITIMER_PROF, _time_budget, _ALARM_REPEAT)
    try:
        return fn(*args)
    except MemoryError:
        pass
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    # Raised outside the handler, once the traceback holding the big objects is gone.
    mib = _memory_budget / (1024 * 1024)
    raise ParseBudgetExceeded(f"the task needed more than the {mib:g} MiB memory budget")


def _start_method() -> str:
    # Not fork: the parent runs threads (event loop helpers, database), and fork copies their locks.
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


class ParserPool:
    """`await pool.parse(body, url=..., content_type=...)` → ParsedFeed, within budgets.

    `workers=0` parses in the calling thread, hardened but without budgets (tests, tiny runs).
    The pool starts on first use; `close()` or `async with` stops it. Budget overruns and worker
    deaths raise ParseBudgetExceeded, any other unreadable document ParseError.
    """

    def __init__(
        self,
        workers: int,
        time_budget: float,
        memory_budget_bytes: int,
        max_items: int = MAX_ITEMS,
    ) -> None:
        """`max_items`: items kept from one document (the first ones, in feed order)."""
        if workers < 0:
            raise ValueError("workers must be >= 0")
        if time_budget <= 0 or memory_budget_bytes <= 0:
            raise ValueError("time_budget and memory_budget_bytes must be positive")
        self.workers = workers
        self.time_budget = time_budget
        self.memory_budget_bytes = memory_budget_bytes
        self.max_items = max_items
        # Wall-clock time, for a worker stuck where the processor-time alarm cannot reach it:
        # the document ahead and this one, each at up to twice its budget on a busy machine.
        self._backstop = time_budget * 4 + 5
        self._executor: ProcessPoolExecutor | None = None
        self._inline: ThreadPoolExecutor | None = None
        self._closed = False
        self._slots: asyncio.Semaphore | None = None
        self._slots_loop: asyncio.AbstractEventLoop | None = None

    async def parse(self, body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
        """Parse one document; see `aggregator.feeds.parse.parse_feed` for the result."""
        if self.workers == 0:
            harden_feedparser()
            return parse_feed(body, url=url, content_type=content_type, max_items=self.max_items)
        return await self._in_worker(_parse_task, body, url, content_type, self.max_items)

    def _slots_for(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        """At most two documents per worker are handed to the pool at a time.

        The backstop timer then covers one wait (a document ahead, itself bounded by the time
        budget) plus the parse, instead of an unbounded queue behind the workers; two per worker
        keep the next document ready when a worker finishes.
        """
        if self._slots is None or self._slots_loop is not loop:
            self._slots, self._slots_loop = asyncio.Semaphore(2 * self.workers), loop
        return self._slots

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a module-level function in a worker under the time and memory budgets.

        With `workers=0` it runs in this process, without budgets, on one thread of its own:
        lxml parsers (trafilatura shares one module-wide) must never be used by two threads at
        once, which the default executor's several threads would do."""
        if self.workers == 0:
            if self._inline is None:
                self._inline = ThreadPoolExecutor(1, thread_name_prefix="aggregator-inline")
            return await asyncio.get_running_loop().run_in_executor(self._inline, fn, *args)
        return await self._in_worker(_budgeted, fn, *args)

    async def _in_worker(self, task: Callable[..., T], *args: Any) -> T:
        try:
            return await self._submit(task, *args)
        except BrokenProcessPool:
            pass
        # A worker died, perhaps while running another task: one more try on a fresh pool.
        try:
            return await self._submit(task, *args)
        except BrokenProcessPool:
            raise ParseBudgetExceeded(
                "the worker process died (most likely over its memory budget)"
            ) from None

    async def _submit(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        async with self._slots_for(loop):
            executor = self._pool()
            try:
                future = loop.run_in_executor(executor, fn, *args)
                return await asyncio.wait_for(future, self._backstop)
            except TimeoutError:
                self._discard(executor)
                raise ParseBudgetExceeded(
                    f"parsing did not stop within {self._backstop:g} s; the parser was killed"
                ) from None
            except BrokenProcessPool:
                self._discard(executor)
                raise

    def _pool(self) -> ProcessPoolExecutor:
        if self._closed:
            raise RuntimeError("ParserPool is closed")
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(_start_method()),
                initializer=_init_worker,
                initargs=(self.time_budget, self.memory_budget_bytes, os.getpid()),
            )
        return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        """Kill the workers of `executor` (unless already replaced); the next call starts anew."""
        if self._executor is not executor:
            return
        self._executor = None
        for process in list((executor._processes or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers; a parse in progress ends within its time budget."""
        self._closed = True
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        inline, self._inline = self._inline, None
        if inline is not None:
            inline.shutdown(wait=True, cancel_futures=True)

    async def __aenter__(self) -> ParserPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.close)
