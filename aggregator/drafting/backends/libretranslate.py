"""Translation through a LibreTranslate server (`POST /translate`), often self-hosted.

All parts go in one request as a list `q`, and come back as a list in the same order.
LibreTranslate's codes are mostly ISO 639-1, with its own "zt" for traditional Chinese and
"pb" for Brazilian Portuguese.
"""

from __future__ import annotations

from collections.abc import Mapping

from aggregator.drafting.backends.base import (
    BackendError,
    BackendReply,
    BackendSettings,
    translate_by_characters,
)
from aggregator.drafting.backends.exchange import HttpBackend
from aggregator.drafting.backends.retry import RetryPolicy

DEFAULT_URL = "http://127.0.0.1:5000"
_TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})


def libre_language(code: str) -> str:
    """LibreTranslate's code for a BCP 47 tag ("zh-TW" -> "zt", "pt-BR" -> "pb")."""
    language, *rest = code.strip().replace("_", "-").lower().split("-")
    if language == "zh":
        return "zt" if _TRADITIONAL & set(rest) else "zh"
    if language == "pt" and "br" in rest:
        return "pb"
    if language == "no":
        return "nb"
    return language


class LibreTranslate(HttpBackend):
    name = "libretranslate"

    def __init__(self, settings: BackendSettings, policy: RetryPolicy | None = None) -> None:
        super().__init__(settings, policy)
        self.url = (settings.base_url or DEFAULT_URL).rstrip("/") + "/translate"

    async def translate(
        self, parts: Mapping[str, str], source: str | None, target: str
    ) -> BackendReply:
        async def send(texts: list[str]) -> tuple[object, int]:
            body: dict[str, object] = {
                "q": texts,
                "source": libre_language(source) if source else "auto",
                "target": libre_language(target),
                "format": "text",
            }
            if self.settings.api_key:
                body["api_key"] = self.settings.api_key
            exchange = await self.post_json(self.url, body)
            return exchange.data, exchange.requests

        return await translate_by_characters(
            parts, send, self._read, self.settings.price_per_million_chars
        )

    def _read(self, data: object, expected: int) -> list[str]:
        found = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(found, str) and expected == 1:
            found = [found]
        if (
            not isinstance(found, list)
            or len(found) != expected
            or not all(isinstance(text, str) for text in found)
        ):
            raise BackendError(
                self.name, f"expected {expected} translated texts in the reply", retryable=True
            )
        return [str(text) for text in found]
