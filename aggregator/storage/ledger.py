"""The backend ledger: every paid backend answer, kept under its idempotency key.

A key is the article's content hash, the backend and model, the prompt version, the target
language and the part. Before calling a backend the drafter looks the key up: a restart or a
retry reuses what was paid for instead of paying again. The same rows give each backend's
spending per UTC day, which the daily budget is checked against. A request whose answer was
of no use (invalid JSON, a failed check, cut off) was paid for all the same: it gets a row of
its own (`SPENT_PART`, no result, a key no lookup asks for), so the budget counts it too.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from aggregator.storage.database import Database
from aggregator.storage.tables import backend_calls

SPENT_PART = "(paid, no usable answer)"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    key: str
    backend: str
    model: str | None
    part: str
    result: str
    item_id: int | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    characters: int = 0
    cost: float | None = None


@dataclass(frozen=True, slots=True)
class Spent:
    cost: float
    tokens: int
    characters: int
    calls: int


def idempotency_key(*parts: str | None) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class Cost(Protocol):
    """What a request cost (`drafting.backends.base.Usage` is one)."""

    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def characters(self) -> int: ...
    @property
    def cost(self) -> float | None: ...


def spending_entry(
    backend: str, model: str | None, item_id: int | None, usage: Cost, asked: Sequence[str]
) -> LedgerEntry:
    """A row for what a request cost when none of its answers could be kept. Its key is new
    every time (the same question may be paid for again after a bad answer); `usage` has
    input_tokens, output_tokens, characters and cost."""
    return LedgerEntry(
        key=idempotency_key("spent", *asked, uuid.uuid4().hex),
        backend=backend,
        model=model,
        part=SPENT_PART,
        result="",
        item_id=item_id,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        characters=usage.characters,
        cost=usage.cost,
    )


class Ledger:
    def __init__(self, store: Database) -> None:
        self.store = store

    def lookup(self, keys: list[str]) -> dict[str, LedgerEntry]:
        if not keys:
            return {}
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(backend_calls).where(backend_calls.c.key.in_(keys)))
            return {r.key: _entry(r) for r in rows}

    def record(self, entries: list[LedgerEntry], now: datetime) -> None:
        """Keep answers as soon as they are paid for, before anything else can fail."""
        if not entries:
            return
        day = now.strftime("%Y-%m-%d")
        with self.store.writing() as conn:
            known = set(
                conn.execute(
                    sa.select(backend_calls.c.key).where(
                        backend_calls.c.key.in_([e.key for e in entries])
                    )
                ).scalars()
            )
            fresh = [
                {
                    "key": e.key,
                    "backend": e.backend,
                    "model": e.model,
                    "day": day,
                    "item_id": e.item_id,
                    "part": e.part,
                    "result": e.result,
                    "input_tokens": e.input_tokens,
                    "output_tokens": e.output_tokens,
                    "characters": e.characters,
                    "cost": e.cost,
                    "created_at": now,
                }
                for e in entries
                if e.key not in known
            ]
            if fresh:
                conn.execute(backend_calls.insert(), fresh)

    def spent(self, backend: str, now: datetime) -> Spent:
        """What `backend` cost on the UTC day of `now`."""
        c = backend_calls.c
        with self.store.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    sa.func.coalesce(sa.func.sum(c.cost), 0.0),
                    sa.func.coalesce(sa.func.sum(c.input_tokens + c.output_tokens), 0),
                    sa.func.coalesce(sa.func.sum(c.characters), 0),
                    sa.func.count(),
                ).where(c.backend == backend, c.day == now.strftime("%Y-%m-%d"))
            ).one()
        return Spent(cost=float(row[0]), tokens=int(row[1]), characters=int(row[2]), calls=row[3])


def _entry(r: sa.Row[Any]) -> LedgerEntry:
    return LedgerEntry(
        key=r.key,
        backend=r.backend,
        model=r.model,
        part=r.part,
        result=r.result,
        item_id=r.item_id,
        input_tokens=r.input_tokens,
        output_tokens=r.output_tokens,
        characters=r.characters,
        cost=r.cost,
    )
