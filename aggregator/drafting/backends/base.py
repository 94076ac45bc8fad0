"""What every drafting backend shares: its settings, its reply, its error and its interface.

A backend turns named texts into named texts (a translation, or paragraphs written from a
source). Callers see one shape whatever the service behind it, so the drafting code never
touches a vendor's JSON; each part succeeds or fails on its own so that one bad part does not
throw away the good ones. `registry.open_backend` opens the one the settings name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from aggregator.drafting.settings import Backend, StructuredOutput
from aggregator.errors import AggregatorError


@dataclass(frozen=True, slots=True)
class BackendSettings:
    backend: Backend
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    """Already read from the environment by the caller."""
    timeout: float = 60.0
    """Seconds allowed for one HTTP exchange, connection included."""
    max_attempts: int = 4
    structured_output: StructuredOutput = StructuredOutput.JSON_OBJECT
    """OpenAI-compatible servers only."""
    price_input_per_million: float | None = None
    price_output_per_million: float | None = None
    price_per_million_chars: float | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    characters: int = 0
    cost: float | None = None
    requests: int = 0
    """HTTP requests sent, retries included."""

    def plus(self, other: Usage) -> Usage:
        cost = None
        if self.cost is not None or other.cost is not None:
            cost = (self.cost or 0.0) + (other.cost or 0.0)
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            characters=self.characters + other.characters,
            cost=cost,
            requests=self.requests + other.requests,
        )


@dataclass(frozen=True, slots=True)
class PartResult:
    name: str
    text: str | None
    """None when this part failed."""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class BackendReply:
    parts: tuple[PartResult, ...]
    usage: Usage
    model: str | None
    """The model the server says it used."""

    def text(self, name: str) -> str | None:
        for part in self.parts:
            if part.name == name:
                return part.text
        return None


class BackendError(AggregatorError):
    """A backend could not be asked, or refused to answer.

    `retryable` says whether asking again later may succeed (rate limits, outages, timeouts)
    or not (bad key, unknown language, exhausted quota). `retry_after` is the delay the server
    asked for when it was longer than we were willing to wait. `partial` holds what was
    obtained, and paid for, before the failure.
    """

    def __init__(
        self,
        backend: str,
        detail: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
        partial: BackendReply | None = None,
    ) -> None:
        self.backend = backend
        self.detail = detail
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.partial = partial
        where = f"{backend} (HTTP {status})" if status is not None else backend
        super().__init__(f"{where}: {detail}")

    def with_partial(self, partial: BackendReply) -> BackendError:
        return BackendError(
            self.backend,
            self.detail,
            retryable=self.retryable,
            status=self.status,
            retry_after=self.retry_after,
            partial=partial,
        )


async def translate_by_characters(
    parts: Mapping[str, str],
    send: Callable[[list[str]], Awaitable[tuple[Any, int]]],
    read: Callable[[Any, int], list[str]],
    price_per_million_chars: float | None,
) -> BackendReply:
    """What DeepL and LibreTranslate share: blank parts are not sent, the others go in one
    request (`send` returns the parsed reply and the HTTP requests it took, `read` the
    translations in order), and the characters sent are what is billed, also when the reply
    cannot be read: the error then carries that spending as its `partial` reply."""
    names = [name for name, text in parts.items() if text.strip()]
    translated: list[str] = []
    requests = 0
    if names:
        data, requests = await send([parts[name] for name in names])
        try:
            translated = read(data, len(names))
        except BackendError as exc:
            characters = sum(len(parts[name]) for name in names)
            cost = None
            if price_per_million_chars is not None:
                cost = characters * price_per_million_chars / 1e6
            usage = Usage(characters=characters, cost=cost, requests=requests)
            failed = tuple(PartResult(name, None, exc.detail) for name in parts)
            raise exc.with_partial(BackendReply(parts=failed, usage=usage, model=None)) from exc
    by_name = dict(zip(names, translated, strict=True))
    return reply_by_characters(parts, by_name, requests, price_per_million_chars)


def reply_by_characters(
    parts: Mapping[str, str],
    translated: Mapping[str, str],
    requests: int,
    price_per_million_chars: float | None,
) -> BackendReply:
    """The reply of a service billing the characters sent; parts not sent were blank."""
    characters = sum(len(parts[name]) for name in translated)
    cost = None
    if price_per_million_chars is not None:
        cost = characters * price_per_million_chars / 1e6
    usage = Usage(characters=characters, cost=cost, requests=requests)
    result = tuple(PartResult(name, translated.get(name, "")) for name in parts)
    return BackendReply(parts=result, usage=usage, model=None)


@runtime_checkable
class Translator(Protocol):
    name: str

    async def translate(
        self, parts: Mapping[str, str], source: str | None, target: str
    ) -> BackendReply: ...

    async def aclose(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class Writer(Protocol):
    """Drafts paragraphs in the target language; `parts` maps a part name to its instruction."""

    async def write(
        self, parts: Mapping[str, str], source_text: str, source: str | None, target: str
    ) -> BackendReply: ...
