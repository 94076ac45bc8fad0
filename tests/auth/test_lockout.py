"""The lock-out's delays: none before the threshold, then 1 s doubling up to the cap, counted
from the last failure; per account (names folded to lower case) and per address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.auth.lockout import (
    account_key,
    address_key,
    delay_seconds,
    longest_wait,
    refusal,
    wait_seconds,
)
from aggregator.auth.settings import WebSettings

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
SETTINGS = WebSettings(failures_before_delay=3, max_delay_seconds=300)


@pytest.mark.parametrize(
    ("count", "delay"),
    [(0, 0), (1, 0), (2, 0), (3, 1), (4, 2), (5, 4), (6, 8), (11, 256), (12, 300), (10**6, 300)],
)
def test_the_delay_doubles_after_the_threshold_up_to_the_cap(count: int, delay: float) -> None:
    assert delay_seconds(count, SETTINGS) == delay


@pytest.mark.parametrize(
    ("count", "ago", "wait"),
    [
        (2, 0.0, 0.0),  # below the threshold: never waits
        (3, 0.0, 1.0),
        (3, 0.25, 0.75),
        (3, 1.0, 0.0),
        (5, 1.0, 3.0),
        (5, 10.0, 0.0),
        (40, 100.0, 200.0),
        (40, -5.0, 300.0),  # a clock set back: the whole delay, never more
    ],
)
def test_the_wait_counts_from_the_last_failure(count: int, ago: float, wait: float) -> None:
    last = NOW - timedelta(seconds=ago)
    assert wait_seconds(count, last, NOW, SETTINGS) == pytest.approx(wait)


def test_a_key_without_failures_never_waits() -> None:
    assert wait_seconds(0, None, NOW, SETTINGS) == 0.0
    assert longest_wait([], NOW, SETTINGS) == 0.0


def test_the_slowest_key_decides() -> None:
    account = (4, NOW - timedelta(seconds=1))  # 2 s, 1 s left
    address = (6, NOW - timedelta(seconds=3))  # 8 s, 5 s left
    assert longest_wait([account, address], NOW, SETTINGS) == pytest.approx(5.0)
    assert longest_wait([account, (0, None)], NOW, SETTINGS) == pytest.approx(1.0)


def test_the_threshold_and_cap_come_from_the_settings() -> None:
    strict = WebSettings(failures_before_delay=1, max_delay_seconds=5)
    assert [delay_seconds(n, strict) for n in range(6)] == [0, 1, 2, 4, 5, 5]


def test_keys_fold_account_names_and_keep_addresses() -> None:
    assert account_key(" Ana.Horvat ") == account_key("ana.horvat") == "account:ana.horvat"
    assert account_key("\uff21\uff2e\uff21") == account_key("ana")  # full-width ANA: one count
    assert address_key("192.0.2.7") == "address:192.0.2.7"
    assert account_key("x") != address_key("x")


def test_the_refusal_names_whole_seconds_rounded_up() -> None:
    expected = "too many failed sign-ins for this account or address: try again in {} s"
    assert refusal(0.2) == expected.format(1)
    assert refusal(3.0) == expected.format(3)
    assert refusal(3.01) == expected.format(4)


@given(
    count=st.integers(min_value=0, max_value=10_000),
    threshold=st.integers(min_value=1, max_value=20),
    cap=st.floats(min_value=1, max_value=86_400),
    ago=st.floats(min_value=-1e6, max_value=1e6),
)
def test_the_wait_is_bounded_and_shrinks_as_time_passes(
    count: int, threshold: int, cap: float, ago: float
) -> None:
    settings = WebSettings(failures_before_delay=threshold, max_delay_seconds=cap)
    last = NOW - timedelta(seconds=ago)
    wait = wait_seconds(count, last, NOW, settings)
    assert 0.0 <= wait <= delay_seconds(count, settings) <= cap
    later = wait_seconds(count, last, NOW + timedelta(seconds=1), settings)
    assert later <= wait
    if count < threshold:
        assert wait == 0.0


@given(count=st.integers(min_value=0, max_value=200), threshold=st.integers(1, 10))
def test_one_more_failure_never_shortens_the_delay(count: int, threshold: int) -> None:
    settings = WebSettings(failures_before_delay=threshold, max_delay_seconds=300)
    assert delay_seconds(count + 1, settings) >= delay_seconds(count, settings)
