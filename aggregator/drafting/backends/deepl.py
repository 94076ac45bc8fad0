"""Translation through the DeepL API (`POST /v2/translate`).

DeepL names languages its own way: English and Portuguese targets need a variant (EN-US,
PT-BR), Chinese targets a script (ZH-HANS, ZH-HANT), while sources take the bare language.
It bills the characters sent, and answers 456 once the period's quota is spent.
"""

from __future__ import annotations

from collections.abc import Mapping

from aggregator.drafting.backends.base import (
    BackendError,
    BackendReply,
    BackendSettings,
    Usage,
    translate_by_characters,
)
from aggregator.drafting.backends.exchange import HttpBackend
from aggregator.drafting.backends.retry import RetryPolicy

FREE_URL = "https://api-free.deepl.com"
PRO_URL = "https://api.deepl.com"
STATUS_NOTES = {
    456: "DeepL character quota for this billing period is used up",
    403: "DeepL refused the request (authentication key, or a free key on the paid host)",
    413: "request too large for DeepL",
}
_TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})
MAX_TEXTS = 50
"""Texts DeepL takes in one request."""


def _subtags(code: str) -> list[str]:
    return code.strip().replace("_", "-").lower().split("-")


def deepl_source(code: str) -> str:
    """DeepL's source language code: the bare language ("en-GB" -> "EN", "no" -> "NB")."""
    language = _subtags(code)[0]
    return "NB" if language in {"no", "nb"} else language.upper()


def deepl_target(code: str) -> str:
    """DeepL's target language code, with the variant it requires for some languages."""
    language, *rest = _subtags(code)
    if language == "en":
        return "EN-GB" if {"gb", "uk"} & set(rest) else "EN-US"
    if language == "pt":
        return "PT-BR" if "br" in rest else "PT-PT"
    if language == "zh":
        return "ZH-HANT" if _TRADITIONAL & set(rest) else "ZH-HANS"
    if language in {"no", "nb"}:
        return "NB"
    return language.upper()


def default_url(api_key: str | None) -> str:
    """Free-plan keys end in ":fx" and are served by another host than paid ones."""
    return PRO_URL if api_key and not api_key.endswith(":fx") else FREE_URL


class DeepL(HttpBackend):
    name = "deepl"

    def __init__(self, settings: BackendSettings, policy: RetryPolicy | None = None) -> None:
        super().__init__(settings, policy)
        base = settings.base_url or default_url(settings.api_key)
        self.url = base.rstrip("/") + "/v2/translate"

    async def translate(
        self, parts: Mapping[str, str], source: str | None, target: str
    ) -> BackendReply:
        async def send(texts: list[str]) -> tuple[object, int]:
            """The texts in requests of at most MAX_TEXTS, their translations joined."""
            headers = {}
            if self.settings.api_key:
                headers["Authorization"] = f"DeepL-Auth-Key {self.settings.api_key}"
            found: list[object] = []
            requests = 0
            for start in range(0, len(texts), MAX_TEXTS):
                batch = texts[start : start + MAX_TEXTS]
                body: dict[str, object] = {"text": batch, "target_lang": deepl_target(target)}
                if source:
                    body["source_lang"] = deepl_source(source)
                try:
                    exchange = await self.post_json(self.url, body, headers, STATUS_NOTES)
                except BackendError as exc:
                    if start:  # the batches before were translated, and billed
                        raise exc.with_partial(self._billed(texts[:start], requests)) from exc
                    raise
                requests += exchange.requests
                items = (
                    exchange.data.get("translations") if isinstance(exchange.data, dict) else None
                )
                found += items if isinstance(items, list) else [None] * len(batch)
            return {"translations": found}, requests

        return await translate_by_characters(
            parts, send, self._read, self.settings.price_per_million_chars
        )

    def _billed(self, sent: list[str], requests: int) -> BackendReply:
        characters = sum(len(text) for text in sent)
        price = self.settings.price_per_million_chars
        cost = characters * price / 1e6 if price is not None else None
        usage = Usage(characters=characters, cost=cost, requests=requests)
        return BackendReply(parts=(), usage=usage, model=None)

    def _read(self, data: object, expected: int) -> list[str]:
        items = data.get("translations") if isinstance(data, dict) else None
        if not isinstance(items, list) or len(items) != expected:
            raise BackendError(
                self.name, f"expected {expected} translations in the reply", retryable=True
            )
        texts = [item.get("text") if isinstance(item, dict) else None for item in items]
        found = [text for text in texts if isinstance(text, str)]
        if len(found) != expected:
            raise BackendError(self.name, "a translation in the reply is not text", retryable=True)
        return found
