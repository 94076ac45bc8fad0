"""The daily budget counts every request sent, whatever became of its answer.

A reply that is paid for but unusable (the model's message is not JSON, a part is missing,
the reply was cut off at the token limit) still costs what its `usage` says; the ledger keeps
that spending so the budget stops the calls, as it does for answers that were usable.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from aggregator.config import Config
from aggregator.drafting.backends.retry import RetryPolicy
from aggregator.storage.ledger import SPENT_PART
from tests.drafting.fakes import Answer, FakeOpenAI
from tests.helpers.drafting import ENV, KEY, Run, drafting, ledger_rows, serve
from tests.loopback import Loopback

PRICE_IN, PRICE_OUT = 50.0, 100.0
"""Per million tokens: a request of the test stories costs about 0.03."""


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def policy() -> RetryPolicy:
    return RetryPolicy(base_delay=0.01, max_delay=5.0, sleep=_no_sleep)


def garbage(answer: Answer) -> None:
    answer.text = '{"title": "unfinished'


def cut_off(answer: Answer) -> None:
    answer.finish_reason = "length"


def cost(usage: tuple[int, int]) -> float:
    return (usage[0] * PRICE_IN + usage[1] * PRICE_OUT) / 1e6


def budget_config(
    site: Loopback, openai: FakeOpenAI, make_config: Callable[..., Config], budget: float
) -> Config:
    extra = drafting(
        "openai",
        openai.base_url,
        model="m",
        write_commentary=False,
        max_attempts=1,
        retry_minutes=1,
        price_input_per_million=PRICE_IN,
        price_output_per_million=PRICE_OUT,
        daily_budget=budget,
        **KEY,
    )
    return make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="ja")


@pytest.mark.parametrize("spoil", [garbage, cut_off], ids=["invalid-json", "cut-off"])
def test_unusable_paid_replies_count_and_the_calls_stop_at_the_budget(
    site: Loopback,
    make_config: Callable[..., Config],
    policy: RetryPolicy,
    spoil: Callable[[Answer], None],
) -> None:
    serve(site)
    openai = FakeOpenAI(site)
    openai.tweaks += [spoil] * 50
    budget = 0.07
    config = budget_config(site, openai, make_config, budget)
    run = Run(config, policy, ENV)
    for _ in range(8):  # the stubs fail, and are tried again a few minutes later
        stubs = run()
        run.clock.advance(minutes=90)
    costs = [cost(usage) for usage in openai.usages]
    sent = len(openai.bodies)
    assert sent == len(costs) >= 2
    assert sum(costs[:-1]) < budget <= sum(costs)  # the request that crossed it was the last
    rows = ledger_rows(config)
    assert all(row.part == SPENT_PART and row.result == "" for row in rows)
    recorded = sum(row.cost for row in rows)
    assert recorded == pytest.approx(sum(costs))
    assert sum(row.input_tokens for row in rows) == sum(u[0] for u in openai.usages)
    for stub in stubs.values():
        assert stub.pending is not None
        assert stub.part("title").kind == "prepared"  # type: ignore[union-attr]
    assert any("openaiの1日の予算0.07に達しました" in (s.pending or "") for s in stubs.values())


def test_a_usable_answer_after_a_bad_one_is_recorded_once_with_its_cost(
    site: Loopback, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    serve(site)
    openai = FakeOpenAI(site)
    openai.tweaks += [garbage]  # the first request is spoilt, the rest answer well
    config = budget_config(site, openai, make_config, 10.0)
    run = Run(config, policy, ENV)
    run()
    run.clock.advance(minutes=90)
    stubs = run()
    assert all(s.pending is None for s in stubs.values())
    rows = ledger_rows(config)
    spent = [row for row in rows if row.part == SPENT_PART]
    assert len(spent) == 1
    assert sum(row.cost or 0.0 for row in rows) == pytest.approx(
        sum(cost(u) for u in openai.usages)
    )
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            keys = conn.execute(sa.text("SELECT count(DISTINCT key) FROM backend_calls")).scalar()
    finally:
        engine.dispose()
    assert keys == len(rows)
