"""When to ask a backend again, and how long to wait first.

Rate limits and brief outages are normal for paid and self-hosted services alike. We wait as
long as the server asks (`Retry-After`, or OpenAI's `retry-after-ms`), otherwise back off
exponentially; a wait beyond the cap is not slept through but handed back to the caller, who
can come back later instead of holding a worker.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aggregator.net.headers import retry_after_seconds

RETRYABLE_STATUSES = frozenset({408, 409, 429})


def _real_sleep(seconds: float) -> Awaitable[None]:
    return asyncio.sleep(seconds)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_delay: float = 1.0
    """The first backoff; each further attempt doubles it."""
    max_delay: float = 60.0
    """Longest wait we sleep through; a server asking for more ends the attempts."""
    sleep: Callable[[float], Awaitable[None]] = field(default=_real_sleep)
    clock: Callable[[], float] = field(default=time.time)
    """Wall clock, for `Retry-After` given as an HTTP date."""

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based) when the server names none."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= 500


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asks us to wait, from `retry-after-ms` or `Retry-After`, if any."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            seconds = float(millis) / 1000.0
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds):
            return max(0.0, seconds)
    asked = retry_after_seconds(headers.get("retry-after"), datetime.fromtimestamp(now, UTC))
    return None if asked is None else max(0.0, asked)
