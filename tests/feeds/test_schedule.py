from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.feeds.schedule import SchedulePolicy, next_check
from aggregator.records import CacheHints, Outcome, ScheduleInput

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
POLICY = SchedulePolicy(min_interval=5, max_interval=1440, max_backoff=720, jitter=0.1)


def minutes_until(at: datetime | None) -> float:
    assert at is not None
    return (at - NOW).total_seconds() / 60


def test_success_uses_the_feed_interval() -> None:
    result = next_check(ScheduleInput(Outcome.OK, 60), NOW, POLICY, 0.0)
    assert minutes_until(result.at) == 60
    assert result.reason == "interval of 60 min"


def test_jitter_adds_at_most_its_fraction() -> None:
    result = next_check(ScheduleInput(Outcome.OK, 60), NOW, POLICY, 0.999)
    assert 60 < minutes_until(result.at) < 66


@pytest.mark.parametrize(
    ("inp", "minutes", "reason"),
    [
        (ScheduleInput(Outcome.OK, 60, ttl_minutes=180), 180, "feed ttl of 180 min"),
        (ScheduleInput(Outcome.OK, 60, ttl_minutes=10), 60, "interval of 60 min"),
        (ScheduleInput(Outcome.OK, 60, update_period_minutes=1440), 1440, "sy:updatePeriod"),
        (
            ScheduleInput(Outcome.NOT_MODIFIED, 60, cache=CacheHints(max_age_seconds=7200)),
            120,
            "Cache-Control max-age",
        ),
        (
            ScheduleInput(Outcome.OK, 30, cache=CacheHints(expires=NOW + timedelta(hours=1))),
            60,
            "Expires header",
        ),
        (ScheduleInput(Outcome.OK, 60, ttl_minutes=100_000), 1440, "capped at 1440 min"),
    ],
)
def test_publisher_hints_can_only_lengthen_the_interval(
    inp: ScheduleInput, minutes: float, reason: str
) -> None:
    result = next_check(inp, NOW, POLICY, 0.0)
    assert minutes_until(result.at) == pytest.approx(minutes)
    assert reason in result.reason


def test_retry_after_is_honoured_and_not_an_error() -> None:
    retry_at = NOW + timedelta(hours=2)
    inp = ScheduleInput(Outcome.RETRY_LATER, 60, retry_at=retry_at)
    result = next_check(inp, NOW, POLICY, 0.5)
    assert result.at == retry_at
    assert "Retry-After" in result.reason


def test_retry_after_in_the_past_still_waits_the_minimum() -> None:
    inp = ScheduleInput(Outcome.RETRY_LATER, 60, retry_at=NOW - timedelta(hours=1))
    assert minutes_until(next_check(inp, NOW, POLICY, 0.0).at) == 5


def test_absurd_retry_after_is_bounded_to_a_week() -> None:
    inp = ScheduleInput(Outcome.RETRY_LATER, 60, retry_at=NOW + timedelta(days=400))
    assert minutes_until(next_check(inp, NOW, POLICY, 0.0).at) == 7 * 24 * 60


def test_error_backoff_is_exponential_and_capped() -> None:
    delays = [
        minutes_until(
            next_check(ScheduleInput(Outcome.ERROR, 30, error_count=n), NOW, POLICY, 0).at
        )
        for n in range(1, 8)
    ]
    assert delays == [60, 120, 240, 480, 720, 720, 720]


def test_backoff_never_gives_up() -> None:
    result = next_check(ScheduleInput(Outcome.ERROR, 30, error_count=10_000), NOW, POLICY, 0.0)
    assert result.at is not None
    assert "at the cap" in result.reason


def test_gone_retires_the_feed() -> None:
    result = next_check(ScheduleInput(Outcome.GONE, 60), NOW, POLICY, 0.0)
    assert result.at is None
    assert "410" in result.reason


@given(
    outcome=st.sampled_from(list(Outcome)),
    interval=st.integers(1, 100_000),
    errors=st.integers(0, 1000),
    ttl=st.none() | st.integers(0, 10**7),
    spread=st.floats(0, 0.999),
)
def test_next_check_is_always_in_the_future_or_retired(
    outcome: Outcome, interval: int, errors: int, ttl: int | None, spread: float
) -> None:
    inp = ScheduleInput(outcome, interval, error_count=errors, ttl_minutes=ttl)
    result = next_check(inp, NOW, POLICY, spread)
    if outcome is Outcome.GONE:
        assert result.at is None
    else:
        assert result.at is not None
        assert result.at >= NOW + timedelta(minutes=POLICY.min_interval)


def test_first_run_offline_never_fetched_feed_retries_within_minutes() -> None:
    delays = [
        minutes_until(
            next_check(
                ScheduleInput(Outcome.ERROR, 60, error_count=n, never_fetched=True),
                NOW,
                POLICY,
                0.0,
            ).at
        )
        for n in (1, 2, 3)
    ]
    assert delays == [10, 20, 40], "one DNS failure used to push the next try 2 h out"
    fetched_before = next_check(ScheduleInput(Outcome.ERROR, 60, error_count=1), NOW, POLICY, 0.0)
    assert minutes_until(fetched_before.at) == 120


def test_a_failed_fetch_by_hand_keeps_the_backoff_of_the_scheduled_errors() -> None:
    scheduled = next_check(ScheduleInput(Outcome.ERROR, 60, error_count=2), NOW, POLICY, 0.0)
    by_hand = next_check(
        ScheduleInput(Outcome.ERROR, 60, error_count=2, manual=True), NOW, POLICY, 0.0
    )
    assert minutes_until(by_hand.at) == minutes_until(scheduled.at) == 240
    assert "not counted" in by_hand.reason
    healthy = next_check(ScheduleInput(Outcome.ERROR, 60, manual=True), NOW, POLICY, 0.0)
    assert minutes_until(healthy.at) == 120
    assert healthy.reason.startswith("a fetch by hand failed (not counted)")
