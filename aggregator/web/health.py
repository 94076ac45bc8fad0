"""Whether the database can serve the desk, as `/healthz` says it: the SQLite file is there and
writable, a stub reads through the pages' own query, and SQLite's `quick_check` found nothing
(run on the first check, then again once `QUICK_CHECK_SECONDS` have passed; its verdict is kept
in between, since it reads the whole file).

The verdict is a `Health`: healthy or not, with the reason an operator can act on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aggregator.storage.health import desk_read, file_problem, quick_check, sqlite_path
from aggregator.web.context import WebContext

QUICK_CHECK_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    database: str
    """`ok`, or what is wrong: `corrupt: ...`, `missing: ...`, `read-only: ...`,
    `unreadable: ...`."""
    newest_stub: int | None = None
    """The item id of the stub read to prove it (None: no stubs yet, or not read)."""
    checked_at: datetime | None = None
    """When `quick_check` last ran."""


@dataclass(frozen=True, slots=True)
class Checked:
    at: datetime
    problems: tuple[str, ...]
    """What is wrong, each with its kind (`corrupt: ...`); empty when the file is sound."""


def check_due(last: Checked | None, now: datetime, every: timedelta) -> bool:
    """Whether `quick_check` is to run again: never run yet, found a problem, or older than
    `every` (a problem is looked at again each time, so a repaired file is seen at once)."""
    return last is None or bool(last.problems) or now - last.at >= every


def reason_of(exc: BaseException) -> str:
    """A database error as the one line an operator reads: `corrupt: file is not a database`."""
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split()) or type(orig).__name__
    lowered = text.lower()
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return f"corrupt: {text}"
    if "readonly" in lowered or "read-only" in lowered:
        return f"read-only: {text}"
    return f"unreadable: {text}"


class HealthCheck:
    def __init__(
        self,
        ctx: WebContext,
        clock: Callable[[], datetime],
        every: timedelta = timedelta(seconds=QUICK_CHECK_SECONDS),
    ) -> None:
        self.ctx = ctx
        self.clock = clock
        self.every = every
        self.last: Checked | None = None
        self.lock = asyncio.Lock()

    async def check(self) -> Health:
        store = self.ctx.app.store
        path = sqlite_path(store)
        if path is not None:
            problem = file_problem(path)
            if problem is not None:
                return Health(False, problem)
        try:
            newest: int | None = await self.ctx.read(desk_read, store)
        except Exception as exc:  # any failure to read is "not healthy", with its reason
            return Health(False, reason_of(exc))
        checked = await self.refresh()
        if checked.problems:
            return Health(False, "; ".join(checked.problems), newest, checked.at)
        return Health(True, "ok", newest, checked.at)

    async def refresh(self) -> Checked:
        """Run `quick_check` when it is due (see `check_due`) and keep its verdict; never
        raises, so the service can start it in the background when it starts."""
        async with self.lock:  # one check at a time; the others take its verdict
            now = self.clock()
            if check_due(self.last, now, self.every):
                try:
                    found: list[str] = await self.ctx.db(quick_check, self.ctx.app.store)
                    problems = tuple(f"corrupt: {p}" for p in found)
                except Exception as exc:  # the check itself failed: that is the verdict
                    problems = (reason_of(exc),)
                self.last = Checked(now, problems)
            assert self.last is not None
            return self.last
