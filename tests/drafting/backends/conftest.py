"""A retry policy that records the waits it is asked for instead of sleeping through them."""

from __future__ import annotations

import pytest

from aggregator.drafting.backends.retry import RetryPolicy

NOW = 1_700_000_000.0


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def policy(sleeps: list[float]) -> RetryPolicy:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    return RetryPolicy(base_delay=0.5, max_delay=60.0, sleep=record, clock=lambda: NOW)
