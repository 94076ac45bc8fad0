"""Drafting with each backend, through the whole app, against loopback servers that speak the
real protocols: translations stored, failures recorded, never paid twice, budgets respected."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aggregator.app import App
from aggregator.config import Config
from aggregator.drafting.backends.retry import RetryPolicy
from tests.drafting.fakes import Answer, FakeDeepL, FakeLibreTranslate, FakeOpenAI, json_reply
from tests.helpers.drafting import ENV, KEY, Run, drafting, ledger_rows, serve
from tests.loopback import Loopback

STORY_CHARACTERS = 1_000
"""More than the texts a reader sees of one story (about 700 characters), less than both."""


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def policy(sleeps: list[float]) -> RetryPolicy:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    return RetryPolicy(base_delay=0.01, max_delay=5.0, sleep=record)


@pytest.fixture
def openai(site: Loopback) -> FakeOpenAI:
    serve(site)
    return FakeOpenAI(site)


def test_openai_translates_and_drafts_commentary_once(
    site: Loopback, openai: FakeOpenAI, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    extra = drafting(
        "openai",
        openai.base_url,
        model="fake-model-2024",
        api_key_env="TEST_OPENAI_KEY",
        price_input_per_million=1.0,
        price_output_per_million=2.0,
    )
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="ja")
    run = Run(config, policy, ENV)
    stubs = run()
    assert set(stubs) == {"dam", "vote"}
    stub = stubs["dam"]
    title, summary = stub.part("title"), stub.part("news_summary")
    assert title is not None
    assert summary is not None
    assert title.kind == "machine_draft"
    assert title.content == "«Floods close the river port»"
    assert title.original == "Floods close the river port"
    assert title.by == "openai:fake-model-2024"
    assert summary.kind == "machine_draft"
    assert summary.original
    assert summary.pending is None
    assert summary.content == f"«{summary.original}»"
    assert summary.flags == ()
    for name in ("expert_analysis", "summary"):
        part = stub.part(name)
        assert part is not None
        assert part.kind == "machine_draft"
        assert part.content
    assert stub.provenance.backends[-1] == "openai:fake-model-2024"
    assert stub.provenance.usage["input_tokens"] > 0
    assert stub.provenance.usage["cost"] > 0
    assert stub.pending is None
    assert stub.errors == ()
    requests = len(openai.bodies)
    assert requests == 2  # per stub: one request, translations and commentary together
    assert set(openai.requested_parts(0)) >= {"title", "news_summary", "summary"}
    translated_entries = {
        (each.item_id, part.name, entry.original)
        for each in stubs.values()
        for part in each.parts
        for entry in part.entries
        if entry.original is not None
    }
    key_points = stub.part("key_points")
    assert key_points is not None
    assert key_points.kind == "machine_draft"
    assert all(e.text == f"«{e.original}»" for e in key_points.entries)
    # one row per title, summary, translated entry and commentary part: each kept on its own
    assert len(ledger_rows(config)) == 2 * 4 + len(translated_entries)

    rows = len(ledger_rows(config))
    again = run(redo=True)  # a full redraft reuses what was paid for
    # A redraft may meet new texts (a related article found since): only those are asked,
    # each a new row; a piece asked again under a known key would add none.
    asked = sum(len(openai.requested_parts(i)) for i in range(requests, len(openai.bodies)))
    assert len(ledger_rows(config)) >= rows + asked  # more: one answer kept for two pieces
    assert again["dam"].part("title") == title


def test_only_the_failed_part_is_asked_again_and_invented_figures_are_flagged(
    site: Loopback, openai: FakeOpenAI, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    def drop_summary(answer: Answer) -> None:
        answer.content.pop("news_summary")

    def invent(answer: Answer) -> None:
        answer.content["news_summary"] = "Rain raised the river by 9.9 metres, said Boris Novak."

    openai.tweaks += [drop_summary, invent]
    extra = drafting("openai", openai.base_url, model="m", write_commentary=False, **KEY)
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="ja")
    stubs = Run(config, policy, ENV)()
    assert openai.requested_parts(1) == {"news_summary": openai.requested_parts(0)["news_summary"]}
    first = [s for s in stubs.values() if s.part("news_summary").content.startswith("Rain")]  # type: ignore[union-attr]
    (stub,) = first
    flags = stub.part("news_summary").flags  # type: ignore[union-attr]
    assert any("9.9" in f for f in flags)
    assert any("Boris Novak" in f for f in flags)


def test_a_rate_limited_backend_leaves_the_stub_pending_then_finishes_it(
    site: Loopback, openai: FakeOpenAI, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    limited = json_reply(429, openai.error("Rate limit reached"), {"Retry-After": "600"})
    openai.faults += [limited]
    extra = drafting("openai", openai.base_url, model="m", write_commentary=False, **KEY)
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="ja")
    run = Run(config, policy, ENV)
    stubs = run()
    pending = [s for s in stubs.values() if s.pending]
    (stub,) = pending
    assert "429" in stub.pending
    assert "UTCに再試行します" in stub.pending  # said in the stub's language
    assert stub.errors
    assert "Rate limit reached" in stub.errors[0]
    assert stub.part("title").kind == "prepared"  # type: ignore[union-attr]
    assert stub.part("title").pending == "translation pending (en -> ja)"  # type: ignore[union-attr]
    paid = len(openai.bodies)
    run.clock.advance(hours=1)
    stubs = run()
    assert all(s.pending is None for s in stubs.values())
    assert len(openai.bodies) == paid + 1  # only the stub that failed


def test_the_daily_budget_stops_spending_until_the_next_day(
    site: Loopback, openai: FakeOpenAI, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    extra = drafting(
        "openai",
        openai.base_url,
        model="m",
        write_commentary=False,
        daily_units=1,
        **KEY,
    )
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="ja")
    run = Run(config, policy, ENV)
    stubs = run()
    assert len(openai.bodies) == 1  # the first stub spends the day's allowance
    (waiting,) = [s for s in stubs.values() if s.pending]
    assert "openaiの1日の上限1トークンに達しました" in waiting.pending  # type: ignore[operator]
    run.clock.advance(hours=24)
    stubs = run()
    assert len(openai.bodies) == 2
    assert all(s.pending is None for s in stubs.values())


def test_deepl_translates_and_an_exhausted_quota_is_recorded(
    site: Loopback, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    serve(site)
    deepl = FakeDeepL(site, key="k:fx", quota=STORY_CHARACTERS)
    extra = drafting("deepl", deepl.base_url, api_key_env="TEST_DEEPL_KEY")
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="ja")
    stubs = Run(config, policy, {"TEST_DEEPL_KEY": "k:fx"})()
    done = [s for s in stubs.values() if s.pending is None]
    failed = [s for s in stubs.values() if s.pending]
    assert len(done) == len(failed) == 1
    assert done[0].part("title").content.startswith("[JA] ")  # type: ignore[union-attr]
    assert 0 < done[0].provenance.usage["characters"] == deepl.billed <= STORY_CHARACTERS
    assert "Quota exceeded" in failed[0].pending
    assert "draft --redo" in failed[0].pending


def test_libretranslate_translates_the_title_and_summary(
    site: Loopback, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    serve(site)
    libre = FakeLibreTranslate(site)
    extra = drafting("libretranslate", libre.base_url)
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="fr")
    stubs = Run(config, policy, {})()
    for stub in stubs.values():
        assert stub.part("title").kind == "machine_draft"  # type: ignore[union-attr]
        assert stub.part("news_summary").by == "libretranslate"  # type: ignore[union-attr]


def test_a_missing_api_key_variable_is_a_config_error(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    from aggregator.errors import ConfigError

    extra = drafting("deepl", "https://api-free.deepl.com", api_key_env="NOT_SET_ANYWHERE")
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra)
    with pytest.raises(ConfigError, match=r"\[drafting\]\.api_key_env.*NOT_SET_ANYWHERE"):
        App(config, environ={})
