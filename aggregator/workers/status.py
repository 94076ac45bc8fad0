"""What the job queue holds, read straight from procrastinate's tables: the `workers` command,
the web page's queue and `enqueue_due` (which skips work already waiting) read it here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

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
_WAITING = sa.text(
    "SELECT queueing_lock FROM procrastinate_jobs "
    "WHERE status IN ('todo', 'doing') AND queueing_lock IS NOT NULL"
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


def waiting_locks(store: Store) -> frozenset[str]:
    """Queueing locks of tasks waiting or running: their work needs no new task."""
    with store.engine.connect() as conn:
        return frozenset(row.queueing_lock for row in conn.execute(_WAITING))


def task_gauges(store: Store) -> dict[str, dict[str, int]]:
    """Tasks waiting, running and failed per kind, for `/metrics`."""
    view = queue_view(store)
    return {
        f"tasks_{name}": {t.task.removeprefix("aggregator."): t.counts[state] for t in view.tasks}
        for name, state in (("waiting", "todo"), ("running", "doing"), ("failed", "failed"))
    }
