"""When a backend may be paid again: the daily budget, and the wait after a failure. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from aggregator.drafting.messages import Messages
from aggregator.drafting.settings import Backend, DraftingSettings
from aggregator.storage.ledger import Spent


def budget_refusal(
    spent: Spent, settings: DraftingSettings, backend: str, words: Messages
) -> str | None:
    """Why no more may be spent on `backend` today, in the stub's language; or None."""
    if settings.daily_budget is not None and spent.cost >= settings.daily_budget:
        return words(
            "budget.cost",
            budget=f"{settings.daily_budget:g}",
            backend=backend,
            spent=f"{spent.cost:.4f}",
        )
    units = spent.tokens if backend == Backend.OPENAI else spent.characters
    if settings.daily_units is not None and units >= settings.daily_units:
        unit = words("budget.tokens" if backend == Backend.OPENAI else "budget.characters")
        return words(
            "budget.units", limit=settings.daily_units, unit=unit, backend=backend, used=units
        )
    return None


def next_utc_midnight(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def retry_delay(settings: DraftingSettings, attempts: int) -> timedelta:
    return min(timedelta(minutes=settings.retry_minutes * 2 ** max(attempts, 0)), timedelta(days=1))
