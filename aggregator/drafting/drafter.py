"""Draft the stubs waiting in the queue: each one its own unit of work.

For each claimed stub: analyse the article text in the worker pool (sentences, summary, key
points, figures, index terms), index it, find related stored articles, compose the prepared
parts, lay the machine drafts over them, and store the stub with its Markdown file in one
transaction (the file is written before the commit, so a drafted stub always has it). One
stub's trouble never stops the others.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from aggregator.config import Config
from aggregator.drafting.analysis import Analysis, analyse, figure_sentences_of, title_terms
from aggregator.drafting.budget import retry_delay
from aggregator.drafting.category import choose_category
from aggregator.drafting.compose import compose
from aggregator.drafting.machine import MachineDrafter, MachineInput
from aggregator.drafting.messages import messages
from aggregator.drafting.related_parts import Refresh, Related, add_related
from aggregator.drafting.textcap import cap_text
from aggregator.faults import crash_point
from aggregator.records import DraftOutcome
from aggregator.stopping import Stop
from aggregator.storage.leases import give_back
from aggregator.storage.related import RelatedIndex
from aggregator.storage.stubs import DraftJob, DraftResult, StubQueue
from aggregator.storage.tables import stubs
from aggregator.stub_records import Entry, Provenance, Stub
from aggregator.text.links import article_links

T = TypeVar("T")

LEASE = timedelta(minutes=15)
BATCH = 8
RELATED_MIN_SCORE = 0.3
"""Least cosine (aggregator.storage.related) of an article shown as related: chosen on
bench/related.py, see docs/design.md."""
RELATED_WITH_FIGURES = 3
REFRESHED = ("background", "related_news", "additional_data")
BACKLOG_TITLES = 2_000
"""Held-back items indexed by title per drafting pass (the rest in the passes after)."""
"""The parts a later related article may change in a drafted stub."""
FIGURES_PER_RELATED = 2


class Pool(Protocol):
    async def call(self, fn: Callable[..., T], *args: Any) -> T: ...


class Database(Protocol):
    async def run(self, fn: Callable[..., T], /, *args: Any) -> T: ...

    async def read(self, fn: Callable[..., T], /, *args: Any) -> T:
        """For calls that only read: beside the writer, which goes on with other writes."""


@dataclass
class DraftReport:
    """What a pass did: stubs drafted, by outcome."""

    outcomes: Counter[DraftOutcome] = field(default_factory=Counter)

    @property
    def drafted(self) -> int:
        return self.outcomes[DraftOutcome.DRAFTED] + self.outcomes[DraftOutcome.PENDING]


@dataclass(frozen=True, slots=True)
class Found:
    """What a draft found in the archive: related articles and copies of the same story,
    and the article's own sentences with figures to offer the stubs it is related to."""

    related: list[Related]
    figures: tuple[Entry, ...]


