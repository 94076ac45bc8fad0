"""When a backend may be paid again: the daily budget, and the wait after a failure. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from aggregator.drafting.settings import DraftingSettings
from aggregator.storage.ledger import Spent


def budget_refusal(spent: Spent, settings: DraftingSettings, backend: str) -> str | None:
    """Why no more may be spent on `backend` today, or None."""
    if settings.daily_budget is not None and spent.cost >= settings.daily_budget:
        return (
            f"daily budget of {settings.daily_budget:g} for {backend} reached "
            f"(spent {spent.cost:.4f} today)"
        )
    units = spent.tokens if backend == "openai" else spent.characters
    if settings.daily_units is not None and units >= settings.daily_units:
        what = "tokens" if backend == "openai" else "characters"
        return (
            f"daily limit of {settings.daily_units} {what} for {backend} reached "
            f"({units} used today)"
        )
    return None


def next_utc_midnight(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def retry_delay(settings: DraftingSettings, attempts: int) -> timedelta:
    return min(timedelta(minutes=settings.retry_minutes * 2 ** max(attempts, 0)), timedelta(days=1))
