"""Extract the articles waiting in the queue: each one its own unit of work.

For each claimed item: fetch its page (politely, robots.txt first), run the extraction chain in
the worker pool (CPU-bound, under a time and memory budget), store the article. A transient
failure is retried with exponential backoff; a permanent one, or too many transient ones, keeps
the item with its feed content and the reason. One article's trouble never stops the others.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, assert_never

from aggregator.articles.pages import Page, fetch_page
from aggregator.errors import AggregatorError, BrokenEnvironment
from aggregator.faults import crash_point
from aggregator.net.client import HttpClient
from aggregator.net.robots import RobotsCache
from aggregator.records import (
    Article,
    Extracted,
    ExtractionMethod,
    ExtractionOutcome,
    GivenBack,
    PendingArticle,
    Retry,
)
from aggregator.stage_storage import ArticleStorage
from aggregator.stopping import Stop, Stopped, until_cut

if TYPE_CHECKING:
    from aggregator.articles.rules import SiteRule

T = TypeVar("T")

LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)


class Pool(Protocol):
    async def call(self, fn: Callable[..., T], *args: Any) -> T: ...


class Database(Protocol):
    async def run(self, fn: Callable[..., T], /, *args: Any) -> T: ...


@dataclass(frozen=True, slots=True)
class Failed:
    """The page will not be had (no link, robots.txt, a 404, given up after retries): the
    feed's own text stands in, `reason` stored with it."""

    reason: str


@dataclass
class ExtractionReport:
    """What a pass did: articles stored by method, and how many wait for another try."""

    methods: Counter[ExtractionMethod] = field(default_factory=Counter)
    retrying: int = 0

    @property
    def stored(self) -> int:
        return sum(self.methods.values())

    def add(self, outcome: ExtractionOutcome) -> None:
        match outcome:
            case Extracted(method):
                self.methods[method] += 1
            case Retry():
                self.retrying += 1
            case GivenBack():
                pass
            case _:
                assert_never(outcome)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the first, second, third failure; at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class ArticleWorker:
    http: HttpClient
    robots: RobotsCache
    pool: Pool
    queue: ArticleStorage
    db: Database
    rules: Callable[[], Sequence[SiteRule]]
    """Called when an article is made: the rules module loads only when there is work."""
    clock: Callable[[], datetime]
    log: Any
    max_attempts: int = 5
    concurrency: int = 16
    lease: timedelta = LEASE
    """How long a claimed article is ours; a crashed worker's articles wait this long."""

    async def run_due(
        self,
        stop: Stop | None = None,
        on_done: Callable[[ExtractionOutcome], None] | None = None,
    ) -> ExtractionReport:
        """Work through every article due now, in leased batches; no batch is claimed once
        `stop` is set (a page still loading when it cuts is given back untried). `on_done`
        hears each article's outcome as it comes."""
        report = ExtractionReport()
        while stop is None or not stop.is_set():
            batch = await self.db.run(
                self.queue.claim_due, self.clock(), self.concurrency, self.lease
            )
            if not batch:
                return report
            outcomes = await asyncio.gather(
                *(self._one(p, stop, on_done) for p in batch), return_exceptions=True
            )
            broken = [o for o in outcomes if isinstance(o, ImportError)]
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    if not isinstance(outcome, ImportError):
                        raise outcome
                else:
                    report.add(outcome)
            if broken:  # every article would fail the same way: the pass stops here
                raise BrokenEnvironment(
                    f"article extraction stopped: {_first_line(broken[0])}; the articles wait "
                    "in the queue (`aggregator check-config` names the fix)"
                ) from broken[0]
        return report

    async def _one(
        self,
        pending: PendingArticle,
        stop: Stop | None,
        on_done: Callable[[ExtractionOutcome], None] | None,
    ) -> ExtractionOutcome:
        outcome = await self.extract(pending, stop)
        if on_done is not None:
            on_done(outcome)
        return outcome

    async def extract(self, pending: PendingArticle, stop: Stop | None = None) -> ExtractionOutcome:
        """Extracted (by its method), Retry (why, tried again later), or GivenBack (its page
        was still loading when `stop` cut: given back, due now, no attempt counted)."""
        started = time.perf_counter()
        url = pending.item.link
        try:
            if url is None:
                page: Page | Retry | Failed = Failed("the item has no link")
            else:
                page = await until_cut(stop, self._page(pending, url))
            if isinstance(page, Retry):
                return page
            article = await self._article(pending, page)
            await self.db.run(self.queue.save, pending.item_id, article, url, self.clock())
        except ImportError as exc:  # the installation, not the article: given back untried
            self.log.error(
                "article.not_tried", item=pending.item_id, feed=pending.feed, error=repr(exc)
            )
            reason = f"not tried: {_first_line(exc)}"[:300]
            await self.db.run(self.queue.release, pending.item_id, reason, self.clock())
            raise
        except Stopped:
            await self.db.run(self.queue.give_back, [pending.item_id], self.clock())
            self.log.info("article.stopped", item=pending.item_id, feed=pending.feed)
            return GivenBack()
        except Exception as exc:  # one article must never stop the others
            self.log.exception("article.failed", item=pending.item_id, feed=pending.feed)
            return await self._retry(pending, f"internal error: {exc!r}"[:300])
        # The page could not be had (404, refused, gave up): the feed's text stands in, a warning.
        emit = self.log.warning if isinstance(page, Failed) and url is not None else self.log.info
        emit(
            "article.extracted",
            item=pending.item_id,
            feed=pending.feed,
            url=url,
            method=article.method,
            reason=article.reason,
            quality=round(article.quality.score, 2),
            chars=len(article.text),
            seconds=round(time.perf_counter() - started, 3),
        )
        return Extracted(article.method)

    async def _page(self, pending: PendingArticle, url: str) -> Page | Retry | Failed:
        """The page, or Retry (stored: it is tried again later), or Failed: why we keep the
        feed's content."""
        page = await fetch_page(self.http, self.robots, url)
        crash_point("extract.after_fetch")
        if isinstance(page, Page):
            return page
        if page.transient and pending.attempts + 1 < self.max_attempts:
            return await self._retry(pending, page.reason)
        if page.transient:
            return Failed(f"{page.reason} (gave up after {pending.attempts + 1} attempts)")
        return Failed(page.reason)

    async def _article(self, pending: PendingArticle, page: Page | Failed) -> Article:
        # The chain pulls in trafilatura and lxml: loaded when there is an article to make,
        # not by every command that opens the app.
        from aggregator.articles.chain import extract_article, feed_article

        if isinstance(page, Failed):
            return feed_article(
                pending.item,
                pending.item.link,
                reason=page.reason,
                feed_language=pending.feed_language,
            )
        task = functools.partial(
            extract_article,
            page.html,
            page.url,
            rules=tuple(self.rules()),
            feed_item=pending.item,
            feed_language=pending.feed_language,
        )
        try:
            return await self.pool.call(task)
        except AggregatorError as exc:
            return feed_article(
                pending.item,
                page.url,
                reason=f"extraction failed: {exc}",
                feed_language=pending.feed_language,
            )

    async def _retry(self, pending: PendingArticle, reason: str) -> Retry:
        at = self.clock() + retry_delay(pending.attempts + 1)
        await self.db.run(self.queue.retry_later, pending.item_id, reason, at)
        self.log.warning(
            "article.retry",
            item=pending.item_id,
            feed=pending.feed,
            reason=reason,
            at=at.isoformat(),
        )
        return Retry(reason)
