"""One feed refresh, the unit of work: fetch, parse, decide, save; and a batch of them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from aggregator.errors import AggregatorError, BrokenEnvironment
from aggregator.faults import crash_point
from aggregator.feeds.fetch import fetch_feed
from aggregator.feeds.outcome import decide
from aggregator.feeds.plan import keyed
from aggregator.feeds.schedule import SchedulePolicy
from aggregator.net.client import HttpClient
from aggregator.records import (
    FeedToFetch,
    FeedUpdate,
    Fetched,
    FetchFailed,
    ItemRecord,
    NextCheck,
    Outcome,
    ParsedFeed,
    RefreshReport,
    SavedRefresh,
)
from aggregator.stage_storage import RefreshStorage
from aggregator.stopping import Stop, Stopped, until_cut

T = TypeVar("T")


class Parser(Protocol):
    async def parse(self, body: bytes, *, url: str, content_type: str | None) -> ParsedFeed: ...


class Database(Protocol):
    async def run(self, fn: Callable[..., T], /, *args: Any) -> T: ...


@dataclass(frozen=True)
class Refresher:
    """The parts a refresh needs, handed over by the app."""

    http: HttpClient
    parser: Parser
    store: RefreshStorage
    db: Database
    policy: SchedulePolicy
    clock: Callable[[], datetime]
    spread: Callable[[], float]
    log: Any
    backfill: Callable[[str], int | None] = lambda _feed: None
    """How many of a feed's items (by name) get articles on its first fetch; None: all."""

    async def refresh(self, feed: FeedToFetch, stop: Stop | None = None) -> RefreshReport:
        """Never raises for a problem of this feed: it becomes the stored error and the report.
        Raises Stopped when `stop` cuts the fetch short: nothing is saved, the feed stays due."""
        started = time.perf_counter()
        now = self.clock()
        try:
            update, records = await until_cut(stop, self._fetch_and_decide(feed, now))
        except Stopped:
            self.log.info("feed.stopped", feed=feed.name)
            raise
        except ImportError as exc:  # the installation, not the feed: no failure recorded
            self.log.error("feed.not_tried", feed=feed.name, error=repr(exc))
            raise
        except Exception as exc:
            self.log.exception("feed.refresh_crashed", feed=feed.name)
            update, records = self._failure(feed, now, f"internal error: {exc!r}"[:300]), []
        try:
            saved = await self.db.run(
                self.store.save_refresh, feed.feed_id, update, records, self.backfill(feed.name)
            )
            crash_point("refresh.after_commit")
        except Exception as exc:
            self.log.exception("feed.save_failed", feed=feed.name)
            saved = None
            update = self._failure(feed, now, f"could not save: {exc!r}"[:300])
        report = _report(feed, update, saved, time.perf_counter() - started)
        # A failed refresh (HTTP error, DNS, unreadable feed, 410, retry later) is a warning.
        emit = self.log.warning if report.error else self.log.info
        emit(
            "feed.refreshed",
            feed=feed.name,
            outcome=report.outcome.value,
            status=report.http_status,
            new=report.new_items,
            backlog=report.backlog_items,
            changed=report.changed_items,
            error=report.error,
            problem=report.problem,
            moved_to=report.moved_to,
            next_check=update.next_check.at.isoformat() if update.next_check.at else None,
            why=update.next_check.reason,
            seconds=round(report.seconds, 3),
        )
        return report

    async def _fetch_and_decide(
        self, feed: FeedToFetch, now: datetime
    ) -> tuple[FeedUpdate, list[ItemRecord]]:
        result = await fetch_feed(self.http, feed, now)
        crash_point("refresh.after_fetch")
        parsed: ParsedFeed | str | None = None
        records: list[ItemRecord] = []
        if isinstance(result, Fetched):
            try:
                parsed = await self.parser.parse(
                    result.body, url=result.url, content_type=result.content_type
                )
            except AggregatorError as exc:
                parsed = str(exc) or type(exc).__name__
            else:
                records = keyed(parsed.items)
        return decide(feed, result, parsed, now, self.policy, self.spread()), records

    def _failure(self, feed: FeedToFetch, now: datetime, reason: str) -> FeedUpdate:
        return decide(
            feed, FetchFailed(url=feed.url, reason=reason), None, now, self.policy, self.spread()
        )

    async def refresh_all(
        self,
        feeds: Sequence[FeedToFetch],
        on_report: Callable[[RefreshReport], Awaitable[None] | None] | None = None,
        concurrency: int = 64,
        stop: Stop | None = None,
    ) -> list[RefreshReport]:
        """Refresh feeds concurrently; politeness is the HTTP client's job, this only bounds
        how many bodies wait in memory for the parser at once. Once `stop` is set no feed
        starts, and a fetch still waiting when it cuts is left for the next pass."""
        gate = asyncio.Semaphore(concurrency)

        async def one(feed: FeedToFetch) -> RefreshReport | None:
            async with gate:
                if stop is not None and stop.is_set():
                    return None
                try:
                    report = await self.refresh(feed, stop)
                except Stopped:
                    return None
            if on_report is not None:
                maybe = on_report(report)
                if maybe is not None:
                    await maybe
            return report

        results = await asyncio.gather(*(one(feed) for feed in feeds), return_exceptions=True)
        reports: list[RefreshReport] = []
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, ImportError):
                raise result
            if isinstance(result, RefreshReport):
                reports.append(result)
        broken = [r for r in results if isinstance(r, ImportError)]
        if broken:  # every feed would fail the same way; those met stay due
            line = (str(broken[0]).strip().splitlines() or [type(broken[0]).__name__])[0]
            raise BrokenEnvironment(
                f"feed refresh stopped: {line} (`aggregator check-config` names the fix)"
            ) from broken[0]
        return reports


def _report(
    feed: FeedToFetch, update: FeedUpdate, saved: SavedRefresh | None, seconds: float
) -> RefreshReport:
    outcome = update.outcome if saved is not None else Outcome.ERROR
    return RefreshReport(
        feed=feed.name,
        outcome=outcome,
        new_items=len(saved.plan.new) if saved else 0,
        changed_items=len(saved.plan.changed) if saved else 0,
        http_status=update.http_status,
        error=update.error,
        problem=update.problem,
        next_check=update.next_check if saved else NextCheck(None, "not saved"),
        moved_to=update.moved_to,
        seconds=seconds,
        new_item_ids=saved.queued_item_ids if saved else (),
        backlog_items=len(saved.new_item_ids) - len(saved.queued_item_ids) if saved else 0,
    )
