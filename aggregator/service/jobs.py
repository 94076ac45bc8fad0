"""The scheduler's jobs in the embedded service: the jittered fetch tick, extraction and
drafting woken by the stage before them, the digest and the cleanup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aggregator.config import Config
from aggregator.service.service import Service

CLEANUP_HOURS = 24


def schedule_jobs(scheduler: Any, service: Service, config: Config) -> None:
    """Add the service's jobs to `scheduler` (APScheduler 3), the first runs due now."""
    settings = config.settings
    now = datetime.now(UTC)
    tick = settings.tick_seconds
    # However late the loop gets to a run (the default grace is 1 s), it still runs, once.
    scheduler.add_job(
        service.tick,
        "interval",
        seconds=tick,
        jitter=max(1, tick // 10),
        next_run_time=now,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        id="tick",
    )
    # Extraction and drafting run when woken by the stage before them; the interval picks up
    # retries and queued redos. Started with the tick: a backlog left by the last run is taken.
    # An interval falling during a pass starts a second instance, which `Stage.run` turns into
    # one more pass after it (the scheduler would otherwise skip it with a warning each time).
    for stage in (service.extraction, service.drafting):
        scheduler.add_job(
            stage.run,
            "interval",
            seconds=tick,
            next_run_time=now,
            max_instances=2,
            coalesce=True,
            misfire_grace_time=None,
            id=stage.job_id,
        )
        stage.scheduler = scheduler
    scheduler.add_job(
        service.digest,
        "interval",
        minutes=settings.digest_minutes,
        next_run_time=now + timedelta(seconds=min(tick, 60)),
        max_instances=1,
        coalesce=True,
        id="digest",
    )
    scheduler.add_job(
        service.cleanup,
        "interval",
        hours=CLEANUP_HOURS,
        next_run_time=now + timedelta(minutes=5),
        max_instances=1,
        coalesce=True,
        id="cleanup",
    )
