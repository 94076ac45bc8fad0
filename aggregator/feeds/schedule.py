"""When to check a feed next: a pure function of what happened, the feed's hints and `now`.

The result is stored as `next_check_at`, so a restart resumes the same timetable instead of
refetching everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aggregator.records import NextCheck, Outcome, ScheduleInput

MAX_RETRY_AFTER = timedelta(days=7)
MAX_BACKOFF_STEPS = 20


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    """Bounds in minutes; `jitter` is the largest fraction added to a delay to spread load."""

    min_interval: int = 5
    max_interval: int = 1440
    max_backoff: int = 1440
    jitter: float = 0.1


def next_check(
    inp: ScheduleInput, now: datetime, policy: SchedulePolicy, spread: float
) -> NextCheck:
    """`spread` in [0, 1) picks the jitter; callers pass a random number, tests a fixed one."""
    base = max(inp.interval_minutes, policy.min_interval)
    if inp.outcome is Outcome.GONE:
        return NextCheck(None, "retired: the server answered 410 Gone; re-enable by hand")
    if inp.outcome is Outcome.RETRY_LATER and inp.retry_at is not None:
        earliest = now + timedelta(minutes=policy.min_interval)
        at = min(max(inp.retry_at, earliest), now + MAX_RETRY_AFTER)
        return NextCheck(at, "server asked to retry later (Retry-After)")
    if inp.outcome in (Outcome.ERROR, Outcome.RETRY_LATER):
        return _backoff(inp, base, now, policy, spread)
    minutes, reason = _fresh_delay(inp, base, now, policy)
    return NextCheck(_jittered(now, minutes, policy.jitter, spread), reason)


def _backoff(
    inp: ScheduleInput, base: int, now: datetime, policy: SchedulePolicy, spread: float
) -> NextCheck:
    """Doubling delays from the feed's interval, or from `min_interval` while no fetch has ever
    succeeded (a first run offline retries within minutes). A fetch by hand that fails is not
    counted: its delay is the one the scheduled errors so far give."""
    errors = max(inp.error_count, 1)
    step = policy.min_interval if inp.never_fetched else base
    cap = max(policy.max_backoff, base)
    minutes = min(step * 2 ** min(errors, MAX_BACKOFF_STEPS), cap)
    if inp.manual and inp.error_count == 0:
        reason = "a fetch by hand failed (not counted): retried as after 1 error"
    else:
        reason = f"error backoff after {errors} consecutive error{'s' if errors > 1 else ''}"
        if inp.manual:
            reason += " (a fetch by hand that failed is not counted)"
    if inp.never_fetched:
        reason += ", never fetched yet"
    if minutes == cap:
        reason += " (at the cap)"
    return NextCheck(_jittered(now, minutes, policy.jitter, spread), reason)


def _fresh_delay(
    inp: ScheduleInput, base: int, now: datetime, policy: SchedulePolicy
) -> tuple[float, str]:
    """The longest of our interval and what the publisher asks for, within `max_interval`."""
    candidates: list[tuple[float, str]] = [(base, f"interval of {base} min")]
    if inp.ttl_minutes:
        candidates.append((inp.ttl_minutes, f"feed ttl of {inp.ttl_minutes} min"))
    if inp.update_period_minutes:
        candidates.append(
            (inp.update_period_minutes, f"sy:updatePeriod of {inp.update_period_minutes} min")
        )
    if inp.cache.max_age_seconds:
        candidates.append((inp.cache.max_age_seconds / 60, "Cache-Control max-age"))
    elif inp.cache.expires is not None:
        candidates.append(((inp.cache.expires - now).total_seconds() / 60, "Expires header"))
    minutes, reason = max(candidates, key=lambda c: c[0])
    ceiling = max(policy.max_interval, base)
    if minutes > ceiling:
        return ceiling, f"{reason}, capped at {ceiling} min"
    return minutes, reason


def _jittered(now: datetime, minutes: float, jitter: float, spread: float) -> datetime:
    return now + timedelta(minutes=minutes * (1 + jitter * spread))
