"""The LibreTranslate backend against a fake /translate on loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aggregator.drafting.backends.base import BackendError, BackendReply, BackendSettings
from aggregator.drafting.backends.libretranslate import LibreTranslate, libre_language
from aggregator.drafting.backends.retry import RetryPolicy
from tests.drafting.fakes import FakeLibreTranslate, json_reply
from tests.loopback import Loopback, Reply

PARTS = {"title": "Storm hits 3 towns", "news_summary": "Mayor Ito said 40 homes flooded."}


@pytest.fixture
def fake(site: Loopback) -> FakeLibreTranslate:
    return FakeLibreTranslate(site)


def translate(
    fake: FakeLibreTranslate,
    policy: RetryPolicy,
    source: str | None = "en",
    target: str = "ja",
    **overrides: Any,
) -> BackendReply:
    base: dict[str, Any] = {
        "backend": "libretranslate",
        "base_url": fake.base_url,
        "timeout": 5.0,
        "max_attempts": 3,
    }
    settings = BackendSettings(**{**base, **overrides})

    async def go() -> BackendReply:
        async with LibreTranslate(settings, policy) as backend:
            return await backend.translate(PARTS, source, target)

    return asyncio.run(go())


def refused(fake: FakeLibreTranslate, policy: RetryPolicy, **options: Any) -> BackendError:
    with pytest.raises(BackendError) as caught:
        translate(fake, policy, **options)
    return caught.value


def test_parts_go_as_one_list(fake: FakeLibreTranslate, policy: RetryPolicy) -> None:
    reply = translate(fake, policy, price_per_million_chars=10.0)
    assert [(p.name, p.text) for p in reply.parts] == [
        ("title", "<ja> Storm hits 3 towns"),
        ("news_summary", "<ja> Mayor Ito said 40 homes flooded."),
    ]
    assert fake.bodies == [
        {"q": list(PARTS.values()), "source": "en", "target": "ja", "format": "text"}
    ]
    characters = sum(len(text) for text in PARTS.values())
    assert reply.usage.characters == characters
    assert reply.usage.cost == pytest.approx(characters * 10.0 / 1e6)


def test_without_a_source_it_detects(fake: FakeLibreTranslate, policy: RetryPolicy) -> None:
    translate(fake, policy, source=None)
    assert fake.bodies[0]["source"] == "auto"


def test_the_key_travels_in_the_body(site: Loopback, policy: RetryPolicy) -> None:
    fake = FakeLibreTranslate(site, keys=frozenset({"k-1"}))
    assert translate(fake, policy, api_key="k-1").parts[0].text
    assert fake.bodies[0]["api_key"] == "k-1"


def test_a_wrong_key_is_not_retried(site: Loopback, policy: RetryPolicy) -> None:
    fake = FakeLibreTranslate(site, keys=frozenset({"k-1"}))
    error = refused(fake, policy, api_key="k-2")
    assert (error.retryable, error.status, error.detail) == (False, 403, "Invalid API key")
    assert len(fake.hits) == 1


def test_an_unsupported_language_is_not_retried(
    fake: FakeLibreTranslate, policy: RetryPolicy
) -> None:
    error = refused(fake, policy, target="tlh")
    assert (error.retryable, error.status, error.detail) == (False, 400, "tlh is not supported")


@pytest.mark.parametrize(
    ("code", "sent"),
    [("zh-TW", "zt"), ("zh-Hans", "zh"), ("pt-BR", "pb"), ("pt-PT", "pt"), ("no", "nb")],
)
def test_its_own_language_codes(
    fake: FakeLibreTranslate, policy: RetryPolicy, code: str, sent: str
) -> None:
    assert libre_language(code) == sent
    translate(fake, policy, target=code)
    assert fake.bodies[0]["target"] == sent


def test_slow_down_then_success(
    fake: FakeLibreTranslate, policy: RetryPolicy, sleeps: list[float]
) -> None:
    fake.faults.append(json_reply(429, {"error": "Too many request limits violations"}))
    assert translate(fake, policy).usage.requests == 2
    assert sleeps == [0.5]


def test_translation_error_then_success(fake: FakeLibreTranslate, policy: RetryPolicy) -> None:
    fake.faults.append(json_reply(500, {"error": "Cannot translate text: model crashed"}))
    assert translate(fake, policy).parts[1].text == "<ja> Mayor Ito said 40 homes flooded."


def test_persistent_errors_end_retryable(fake: FakeLibreTranslate, policy: RetryPolicy) -> None:
    fake.faults += [json_reply(500, {"error": "Cannot translate text: model crashed"})] * 3
    error = refused(fake, policy)
    assert (error.retryable, error.status) == (True, 500)
    assert error.detail == "Cannot translate text: model crashed"


def test_a_slow_server_times_out(fake: FakeLibreTranslate, policy: RetryPolicy) -> None:
    fake.faults += [Reply(200, body=b"{}", delay=1.0)] * 2
    error = refused(fake, policy, timeout=0.15, max_attempts=2)
    assert error.retryable
    assert "no reply" in error.detail
    assert len(fake.hits) == 2


def test_a_reply_of_the_wrong_length_is_an_error(
    fake: FakeLibreTranslate, policy: RetryPolicy
) -> None:
    fake.faults.append(json_reply(200, {"translatedText": "one string for two texts"}))
    assert "expected 2 translated texts" in refused(fake, policy).detail
