"""Translation and writing through any OpenAI-compatible chat completions server.

The same code serves api.openai.com and local servers (Ollama, vLLM, llama.cpp, LM Studio),
which differ mostly in the `response_format` they accept; the operator picks it with
`structured_output`. Parts that come back missing or unusable are asked for again, alone,
so a part that succeeded is never paid for twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aggregator.drafting.backends.base import (
    BackendError,
    BackendReply,
    BackendSettings,
    PartResult,
    Usage,
)
from aggregator.drafting.backends.completion import read_completion
from aggregator.drafting.backends.exchange import HttpBackend
from aggregator.drafting.backends.prompts import (
    PROMPT_VERSION,
    drafting_messages,
    response_format,
    translation_messages,
    writing_messages,
)
from aggregator.drafting.backends.retry import RetryPolicy
from aggregator.drafting.settings import StructuredOutput

DEFAULT_URL = "https://api.openai.com/v1"

Messages = Callable[[Mapping[str, str]], list[dict[str, str]]]


class OpenAICompatible(HttpBackend):
    name = "openai"
    prompt_version = PROMPT_VERSION

    def __init__(self, settings: BackendSettings, policy: RetryPolicy | None = None) -> None:
        choices = [s.value for s in StructuredOutput]
        if settings.structured_output not in choices:
            raise BackendError(
                self.name,
                f"structured_output {settings.structured_output!r} is not one of "
                + ", ".join(choices),
                retryable=False,
            )
        if not settings.model:
            raise BackendError(self.name, "a model name is required", retryable=False)
        super().__init__(settings, policy)
        self.url = (settings.base_url or DEFAULT_URL).rstrip("/") + "/chat/completions"

    async def translate(
        self,
        parts: Mapping[str, str],
        source: str | None,
        target: str,
        *,
        idempotency_key: str | None = None,
    ) -> BackendReply:
        def messages(subset: Mapping[str, str]) -> list[dict[str, str]]:
            return translation_messages(subset, source, target)

        return await self._ask(parts, messages, idempotency_key, blank_is_empty=True)

    async def write(
        self,
        parts: Mapping[str, str],
        source_text: str,
        source: str | None,
        target: str,
        *,
        idempotency_key: str | None = None,
    ) -> BackendReply:
        def messages(subset: Mapping[str, str]) -> list[dict[str, str]]:
            return writing_messages(subset, source_text, source, target)

        return await self._ask(parts, messages, idempotency_key, blank_is_empty=False)

    async def draft(
        self,
        texts: Mapping[str, str],
        instructions: Mapping[str, str],
        source_text: str,
        source: str | None,
        target: str,
        *,
        idempotency_key: str | None = None,
    ) -> BackendReply:
        """Translate `texts` and write the parts of `instructions` in one request; the keys of
        both are the reply's keys, so they must differ."""
        wanted = {**texts, **instructions}

        def messages(subset: Mapping[str, str]) -> list[dict[str, str]]:
            return drafting_messages(
                {n: t for n, t in subset.items() if n in texts},
                {n: t for n, t in subset.items() if n in instructions},
                source_text,
                source,
                target,
            )

        return await self._ask(wanted, messages, idempotency_key, blank_is_empty=True)

    async def _ask(
        self,
        wanted: Mapping[str, str],
        messages: Messages,
        idempotency_key: str | None,
        *,
        blank_is_empty: bool,
    ) -> BackendReply:
        """Ask for the parts in rounds, each round only for those still missing.

        A blank text translates to itself without asking, when `blank_is_empty`.
        """
        texts = {n: "" for n, text in wanted.items() if blank_is_empty and not text.strip()}
        errors: dict[str, str] = {}
        tally = Usage()
        model: str | None = None
        pending = [name for name in wanted if name not in texts]
        for round_number in range(1, max(1, self.settings.max_attempts) + 1):
            if not pending:
                break
            body = self._body(messages({name: wanted[name] for name in pending}), pending)
            headers = self._headers(body, idempotency_key, round_number)
            try:
                exchange = await self.post_json(self.url, body, headers)
            except BackendError as exc:
                failed = {**errors, **dict.fromkeys(pending, exc.detail)}
                raise exc.with_partial(self._reply(wanted, texts, failed, tally, model)) from exc
            completion = read_completion(exchange.data, pending)
            model = completion.model or model
            tally = tally.plus(
                Usage(
                    input_tokens=completion.input_tokens,
                    output_tokens=completion.output_tokens,
                    requests=exchange.requests,
                )
            )
            texts.update(completion.texts)
            errors.update(completion.errors)
            pending = [name for name in pending if name not in texts]
        return self._reply(wanted, texts, errors, tally, model)

    def _body(self, messages: list[dict[str, str]], names: Sequence[str]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": 0,
            "stream": False,
        }
        requested_format = response_format(self.settings.structured_output, names)
        if requested_format is not None:
            body["response_format"] = requested_format
        return body

    def _headers(
        self, body: Mapping[str, Any], idempotency_key: str | None, round_number: int
    ) -> dict[str, str]:
        if idempotency_key is None:
            canonical = json.dumps(body, sort_keys=True, ensure_ascii=False)
            digest = hashlib.sha256(f"{round_number}\n{canonical}".encode()).hexdigest()
            key = f"aggregator-{digest[:40]}"
        else:
            key = idempotency_key if round_number == 1 else f"{idempotency_key}-{round_number}"
        headers = {"Idempotency-Key": key}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        return headers

    def _reply(
        self,
        order: Mapping[str, str],
        texts: Mapping[str, str],
        errors: Mapping[str, str],
        tally: Usage,
        model: str | None,
    ) -> BackendReply:
        parts = tuple(
            PartResult(name, texts[name])
            if name in texts
            else PartResult(name, None, errors.get(name, "not answered"))
            for name in order
        )
        return BackendReply(parts=parts, usage=self._priced(tally), model=model)

    def _priced(self, tally: Usage) -> Usage:
        price_in = self.settings.price_input_per_million
        price_out = self.settings.price_output_per_million
        if price_in is None and price_out is None:
            return tally
        cost = (
            tally.input_tokens * (price_in or 0.0) + tally.output_tokens * (price_out or 0.0)
        ) / 1e6
        return Usage(
            input_tokens=tally.input_tokens,
            output_tokens=tally.output_tokens,
            characters=tally.characters,
            cost=cost,
            requests=tally.requests,
        )
