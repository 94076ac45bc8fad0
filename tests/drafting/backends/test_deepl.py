"""The DeepL backend against a fake /v2/translate on loopback."""

from __future__ import annotations

import asyncio
from email.utils import formatdate
from typing import Any

import pytest

from aggregator.drafting.backends.base import BackendError, BackendReply, BackendSettings
from aggregator.drafting.backends.deepl import (
    FREE_URL,
    PRO_URL,
    DeepL,
    deepl_source,
    deepl_target,
    default_url,
)
from aggregator.drafting.backends.retry import RetryPolicy
from tests.drafting.backends.conftest import NOW
from tests.drafting.fakes import FakeDeepL, json_reply
from tests.loopback import Loopback

PARTS = {"title": "Storm hits 3 towns", "news_summary": "Mayor Ito said 40 homes flooded."}


@pytest.fixture
def fake(site: Loopback) -> FakeDeepL:
    return FakeDeepL(site)


def translate(
    fake: FakeDeepL,
    policy: RetryPolicy,
    parts: dict[str, str] = PARTS,
    source: str | None = "en",
    target: str = "ja",
    **overrides: Any,
) -> BackendReply:
    base: dict[str, Any] = {
        "backend": "deepl",
        "base_url": fake.base_url,
        "api_key": "deepl-key:fx",
        "timeout": 5.0,
        "max_attempts": 3,
    }
    settings = BackendSettings(**{**base, **overrides})

    async def go() -> BackendReply:
        async with DeepL(settings, policy) as backend:
            return await backend.translate(parts, source, target)

    return asyncio.run(go())


def refused(fake: FakeDeepL, policy: RetryPolicy, **options: Any) -> BackendError:
    with pytest.raises(BackendError) as caught:
        translate(fake, policy, **options)
    return caught.value


def test_each_part_is_translated(fake: FakeDeepL, policy: RetryPolicy) -> None:
    reply = translate(fake, policy)
    assert [(p.name, p.text) for p in reply.parts] == [
        ("title", "[JA] Storm hits 3 towns"),
        ("news_summary", "[JA] Mayor Ito said 40 homes flooded."),
    ]
    assert fake.bodies == [{"text": list(PARTS.values()), "target_lang": "JA", "source_lang": "EN"}]
    assert fake.hits[0].headers["authorization"] == "DeepL-Auth-Key deepl-key:fx"


def test_characters_are_billed(fake: FakeDeepL, policy: RetryPolicy) -> None:
    reply = translate(fake, policy, price_per_million_chars=25.0)
    characters = sum(len(text) for text in PARTS.values())
    assert (reply.usage.characters, reply.usage.requests) == (characters, 1)
    assert reply.usage.cost == pytest.approx(characters * 25.0 / 1e6)
    assert fake.billed == characters


@pytest.mark.parametrize(
    ("target", "sent"),
    [
        ("en", "EN-US"),
        ("en-GB", "EN-GB"),
        ("pt", "PT-PT"),
        ("pt-BR", "PT-BR"),
        ("zh-TW", "ZH-HANT"),
    ],
)
def test_variant_targets_are_accepted(
    fake: FakeDeepL, policy: RetryPolicy, target: str, sent: str
) -> None:
    translate(fake, policy, source="ja", target=target)
    assert fake.bodies[0]["target_lang"] == sent


def test_a_regional_source_is_sent_bare(fake: FakeDeepL, policy: RetryPolicy) -> None:
    translate(fake, policy, source="en-GB", target="de")
    assert fake.bodies[0]["source_lang"] == "EN"


def test_without_a_source_deepl_detects_it(fake: FakeDeepL, policy: RetryPolicy) -> None:
    translate(fake, policy, source=None)
    assert "source_lang" not in fake.bodies[0]


@pytest.mark.parametrize(
    ("code", "target", "source"),
    [
        ("en", "EN-US", "EN"),
        ("en-US", "EN-US", "EN"),
        ("en_GB", "EN-GB", "EN"),
        ("pt", "PT-PT", "PT"),
        ("pt-BR", "PT-BR", "PT"),
        ("zh", "ZH-HANS", "ZH"),
        ("zh-CN", "ZH-HANS", "ZH"),
        ("zh-Hant-TW", "ZH-HANT", "ZH"),
        ("no", "NB", "NB"),
        ("ja", "JA", "JA"),
    ],
)
def test_language_codes(code: str, target: str, source: str) -> None:
    assert (deepl_target(code), deepl_source(code)) == (target, source)


