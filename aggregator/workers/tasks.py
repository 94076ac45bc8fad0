"""The stage functions as procrastinate tasks, run by `aggregator worker` processes.

- `enqueue_due` (periodic) queues refreshes of the due feeds, a task per lane of hosts and up
  to `[workers].feeds_per_task` feeds, and extraction or drafting for every article or stub
  that waits. Each kind is read leaving out the work a task waiting or running does already
  (a feed named in a refresh task's `feed_ids`, a stub's queueing lock), so at most one task
  waits for each piece of work, cluster-wide.
- `refresh_feed` refreshes the feeds of one lane (`feed_ids`; or one `feed_id`, as queued
  before lanes): different hosts at once, one host's feeds in turn, each feed checked still due;
  then queues extraction of all their new items in one statement, a task per host of the pages.
- `extract_article` extracts the pages of a few items of one host (`item_ids`, up to
  `ARTICLE_BATCH`; or one `item_id`, as queued before) and queues each stub's drafting.
- `draft_stub` drafts one stub.
- `recover_stalled` (periodic) queues again the tasks of a worker that stopped beating.
- `write_digest` and `clean_up` (periodic) run once per slot, whichever worker gets the slot.

Tasks sending requests to a host carry the lock of its lane, `lane:<k>` (`lanes.lane_of`), so
two of them never run at the same time on any two workers; every request books its start in
`host_turns` (see `App`), so starts stay `[settings].per_host_gap` apart whichever worker sends
them. Every task checks its work is still due before doing it: a task queued twice, or run
again after its worker died, does the work once.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import Any, assert_never

import sqlalchemy as sa

from aggregator.app import App
from aggregator.logs import get_logger
from aggregator.net.hosts import host_of
from aggregator.records import Extracted, GivenBack, RefreshReport, Retry
from aggregator.service.metrics import RETRY_LABEL, Metrics
from aggregator.storage.work import Due, due_work, forget_turns, item_hosts
from aggregator.workers import queue as q
from aggregator.workers.lanes import lane_batches, lane_of
from aggregator.workers.refresh_batch import BatchFailed, refresh_batch
from aggregator.workers.settings import WorkerSettings
from aggregator.workers.status import not_batched, not_locked, waiting_ids

BATCH = 500
"""Tasks queued by one query."""
DUE_LIMIT = 10_000
"""Most pieces of work of one kind queued by one `enqueue_due`; the next one takes the rest."""
ARTICLE_BATCH = 10
"""Most pages one extraction task fetches. Tasks of a host run one at a time; a refresh of
that host, queued meanwhile, waits for the running one, so a batch is kept short."""
SWEEP_SECONDS = 60
"""How often `enqueue_due` also looks for articles and stubs that wait without a task (a retry
come due, a task lost with its worker): the task before them queues the others at once, and
the look is a scan of the whole backlog."""
CLEANUP_CRON = "17 3 * * *"


def every(seconds: int) -> str:
    """A cron expression (procrastinate's, seconds last) firing every `seconds` seconds, rounded
    to what cron can say: seconds under a minute, minutes under an hour, hours under a day."""
    if seconds < 60:
        return f"* * * * * */{seconds}"
    if seconds < 3600:
        return f"*/{seconds // 60} * * * *"
    if seconds < 86_400:
        return f"0 */{seconds // 3600} * * *"
    return "0 0 * * *"


class Tasks:
    """Registers the tasks on a procrastinate app; they run the stages of `app`."""

    def __init__(
        self, queue: Any, app: App, settings: WorkerSettings, metrics: Metrics | None = None
    ) -> None:
        self.queue = queue
        self.app = app
        self.settings = settings
        self.metrics = metrics or Metrics()
        """This process's counts of the work its tasks did (`[workers].metrics_listen`)."""
        self.log = get_logger("aggregator.workers")
        self.refresh = queue.task(
            name=q.REFRESH, queue=q.FEEDS, priority=q.REFRESH_PRIORITY, pass_context=True
        )(self.refresh_feed)
        self.extract = queue.task(name=q.EXTRACT, queue=q.ARTICLES, pass_context=True)(
            self.extract_article
        )
        self.draft = queue.task(name=q.DRAFT, queue=q.STUBS, pass_context=True)(self.draft_stub)
        for name, function, cron in (
            (q.ENQUEUE, self.enqueue_due, every(settings.enqueue_seconds)),
            (q.RECOVER, self.recover_stalled, every(max(1, int(settings.heartbeat_seconds)))),
            (q.DIGEST, self.write_digest, every(app.settings.digest_minutes * 60)),
            (q.CLEANUP, self.clean_up, CLEANUP_CRON),
        ):
            task = queue.task(
                name=name,
                queue=q.PERIODIC,
                priority=q.PERIODIC_PRIORITY,
                queueing_lock=name,  # one waiting,
                lock=name,  # and one running, cluster-wide
            )(function)
            queue.periodic(cron=cron, periodic_id=name)(task)

    # -- queueing --------------------------------------------------------------------------

    async def queue_refresh(self, names: Sequence[str] = (), *, force: bool = True) -> int:
        """Queue refreshes of the named feeds (every fetchable one when none are named, only
        the due ones unless `force`), leaving out feeds a waiting task names already; how many
        feeds were queued. `force` makes the task refresh a feed that is not due: a "fetch
        now"."""
        app = self.app
        feeds = await app.db.run(
            lambda: app.store.feeds_to_fetch(
                app.clock(), app.settings.default_interval, names=names, due_only=not force
            )
        )
        waiting = await app.db.run(waiting_ids, app.store, q.REFRESH, "feed_ids", "feed_id")
        work = [Due(f.feed_id, host_of(f.url)) for f in feeds if f.feed_id not in waiting]
        return await self._queue_refreshes(work, force=force)

    async def _queue_refreshes(self, work: Sequence[Due], *, force: bool = False) -> int:
        """A refresh task per lane and `feeds_per_task` feeds, holding the lane's lock; `BATCH`
        tasks to a statement. No queueing lock: the enqueuer leaves out the feeds live tasks
        name, and a task refreshes only those still due."""
        settings = self.settings
        jobs = [
            self.refresh.configure(lock=q.lane_lock(lane)).make_new_job(feed_ids=ids, force=force)
            for lane, ids in lane_batches(work, settings.lanes, settings.feeds_per_task)
        ]
        for start in range(0, len(jobs), BATCH):
            await self.queue.job_manager.batch_defer_jobs_async(jobs[start : start + BATCH])
        return len(work)

    async def _defer(self, task: Any, queueing_lock: str, host: str | None, **kwargs: Any) -> int:
        """1 when queued, 0 when the same work already waits."""
        from procrastinate.exceptions import AlreadyEnqueued

        try:
            await self._deferrer(task, queueing_lock, host).defer_async(**kwargs)
        except AlreadyEnqueued:
            return 0
        return 1

    def _deferrer(self, task: Any, queueing_lock: str, host: str | None) -> Any:
        lock = q.lane_lock(lane_of(host, self.settings.lanes)) if host is not None else None
        return task.configure(queueing_lock=queueing_lock, lock=lock)

    async def _queue_all(
        self,
        task: Any,
        lock: Callable[[int], str],
        work: Sequence[Due],
        argument: str = "item_id",
        **extra: Any,
    ) -> int:
        """Queue a task for each piece of work: in batches of one query each, or one by one when
        a batch meets work queued meanwhile."""
        from procrastinate.exceptions import AlreadyEnqueued

        todo = list(work)
        queued = 0
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            jobs = [
                self._deferrer(task, lock(d.id), d.host).make_new_job(**{argument: d.id}, **extra)
                for d in batch
            ]
            try:
                await self.queue.job_manager.batch_defer_jobs_async(jobs)
                queued += len(jobs)
            except AlreadyEnqueued:
                for d in batch:
                    queued += await self._defer(
                        task, lock(d.id), d.host, **{argument: d.id}, **extra
                    )
        return queued

    async def _queue_pages(self, work: Sequence[Due]) -> int:
        """Queue the extraction of these items: a task per host and `ARTICLE_BATCH` items, all
        in one statement, holding the lock of the host's lane (as its refreshes do). The
        store's lease on each article, not a queueing lock, keeps an item queued twice from
        being extracted twice."""
        if not work:
            return 0
        jobs = []
        for host, ids in host_batches(work, ARTICLE_BATCH):
            lock = q.lane_lock(lane_of(host, self.settings.lanes)) if host else None
            deferrer = self.extract.configure(lock=lock)
            jobs.append(deferrer.make_new_job(item_ids=ids))
        await self.queue.job_manager.batch_defer_jobs_async(jobs)
        return sum(len(job.task_kwargs["item_ids"]) for job in jobs)

    # -- periodic tasks --------------------------------------------------------------------

    async def enqueue_due(self, timestamp: int) -> None:
        started = time.perf_counter()
        app = self.app
        # Each kind is one query that reads the due work and leaves out what a task waiting or
        # running does already, in one snapshot: a task ending meanwhile is seen either as
        # running or as done with its work no longer due.
        work = await app.db.run(
            lambda: due_work(
                app.store,
                app.clock(),
                DUE_LIMIT,
                _unqueued,
                feeds_only=not self.sweeps(timestamp),
            )
        )
        counts = {
            "feeds": await self._queue_refreshes(work.feeds),
            "articles": await self._queue_pages(work.articles),
            "stubs": await self._queue_all(self.draft, q.stub_lock, work.stubs),
        }
        if sum(counts.values()):
            self.log.info(
                "workers.enqueued", seconds=round(time.perf_counter() - started, 3), **counts
            )

    def sweeps(self, timestamp: int) -> bool:
        """Whether the `enqueue_due` of this slot looks for articles and stubs too: the first
        slot of every `SWEEP_SECONDS`, every slot when slots are longer."""
        return timestamp % SWEEP_SECONDS < max(1, self.settings.enqueue_seconds)

    async def recover_stalled(self, timestamp: int) -> None:
        """Queue again what workers silent for `stalled_seconds` were running. A task whose
        work was queued anew meanwhile (its queueing lock is taken) is dropped: the new one
        does the work."""
        from procrastinate.exceptions import UniqueViolation
        from procrastinate.jobs import Status

        manager = self.queue.job_manager
        stalled = await manager.get_stalled_jobs(
            seconds_since_heartbeat=self.settings.stalled_seconds
        )
        for job in stalled:
            try:
                await manager.retry_job(job)
                outcome = "requeued"
            except UniqueViolation:
                await manager.finish_job(job, status=Status.ABORTED, delete_job=True)
                outcome = "superseded"
            self.log.warning(
                "workers.stalled_task",
                task=job.task_name,
                job=job.id,
                args=job.task_kwargs,
                worker=job.worker_id,
                outcome=outcome,
            )

    async def write_digest(self, timestamp: int) -> None:
        started = time.perf_counter()
        fields = await self.app.write_digest()
        self.log.info("digest.written", seconds=round(time.perf_counter() - started, 3), **fields)

    async def clean_up(self, timestamp: int) -> None:
        started = time.perf_counter()
        fields = await self.app.clean_up()
        fields["host_turns"] = await self.app.db.run(
            forget_turns, self.app.store, self.app.clock() - timedelta(hours=1)
        )
        await self.queue.job_manager.delete_old_jobs(  # failed tasks are kept as long as stubs
            nb_hours=self.app.settings.retention_days * 24, include_failed=True
        )
        self.log.info("cleanup.done", seconds=round(time.perf_counter() - started, 3), **fields)

    # -- units of work ---------------------------------------------------------------------

    async def refresh_feed(
        self,
        context: Any,
        feed_id: int | None = None,
        force: bool = False,
        feed_ids: Sequence[int] = (),
    ) -> None:
        """Refresh the feeds of `feed_ids` (or the one `feed_id`) that are still due, or all of
        them when `force`d; a forced task retried after its worker died refreshes only those
        still due. One feed's failure is its report; the others go on."""
        app = self.app
        ids = [feed_id] if feed_id is not None else list(feed_ids)
        if not ids:
            return
        forced = force and context.job.attempts == 0
        due = await app.db.run(
            lambda: app.store.feeds_to_fetch(
                app.clock(), app.settings.default_interval, ids=ids, due_only=not forced
            )
        )
        for skipped in sorted(set(ids) - {feed.feed_id for feed in due}):
            self.log.info("feed.skipped", feed_id=skipped, why="not due, or not enabled")
        try:
            reports = await refresh_batch(app.refresher, due)
        except BatchFailed as failed:
            await self._refreshed(failed.reports)
            raise
        await self._refreshed(reports)

    async def _refreshed(self, reports: Sequence[RefreshReport]) -> None:
        """Count the refreshes and queue the extraction of all their new items at once."""
        if not reports:
            return
        self.metrics.record_refreshes(
            Counter(report.outcome.value for report in reports),
            new=sum(report.new_items for report in reports),
            changed=sum(report.changed_items for report in reports),
        )
        new_ids = tuple(i for report in reports for i in report.new_item_ids)
        if new_ids:
            new = await self.app.db.run(item_hosts, self.app.store, new_ids)
            await self._queue_pages(new)

    async def extract_article(
        self, context: Any, item_id: int | None = None, item_ids: Sequence[int] = ()
    ) -> None:
        """Each page is claimed just before it is fetched, so the lease of the last one does
        not run while the first ones are fetched; a page claimed meanwhile by another task is
        skipped."""
        app = self.app
        for one in [item_id] if item_id is not None else item_ids:
            claimed = await app.db.run(
                lambda one=one: app.article_queue.claim_due(
                    app.clock(),
                    1,
                    app.articles.lease,
                    item_ids=[one],
                    leased_too=context.job.attempts > 0,  # its worker died holding the lease
                )
            )
            if not claimed:
                continue
            outcome = await app.articles.extract(claimed[0])
            match outcome:
                case Extracted(method):
                    self.metrics.count(self.metrics.extractions, {method: 1})
                    await self._defer(self.draft, q.stub_lock(one), None, item_id=one)
                case Retry():
                    self.metrics.count(self.metrics.extractions, {RETRY_LABEL: 1})
                case GivenBack():
                    await self._defer(self.draft, q.stub_lock(one), None, item_id=one)
                case _:
                    assert_never(outcome)

    async def draft_stub(self, context: Any, item_id: int) -> None:
        app = self.app
        claimed = await app.db.run(
            lambda: app.stubs.claim_due(
                app.clock(),
                1,
                app.drafter.lease,
                item_ids=[item_id],
                leased_too=context.job.attempts > 0,
            )
        )
        if claimed:
            outcome = await app.drafter.draft(claimed[0])
            self.metrics.count(self.metrics.drafts, {outcome: 1})


def _unqueued(kind: str, ids: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """The work of `kind` no task waiting or running does: feeds by the `feed_ids` of refresh
    tasks (or the queueing lock of one queued alone, before lanes), stubs by their queueing
    lock, articles by the `item_ids` of extraction tasks (or the lock of one queued alone)."""
    if kind == "feeds":
        return sa.and_(not_locked(q.FEED_LOCK, ids), not_batched(q.REFRESH, ids, "feed_ids"))
    if kind == "stubs":
        return not_locked(q.STUB_LOCK, ids)
    return sa.and_(not_locked(q.ARTICLE_LOCK, ids), not_batched(q.EXTRACT, ids))


def host_batches(work: Sequence[Due], size: int) -> Iterator[tuple[str | None, list[int]]]:
    """Item ids grouped by host, at most `size` to a group, in the order given."""
    by_host: defaultdict[str | None, list[int]] = defaultdict(list)
    for due in work:
        by_host[due.host].append(due.id)
    for host, ids in by_host.items():
        for start in range(0, len(ids), size):
            yield host, ids[start : start + size]
