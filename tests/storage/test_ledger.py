"""The backend ledger (`storage/ledger.py`) on SQLite and PostgreSQL: every paid answer kept
under its idempotency key once, looked up by key, and a day's spending summed per backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from aggregator.storage.ledger import (
    Ledger,
    LedgerEntry,
    Spent,
    idempotency_key,
    spending_entry,
)
from aggregator.storage.store import Store
from tests.helpers.storage import NOW, stored_item


def entry(key: str, backend: str = "openai", cost: float | None = 0.5, **more: int) -> LedgerEntry:
    return LedgerEntry(key, backend, "m", "title", f"answer {key}", cost=cost, **more)


def test_idempotency_key_separates_its_parts() -> None:
    assert idempotency_key("ab", "c") != idempotency_key("a", "bc")
    assert idempotency_key("a", None) == idempotency_key("a", "")
    assert idempotency_key("a") != idempotency_key("a", "")
    assert len(idempotency_key()) == 64


@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=5))
def test_idempotency_key_is_a_pure_function_of_its_parts(parts: list[str | None]) -> None:
    assert idempotency_key(*parts) == idempotency_key(*list(parts))
    assert idempotency_key(*parts) != idempotency_key(*parts, "more")


@dataclass
class Usage:
    input_tokens: int = 10
    output_tokens: int = 5
    characters: int = 0
    cost: float | None = 0.25


def test_a_spending_entry_is_new_every_time() -> None:
    one = spending_entry("openai", "m", 7, Usage(), ["title", "summary"])
    two = spending_entry("openai", "m", 7, Usage(), ["title", "summary"])
    assert one.key != two.key
    assert (one.item_id, one.input_tokens, one.output_tokens, one.cost) == (7, 10, 5, 0.25)


def test_recorded_answers_are_kept_once_and_looked_up_by_key(store: Store) -> None:
    ledger = Ledger(store)
    item_id = stored_item(store)
    first = entry("k1", input_tokens=100, output_tokens=20)
    ledger.record([first, entry("k2", item_id=item_id)], NOW)
    ledger.record([entry("k1", cost=9.0)], NOW)  # already paid: the first answer stays
    ledger.record([], NOW)
    found = ledger.lookup(["k1", "k2", "k3"])
    assert set(found) == {"k1", "k2"}
    assert found["k1"] == first
    assert found["k2"].item_id == item_id
    assert ledger.lookup([]) == {}


def test_spent_sums_one_backend_on_one_utc_day(store: Store) -> None:
    ledger = Ledger(store)
    ledger.record([entry("a", input_tokens=100, output_tokens=20), entry("b", cost=None)], NOW)
    ledger.record([entry("c", backend="deepl", characters=300)], NOW)
    ledger.record([entry("d")], NOW + timedelta(days=1))
    assert ledger.spent("openai", NOW) == Spent(cost=0.5, tokens=120, characters=0, calls=2)
    assert ledger.spent("deepl", NOW) == Spent(cost=0.5, tokens=0, characters=300, calls=1)
    assert ledger.spent("openai", NOW + timedelta(days=1)).calls == 1
    assert ledger.spent("libretranslate", NOW) == Spent(0.0, 0, 0, 0)
