"""The OpenAI-compatible backend against a fake chat completions server on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from aggregator.drafting.backends.base import (
    BackendError,
    BackendReply,
    BackendSettings,
    PartResult,
)
from aggregator.drafting.backends.openai import OpenAICompatible
from aggregator.drafting.backends.retry import RetryPolicy
from tests.drafting.fakes import Answer, FakeOpenAI, json_reply, translated
from tests.loopback import Loopback, Reply

T = TypeVar("T")
PARTS = {"title": "Storm hits 3 towns", "news_summary": "Mayor Ito said 40 homes flooded."}


@pytest.fixture
def fake(site: Loopback) -> FakeOpenAI:
    return FakeOpenAI(site)


def settings(fake: FakeOpenAI, **overrides: Any) -> BackendSettings:
    base: dict[str, Any] = {
        "backend": "openai",
        "base_url": fake.base_url,
        "model": "fake-model",
        "api_key": "sk-test",
        "timeout": 5.0,
        "max_attempts": 3,
    }
    return BackendSettings(**{**base, **overrides})


def use(
    fake: FakeOpenAI,
    policy: RetryPolicy,
    call: Callable[[OpenAICompatible], Awaitable[T]],
    **overrides: Any,
) -> T:
    async def go() -> T:
        async with OpenAICompatible(settings(fake, **overrides), policy) as backend:
            return await call(backend)

    return asyncio.run(go())


def translate(fake: FakeOpenAI, policy: RetryPolicy, **overrides: Any) -> BackendReply:
    return use(fake, policy, lambda b: b.translate(PARTS, "en", "ja"), **overrides)


def refused(fake: FakeOpenAI, policy: RetryPolicy, **overrides: Any) -> BackendError:
    with pytest.raises(BackendError) as caught:
        translate(fake, policy, **overrides)
    return caught.value


def drop(*names: str) -> Callable[[Answer], None]:
    def tweak(answer: Answer) -> None:
        for name in names:
            del answer.content[name]

    return tweak


def test_each_part_is_translated(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    reply = translate(fake, policy)
    assert reply.parts == tuple(PartResult(n, translated(t)) for n, t in PARTS.items())
    assert reply.model == "fake-model-2024"
    assert reply.text("title") == translated(PARTS["title"])


def test_the_request_is_what_the_api_expects(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    translate(fake, policy)
    body = fake.bodies[0]
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    assert "Japanese (ja)" in body["messages"][0]["content"]
    assert fake.requested_parts(0) == PARTS
    headers = fake.hits[0].headers
    assert headers["authorization"] == "Bearer sk-test"
    assert headers["idempotency-key"].startswith("aggregator-")


def test_json_schema_output(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.formats = frozenset({"text", "json_schema"})
    assert translate(fake, policy, structured_output="json_schema").text("title")
    schema = fake.bodies[0]["response_format"]["json_schema"]["schema"]
    assert schema["required"] == list(PARTS)


def test_prompt_only_output(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    assert translate(fake, policy, structured_output="none").text("title")
    assert "response_format" not in fake.bodies[0]


def test_a_server_without_json_object_mode_says_so(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.formats = frozenset({"text", "json_schema"})
    error = refused(fake, policy)
    assert (error.retryable, error.status) == (False, 400)
    assert "response_format.type" in error.detail
    assert len(fake.hits) == 1


def test_unknown_structured_output_is_refused_up_front(fake: FakeOpenAI) -> None:
    with pytest.raises(BackendError, match="structured_output"):
        OpenAICompatible(settings(fake, structured_output="grammar"))


def test_no_key_no_authorization_header(site: Loopback, policy: RetryPolicy) -> None:
    open_fake = FakeOpenAI(site, key=None)
    translate(open_fake, policy, api_key=None)
    assert "authorization" not in open_fake.hits[0].headers


def test_a_wrong_key_is_not_retried(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    error = refused(fake, policy, api_key="sk-wrong")
    assert (error.retryable, error.status) == (False, 401)
    assert "Incorrect API key provided" in error.detail
    assert "invalid_api_key" in error.detail
    assert len(fake.hits) == 1


def test_only_the_missing_part_is_asked_again(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.tweaks.append(drop("news_summary"))
    reply = translate(fake, policy)
    assert [p.text for p in reply.parts] == [translated(t) for t in PARTS.values()]
    assert len(fake.bodies) == 2
    assert fake.requested_parts(1) == {"news_summary": PARTS["news_summary"]}
    assert fake.bodies[1]["response_format"] == {"type": "json_object"}


def test_usage_and_cost_are_summed_over_every_call(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.tweaks.append(drop("title"))
    reply = translate(fake, policy, price_input_per_million=2.0, price_output_per_million=8.0)
    prompt = sum(p for p, _ in fake.usages)
    completion = sum(c for _, c in fake.usages)
    assert len(fake.usages) == 2
    assert (reply.usage.input_tokens, reply.usage.output_tokens) == (prompt, completion)
    assert reply.usage.requests == 2
    assert reply.usage.cost == pytest.approx((prompt * 2.0 + completion * 8.0) / 1e6)


def test_no_prices_no_cost(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    assert translate(fake, policy).usage.cost is None


def test_a_truncated_reply_is_asked_again(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    def cut(answer: Answer) -> None:
        answer.finish_reason = "length"
        answer.text = json.dumps(answer.content)[:20]

    fake.tweaks.append(cut)
    reply = translate(fake, policy)
    assert all(part.text for part in reply.parts)
    assert fake.requested_parts(1) == PARTS


def test_fenced_content_is_read(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    def fence(answer: Answer) -> None:
        answer.text = "```json\n" + json.dumps(answer.content, indent=2) + "\n```"

    fake.tweaks.append(fence)
    assert translate(fake, policy).text("title") == translated(PARTS["title"])
    assert len(fake.bodies) == 1


def test_empty_choices_are_asked_again(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    def empty(answer: Answer) -> None:
        answer.no_choices = True

    fake.tweaks.append(empty)
    assert translate(fake, policy).text("title")
    assert len(fake.bodies) == 2


def test_a_part_that_never_comes_fails_alone(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.tweaks += [drop("title")] * 3
    reply = translate(fake, policy)
    assert reply.parts[0] == PartResult("title", None, "missing from the reply")
    assert reply.parts[1].text == translated(PARTS["news_summary"])
    assert [len(fake.requested_parts(i)) for i in range(3)] == [2, 1, 1]
    assert reply.usage.requests == 3


def test_a_malformed_body_is_asked_again(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.faults.append(Reply(200, {"Content-Type": "application/json"}, b'{"id": "chatc'))
    assert translate(fake, policy).text("title")
    assert len(fake.hits) == 2


def test_rate_limit_then_success(
    fake: FakeOpenAI, policy: RetryPolicy, sleeps: list[float]
) -> None:
    limited = {"error": {"message": "Rate limit reached", "type": "requests", "code": None}}
    fake.faults.append(json_reply(429, limited, {"Retry-After": "2", "retry-after-ms": "1750"}))
    assert translate(fake, policy).text("title")
    assert sleeps == [1.75]


def test_server_error_then_success_keeps_the_idempotency_key(
    fake: FakeOpenAI, policy: RetryPolicy, sleeps: list[float]
) -> None:
    fake.faults.append(json_reply(500, {"error": {"message": "boom", "type": "server_error"}}))
    assert translate(fake, policy).text("title")
    first, second = (hit.headers["idempotency-key"] for hit in fake.hits)
    assert first == second
    assert sleeps == [0.5]


def test_idempotency_keys_differ_between_rounds(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.tweaks.append(drop("title"))
    use(fake, policy, lambda b: b.translate(PARTS, "en", "ja", idempotency_key="item-7"))
    assert [hit.headers["idempotency-key"] for hit in fake.hits] == ["item-7", "item-7-2"]


def test_derived_idempotency_keys_differ_between_rounds(
    fake: FakeOpenAI, policy: RetryPolicy
) -> None:
    fake.tweaks.append(lambda answer: answer.content.clear())
    translate(fake, policy)
    first, second = (hit.headers["idempotency-key"] for hit in fake.hits)
    assert first != second


def test_a_failure_after_some_parts_keeps_them(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    fake.tweaks.append(drop("news_summary"))
    fake.faults += [None, json_reply(403, {"error": {"message": "Country not supported"}})]
    error = refused(fake, policy)
    assert error.partial is not None
    assert error.partial.parts[0].text == translated(PARTS["title"])
    assert error.partial.parts[1] == PartResult("news_summary", None, "Country not supported")
    assert error.partial.usage.requests == 1
    assert error.partial.usage.input_tokens == fake.usages[0][0]


def test_blank_parts_are_not_sent(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    reply = use(fake, policy, lambda b: b.translate({"title": "Hi", "lead": " "}, "en", "ja"))
    assert reply.parts == (PartResult("title", translated("Hi")), PartResult("lead", ""))
    assert fake.requested_parts(0) == {"title": "Hi"}


def test_write_drafts_each_part_from_the_source(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    instructions = {"expert_analysis": "One paragraph.", "summary": "Two sentences."}
    source_text = "The storm flooded 40 homes, Mayor Ito said."
    reply = use(fake, policy, lambda b: b.write(instructions, source_text, "en", "ja"))
    assert reply.parts == (
        PartResult("expert_analysis", f"expert_analysis from {len(source_text)} chars"),
        PartResult("summary", f"summary from {len(source_text)} chars"),
    )
    system, user = fake.bodies[0]["messages"]
    assert "only facts stated in the source text" in system["content"]
    assert "Write in Japanese (ja)" in system["content"]
    assert json.loads(user["content"])["source_text"] == source_text


def test_write_asks_again_for_the_missing_part_only(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    instructions = {"expert_analysis": "One paragraph.", "summary": "Two sentences."}
    fake.tweaks.append(drop("summary"))
    reply = use(fake, policy, lambda b: b.write(instructions, "Text.", None, "fr"))
    assert all(part.text for part in reply.parts)
    assert fake.requested_parts(1) == {"summary": "Two sentences."}
    assert json.loads(fake.bodies[1]["messages"][1]["content"])["source_text"] == "Text."


def test_draft_translates_and_writes_in_one_request(fake: FakeOpenAI, policy: RetryPolicy) -> None:
    texts = {"title": "Storm floods town", "key_points.0": "40 homes were flooded."}
    instructions = {"summary": "Two sentences."}
    source_text = "The storm flooded 40 homes, Mayor Ito said."
    reply = use(fake, policy, lambda b: b.draft(texts, instructions, source_text, "en", "ja"))
    assert reply.parts == (
        PartResult("title", translated("Storm floods town")),
        PartResult("key_points.0", translated("40 homes were flooded.")),
        PartResult("summary", f"summary from {len(source_text)} chars"),
    )
    assert len(fake.bodies) == 1
    system, user = fake.bodies[0]["messages"]
    assert "Translate every value" in system["content"]
    assert "only facts stated in the source text" in system["content"]
    assert json.loads(user["content"]) == {
        "translate": texts,
        "source_text": source_text,
        "write": instructions,
    }


def test_draft_asks_again_for_a_missing_translation_only(
    fake: FakeOpenAI, policy: RetryPolicy
) -> None:
    texts = {"title": "Storm floods town", "news_summary": "It rained."}
    fake.tweaks.append(drop("title"))
    reply = use(fake, policy, lambda b: b.draft(texts, {"summary": "Two."}, "Text.", "en", "ja"))
    assert all(part.text for part in reply.parts)
    assert json.loads(fake.bodies[1]["messages"][1]["content"]) == {
        "translate": {"title": "Storm floods town"},
        "source_text": "Text.",
        "write": {},
    }