@dataclass(frozen=True)
class Drafter:
    config: Config
    queue: StubQueue
    index: RelatedIndex
    machine: MachineDrafter
    pool: Pool
    db: Database
    clock: Callable[[], datetime]
    log: Any
    stubs_dir: Path | None
    lease: timedelta = LEASE
    """How long a claimed stub is ours; a crashed drafter's stubs wait this long."""

    async def run_due(
        self, stop: Stop | None = None, on_done: Callable[[DraftOutcome], None] | None = None
    ) -> DraftReport:
        """Index the titles of items held back on a first fetch, then draft every stub due
        now, in leased batches. Once `stop` is set the stub in flight finishes and the rest
        of its batch is given back, due now; `on_done` hears each outcome as it comes."""
        report = DraftReport()
        if stop is None or not stop.is_set():
            await self.index_backlog()
        while stop is None or not stop.is_set():
            batch = await self.db.run(self.queue.claim_due, self.clock(), BATCH, self.lease)
            if not batch:
                return report
            # The batch's analyses start together in the worker pool (they read nothing from
            # the store); the rest goes one stub at a time, in order: related search sees the
            # stubs just indexed, as if each were drafted alone.
            analyses = [asyncio.ensure_future(self._analyse(job)) for job in batch]
            try:
                for number, job in enumerate(batch):
                    if stop is not None and stop.is_set():
                        left = [j.item_id for j in batch[number:]]
                        await self.db.run(give_back, self.queue.store, stubs, left, self.clock())
                        break
                    outcome = await self.draft(job, analyses[number])
                    report.outcomes[outcome] += 1
                    if on_done is not None:
                        on_done(outcome)
            finally:
                for analysis in analyses:
                    analysis.cancel()
                await asyncio.gather(*analyses, return_exceptions=True)
        return report

    async def index_backlog(self) -> int:
        """Index, by title, up to BACKLOG_TITLES items whose articles a first fetch held back,
        newest first: they exist in the store and may be some story's related news."""
        waiting = await self.db.run(self.index.unindexed_backlog, BACKLOG_TITLES)
        if not waiting:
            return 0
        rows = [(t.item_id, t.title, t.url, t.language) for t in waiting]
        weights = await self.pool.call(title_terms, rows)
        await self.db.run(self.index.save_many, weights)
        self.log.info("related.indexed_titles", items=len(weights))
        return len(weights)

    async def draft(
        self, job: DraftJob, analysis: Awaitable[Analysis] | None = None
    ) -> DraftOutcome:
        """Draft and store one stub; `analysis`: its `_analyse`, when already under way."""
        started = time.perf_counter()
        try:
            result, found = await self._draft(job, analysis or self._analyse(job))
            write = self._write_file if self.stubs_dir is not None else None
            await self.db.run(self.queue.save, job, result, self.clock(), write)
            crash_point("draft.after_commit")
        except Exception as exc:  # one stub must never stop the others
            self.log.exception("stub.failed", item=job.item_id, feed=job.feed)
            at = self.clock() + retry_delay(self.config.drafting, job.attempts)
            await self.db.run(self.queue.release, job.item_id, f"internal error: {exc!r}"[:300], at)
            return DraftOutcome.FAILED
        try:
            refreshed = await self._refresh_related(job, found)
        except Exception:  # the stub is drafted; the earlier ones keep what they had
            self.log.exception("stub.refresh_failed", item=job.item_id, feed=job.feed)
            refreshed = 0
        outcome = DraftOutcome.PENDING if result.retry_at is not None else DraftOutcome.DRAFTED
        self.log.info(
            "stub.drafted",
            item=job.item_id,
            feed=job.feed,
            outcome=outcome,
            category=result.category,
            language=result.source_language,
            target=result.target_language,
            backends=list(result.provenance.backends),
            pending=result.pending,
            related=sum(
                not r.article.same_story and r.article.copy_of is None for r in found.related
            ),
            copies=sum(r.article.same_story for r in found.related),
            refreshed=refreshed,
            seconds=round(time.perf_counter() - started, 3),
        )
        return outcome

    async def _analyse(self, job: DraftJob) -> Analysis:
        """The article's links and analysis, in the worker pool: CPU only, nothing stored."""
        settings = self.config.drafting
        text = cap_text(job.text, settings.max_text_chars).text
        links = await self.pool.call(article_links, job.url, job.html)
        return await self.pool.call(
            functools.partial(
                analyse,
                text,
                job.title,
                job.language,
                job.feed_language,
                summary_sentences=settings.summary_sentences,
                key_point_count=settings.key_points,
                links=links,
                excerpt=job.excerpt,
            )
        )

    async def _draft(
        self, job: DraftJob, analysing: Awaitable[Analysis]
    ) -> tuple[DraftResult, Found]:
        analysis = await analysing
        settings = self.config.drafting
        capped = cap_text(job.text, settings.max_text_chars)
        job = dataclasses.replace(job, text=capped.text)  # a prefix: offsets stay the article's
        feed = self.config.feed(job.feed)
        target = (feed.target_language if feed else None) or self.config.settings.target_language
        await self.db.run(self.index.save_terms, job.item_id, analysis.terms)
        found = await self.db.read(  # it sees the terms just saved: they are committed
            self.index.related,
            job.item_id,
            analysis.terms,
            settings.related_limit,
            RELATED_MIN_SCORE,
            job.url,
        )
        copies = [a for a in found if a.same_story]
        related = []
        repeats = [Related(a, ()) for a in found if a.copy_of is not None]
        listed = (a for a in found if not a.same_story and a.copy_of is None)
        for rank, article in enumerate(listed):
            figures: tuple[Entry, ...] = ()
            if rank < RELATED_WITH_FIGURES:
                figures = await self.pool.call(
                    figure_sentences_of, article.text, article.language, FIGURES_PER_RELATED
                )
            related.append(Related(article, figures))
        category = choose_category(
            settings.categories,
            settings.default_category,
            item_categories=job.categories,
            feed_tags=job.feed_tags,
            title=job.title or "",
            text=job.text,
        )
        parts = compose(
            job,
            analysis,
            related,
            copies=copies,
            category=category,
            disclaimer=settings.disclaimer(target),
            source_info=feed.source if feed else None,
            target=target,
        )
        sources = [f"{job.title or ''}\n{job.text}", *(r.article.text for r in related)]
        machine = await self.machine.apply(
            parts,
            MachineInput(
                item_id=job.item_id,
                content_hash=job.content_hash,
                source=analysis.language,
                target=target,
                text=job.text,
                sources=sources,
                attempts=job.attempts,
            ),
        )
        now = self.clock()
        provenance = Provenance(
            feed=job.feed,
            fetched_at=job.fetched_at.isoformat() if job.fetched_at else None,
            extraction_method=job.method,
            content_hash=job.content_hash,
            source_language=analysis.language,
            target_language=target,
            backends=("extractive summary (offline)", *sorted(machine.backends)),
            prompt_version=getattr(self.machine.backend, "prompt_version", None),
            drafted_at=now.isoformat(),
            usage=machine.usage,
            text_cut=capped.note(),
        )
        result = DraftResult(
            category=category.name,
            source_language=analysis.language,
            target_language=target,
            parts=tuple(machine.parts),
            provenance=provenance,
            pending="; ".join(machine.pending) or None,
            errors=tuple(machine.errors),
            retry_at=machine.retry_at,
        )
        archive = [*related, *repeats, *(Related(c, ()) for c in copies)]
        return result, Found(archive, analysis.figures[:FIGURES_PER_RELATED])

    async def _refresh_related(self, job: DraftJob, found: Found) -> int:
        """Bring the drafted stubs this article is related to up to date with it (scores are
        the same from either side); returns how many changed."""
        if not job.url:
            return 0
        settings = self.config.drafting
        write = self._write_file if self.stubs_dir is not None else None
        refreshed = 0
        copies = frozenset(r.article.url for r in found.related if r.article.same_story)
        for related in found.related:
            other = related.article
            # This article as the other one's search would have found it: the same score.
            article = dataclasses.replace(
                other,
                item_id=job.item_id,
                feed=job.feed,
                title=job.title,
                url=job.url,
                published=job.published,
                text=job.text,
                language=job.language,
                copy_of=None,
            )
            addition = Related(article, () if other.same_story else found.figures)

            def change(stub: Stub, addition: Related = addition) -> Refresh | None:
                words = messages(stub.provenance.target_language)
                return add_related(
                    stub.parts,
                    addition,
                    stub.published,
                    limit=settings.related_limit,
                    with_figures=RELATED_WITH_FIGURES,
                    prompts={name: words(f"prompt.{name}") for name in REFRESHED},
                    copies=copies,
                    also=words("also_reported_by"),
                )

            translate = self.machine.backend is not None
            if await self.db.run(
                functools.partial(self.queue.refresh, translate=translate),
                other.item_id,
                change,
                self.clock(),
                write,
            ):
                refreshed += 1
        return refreshed

    def _write_file(self, stub: Stub) -> None:
        from aggregator.drafting.files import write_stub_file

        assert self.stubs_dir is not None
        write_stub_file(self.stubs_dir, stub)
