"""One reading of `Retry-After`, for feeds (a time to come back) and backends (a delay)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.drafting.backends.retry import retry_after as backend_retry_after
from aggregator.net.headers import retry_after, retry_after_seconds

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Sun, 29 Nov 2026 14:00:00 GMT", 7200.0),
        ("Sun, 29 Nov 2026 11:59:00 GMT", -60.0),
        ("Sun, 29 Nov 2026 12:01:00 -0000", 60.0),
        ("99999999999", 1e8),
        ("soon", None),
        ("-1", None),
        ("١٢", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def test_feeds_and_backends_read_the_header_alike() -> None:
    for value in ("30", "Sun, 29 Nov 2026 12:10:00 GMT", "Sun, 29 Nov 2026 11:00:00 GMT", "x"):
        when = retry_after(value, NOW)
        delay = backend_retry_after({"retry-after": value}, NOW.timestamp())
        if when is None:
            assert delay is None
        else:
            assert delay == max(0.0, (when - NOW).total_seconds())
    assert retry_after("30", NOW) == NOW + timedelta(seconds=30)
