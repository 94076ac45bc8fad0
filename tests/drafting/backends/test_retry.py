"""How long to wait before asking again, and which statuses are worth asking again."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from aggregator.drafting.backends.retry import RetryPolicy, is_retryable_status, retry_after

NOW = 1_700_000_000.0


def test_retry_after_in_seconds() -> None:
    assert retry_after({"retry-after": "7"}, NOW) == 7.0


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    when = formatdate(NOW + 30, usegmt=True)
    assert retry_after({"retry-after": when}, NOW) == pytest.approx(30.0)


def test_retry_after_in_the_past_means_now() -> None:
    assert retry_after({"retry-after": formatdate(NOW - 30, usegmt=True)}, NOW) == 0.0


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}, NOW) == 1.5


@pytest.mark.parametrize("value", ["soon", "-1", "1.5e999", "", "inf"])
def test_unreadable_retry_after_is_ignored(value: str) -> None:
    assert retry_after({"retry-after": value}, NOW) is None


def test_unreadable_retry_after_ms_falls_back_to_retry_after() -> None:
    assert retry_after({"retry-after-ms": "nan", "retry-after": "4"}, NOW) == 4.0


def test_no_header_no_delay() -> None:
    assert retry_after({}, NOW) is None


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    assert [policy.backoff(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (408, True),
        (409, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (529, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (422, False),
        (456, False),
    ],
)
def test_which_statuses_are_retried(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable
