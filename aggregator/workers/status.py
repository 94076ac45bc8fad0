"""What the job queue holds, read straight from procrastinate's tables: the `workers` command,
the web page's queue read it here, and `enqueue_due` the conditions that leave out work already
queued."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from aggregator.storage.store import Store

STATES = ("todo", "doing", "failed", "succeeded", "cancelled", "aborted")
"""procrastinate's job states; the view calls them waiting, running, failed, and so on."""

_COUNTS = sa.text(
    "SELECT task_name, status::text AS status, count(*) AS n "
    "FROM procrastinate_jobs GROUP BY task_name, status"
)
_OLDEST_WAITING = sa.text(
    "SELECT j.task_name, min(e.at) AS since FROM procrastinate_jobs j "
    "JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'deferred' "
    "WHERE j.status = 'todo' GROUP BY j.task_name"
)
_WORKERS = sa.text("SELECT id, last_heartbeat FROM procrastinate_workers ORDER BY id")
_LIVE = ("todo", "doing")
_JOBS = sa.table(
    "procrastinate_jobs",
    sa.column("queueing_lock", sa.Text),
    sa.column("task_name", sa.Text),
    sa.column("args", JSONB),
    sa.column("status", sa.Text),
)


@dataclass(frozen=True, slots=True)
class TaskCounts:
    task: str
    counts: dict[str, int]
    oldest_waiting: datetime | None


@dataclass(frozen=True, slots=True)
class QueueView:
    tasks: tuple[TaskCounts, ...]
    workers: tuple[tuple[int, datetime], ...] = field(default=())
    """Live workers: id and last heartbeat."""


def queue_view(store: Store) -> QueueView:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    with store.engine.connect() as conn:
        for row in conn.execute(_COUNTS):
            counts[row.task_name][row.status] = int(row.n)
        oldest = {row.task_name: row.since for row in conn.execute(_OLDEST_WAITING)}
        workers = tuple((int(r.id), r.last_heartbeat) for r in conn.execute(_WORKERS))
    return QueueView(
        tasks=tuple(
            TaskCounts(task=name, counts=counts[name], oldest_waiting=oldest.get(name))
            for name in sorted(counts)
        ),
        workers=workers,
    )


def task_gauges(store: Store) -> dict[str, dict[str, int]]:
    """Tasks waiting, running and failed per kind, for `/metrics`."""
    view = queue_view(store)
    return {
        f"tasks_{name}": {t.task.removeprefix("aggregator."): t.counts[state] for t in view.tasks}
        for name, state in (("waiting", "todo"), ("running", "doing"), ("failed", "failed"))
    }


def live_jobs() -> sa.ColumnElement[bool]:
    """Jobs waiting or running (procrastinate's status is an enum: compared as text)."""
    return sa.cast(_JOBS.c.status, sa.Text).in_(_LIVE)


def not_locked(prefix: str, ids: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """No job waiting or running holds the queueing lock `<prefix><id>`. Written as NOT IN a
    subquery, which PostgreSQL hashes once per query, rather than as NOT EXISTS, which it may
    run once per due row (a scan of the jobs for each of a thousand due feeds)."""
    locked = sa.select(sa.func.substr(_JOBS.c.queueing_lock, len(prefix) + 1)).where(
        _JOBS.c.queueing_lock.startswith(prefix, autoescape=True), live_jobs()
    )
    return sa.cast(ids, sa.Text).not_in(locked.scalar_subquery())


def not_batched(
    task: str, ids: sa.ColumnElement[int], key: str = "item_ids"
) -> sa.ColumnElement[bool]:
    """No job of `task` waiting or running names the id in its list `key`."""
    batched = sa.select(
        sa.cast(sa.func.jsonb_array_elements_text(_JOBS.c.args[key]), sa.Integer)
    ).where(_JOBS.c.task_name == task, live_jobs(), _JOBS.c.args.has_key(key))
    return ids.not_in(batched.scalar_subquery())


def waiting_ids(store: Store, task: str, key: str, one: str) -> set[int]:
    """The ids jobs of `task` waiting to start name, in their list `key` or alone in `one`."""
    query = sa.select(_JOBS.c.args).where(
        _JOBS.c.task_name == task, sa.cast(_JOBS.c.status, sa.Text) == "todo"
    )
    ids: set[int] = set()
    with store.engine.connect() as conn:
        for (args,) in conn.execute(query):
            ids.update(int(i) for i in args.get(key, ()))
            if args.get(one) is not None:
                ids.add(int(args[one]))
    return ids