def test_an_unknown_language_is_refused_by_the_server(fake: FakeDeepL, policy: RetryPolicy) -> None:
    error = refused(fake, policy, target="tlh")
    assert (error.retryable, error.status) == (False, 400)
    assert error.detail == "Value for 'target_lang' not supported."


def test_quota_exceeded_is_not_retried(fake: FakeDeepL, policy: RetryPolicy) -> None:
    fake.quota = 10
    error = refused(fake, policy)
    assert (error.retryable, error.status) == (False, 456)
    assert "quota" in error.detail
    assert "Quota exceeded" in error.detail
    assert len(fake.hits) == 1


def test_a_wrong_key_is_not_retried(fake: FakeDeepL, policy: RetryPolicy) -> None:
    error = refused(fake, policy, api_key="other:fx")
    assert (error.retryable, error.status) == (False, 403)
    assert "Authorization failure" in error.detail
    assert len(fake.hits) == 1


def test_too_many_requests_waits_then_succeeds(
    fake: FakeDeepL, policy: RetryPolicy, sleeps: list[float]
) -> None:
    later = formatdate(NOW + 3, usegmt=True)
    fake.faults.append(json_reply(429, {"message": "Too many requests"}, {"Retry-After": later}))
    assert translate(fake, policy).parts[0].text == "[JA] Storm hits 3 towns"
    assert sleeps == [pytest.approx(3.0)]
    assert translate(fake, policy).usage.requests == 1


def test_server_error_then_success(fake: FakeDeepL, policy: RetryPolicy) -> None:
    fake.faults.append(json_reply(503, {"message": "Service unavailable"}))
    assert translate(fake, policy).usage.requests == 2


def test_a_short_reply_is_an_error(fake: FakeDeepL, policy: RetryPolicy) -> None:
    short = {"translations": [{"detected_source_language": "EN", "text": "x"}]}
    fake.faults.append(json_reply(200, short))
    error = refused(fake, policy)
    assert error.retryable
    assert "expected 2 translations" in error.detail


def test_blank_parts_are_not_sent(fake: FakeDeepL, policy: RetryPolicy) -> None:
    reply = translate(fake, policy, parts={"title": "Hi", "lead": ""})
    assert [(p.name, p.text) for p in reply.parts] == [("title", "[JA] Hi"), ("lead", "")]
    assert fake.bodies[0]["text"] == ["Hi"]
    assert reply.usage.characters == 2


def test_nothing_to_translate_sends_nothing(fake: FakeDeepL, policy: RetryPolicy) -> None:
    reply = translate(fake, policy, parts={"lead": "  "})
    assert reply.usage.requests == 0
    assert fake.hits == []


def test_free_keys_go_to_the_free_host() -> None:
    assert default_url("abc:fx") == FREE_URL
    assert default_url("abc") == PRO_URL
    assert default_url(None) == FREE_URL


def test_more_texts_than_one_request_takes_go_in_several(
    fake: FakeDeepL, policy: RetryPolicy
) -> None:
    parts = {f"key_points.{i}": f"Sentence {i}." for i in range(60)}
    reply = translate(fake, policy, parts=parts)
    assert [len(body["text"]) for body in fake.bodies] == [50, 10]  # DeepL takes 50 at most
    assert [p.text for p in reply.parts] == [f"[JA] Sentence {i}." for i in range(60)]
    assert reply.usage.requests == 2


def test_a_refused_second_batch_still_carries_what_the_first_cost(
    fake: FakeDeepL, policy: RetryPolicy
) -> None:
    parts = {f"key_points.{i}": f"Sentence {i}." for i in range(60)}
    first = sum(len(f"Sentence {i}.") for i in range(50))
    fake.quota = first + 5
    error = refused(fake, policy, parts=parts, price_per_million_chars=20.0)
    assert error.status == 456
    assert error.partial is not None
    assert error.partial.usage.characters == first == fake.billed
    assert error.partial.usage.cost == pytest.approx(first * 20.0 / 1e6)
