"""Machine drafts laid over the prepared parts: translations, and commentary when a writer is set.

Everything a reader sees of a stub (title, summary, each key point, each Additional Data
sentence, each related article's title: see `translation.py`) is asked of the backend in one
request, together with the commentary parts when the backend writes them too (the
OpenAI-compatible one). Each piece has its own idempotency key (the article's content hash,
the backend, model and prompt version, the target language, the part and a hash of its text).
Answers are written to the ledger as soon as they arrive, and looked up before asking: a retry
or a restart never pays twice. Every request sent is paid for, so its usage is written to the
ledger even when no piece of its answer was usable (invalid JSON, a failed check, a reply cut
off). Before paying, the backend's spending today is checked against the daily budget; over
budget, the parts stay pending with the reason. Every machine text is checked for numbers,
dates and names that the sources do not contain, and those are flagged on the part.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from aggregator.drafting.backends.base import BackendError, BackendReply, Translator, Usage, Writer
from aggregator.drafting.budget import budget_refusal, next_utc_midnight, retry_delay
from aggregator.drafting.messages import Messages, english, messages
from aggregator.drafting.settings import DraftingSettings
from aggregator.drafting.translation import (
    apply_translations,
    drafted,
    mark_pending,
    open_for_machine,
    pending_marker,
    pieces,
)
from aggregator.storage.ledger import (
    Ledger,
    LedgerEntry,
    idempotency_key,
    spending_entry,
)
from aggregator.stub_records import Part

T = TypeVar("T")

WRITTEN = {
    "expert_analysis": "Analyse the story for our readers: what it means, for whom, and what "
    "to watch. Two short paragraphs. Use only facts stated in the source text.",
    "summary": "Summarise the story and its significance in three or four sentences. Use only "
    "facts stated in the source text.",
}
MAX_SOURCE_CHARS = 12_000


class Database(Protocol):
    async def run(self, fn: Callable[..., T], /, *args: Any) -> T: ...


@dataclass(frozen=True, slots=True)
class MachineInput:
    """The article a stub's machine drafts are made from and checked against."""

    item_id: int
    content_hash: str | None
    source: str | None
    """The language of the article."""
    target: str
    text: str
    sources: Sequence[str]
    """Texts a machine draft's figures and names must appear in: the article and the related
    articles it cites."""
    attempts: int


@dataclass
class MachineOutcome:
    parts: list[Part]
    backends: set[str] = field(default_factory=set)
    usage: dict[str, float] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retry_at: datetime | None = None

    def wait_until(self, at: datetime) -> None:
        self.retry_at = at if self.retry_at is None else min(self.retry_at, at)


@dataclass(frozen=True)
class MachineDrafter:
    backend: Translator | None
    settings: DraftingSettings
    ledger: Ledger
    db: Database
    clock: Callable[[], datetime]

    @property
    def label(self) -> str | None:
        if self.backend is None:
            return None
        model = self.settings.model
        return f"{self.backend.name}:{model}" if model else self.backend.name

    async def apply(self, parts: Sequence[Part], article: MachineInput) -> MachineOutcome:
        outcome = MachineOutcome(parts=list(parts))
        words = messages(article.target)
        translating = article.source != article.target
        backend = self.backend
        if backend is not None:
            translate = {p.name: p.text for p in pieces(outcome.parts)} if translating else {}
            write: dict[str, str] = {}
            if self.settings.write_commentary and isinstance(backend, Writer):
                by_name = {p.name: p for p in outcome.parts}
                write = {
                    n: WRITTEN[n]
                    for n in WRITTEN
                    if open_for_machine(by_name.get(n), tuple(WRITTEN))
                }
            if translate and write and hasattr(backend, "draft"):  # one request for both
                texts = await self._ask(outcome, translate, write, article)
            else:
                texts = await self._ask(outcome, translate, {}, article)
                texts.update(await self._ask(outcome, {}, write, article))
            by = self.label or backend.name
            translated = {n: t for n, t in texts.items() if n in translate}
            if translated:
                outcome.parts = apply_translations(
                    outcome.parts, translated, by=by, sources=article.sources, words=words
                )
            outcome.parts = [
                drafted(p, texts[p.name], by, article.sources, words, original=None)
                if p.name in write and p.name in texts
                else p
                for p in outcome.parts
            ]
        if translating:
            marker = pending_marker(article.source, article.target)
            outcome.parts = mark_pending(outcome.parts, marker)
        return outcome

    async def _ask(
        self,
        outcome: MachineOutcome,
        translate: Mapping[str, str],
        write: Mapping[str, str],
        article: MachineInput,
    ) -> dict[str, str]:
        """The translations of `translate` and the parts of `write` (name -> instruction),
        from the ledger or from one request."""
        assert self.backend is not None
        if not translate and not write:
            return {}
        words = messages(article.target)
        what = "both" if translate and write else "translation" if translate else "commentary"
        name = self.backend.name
        version = getattr(self.backend, "prompt_version", None)
        wanted = {**translate, **write}
        keys = {
            piece: idempotency_key(
                article.content_hash,
                name,
                self.settings.model,
                version,
                article.target,
                "translation" if piece in translate else "commentary",
                piece.split(".", 1)[0],
                hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            )
            for piece, text in wanted.items()
        }
        known = await self.db.run(self.ledger.lookup, list(set(keys.values())))
        texts = {piece: known[key].result for piece, key in keys.items() if key in known}
        # A text met twice (a sentence that is both a key point and a figure) is sent once.
        first: dict[tuple[bool, str], str] = {}
        for piece, text in wanted.items():
            if piece not in texts:
                first.setdefault((piece in translate, text), piece)
        asked = set(first.values())
        if asked:
            spent = await self.db.run(self.ledger.spent, name, self.clock())
            refusal = budget_refusal(spent, self.settings, name, words)
            if refusal is not None:
                outcome.pending.append(
                    words("waiting.budget", what=words(f"waiting.{what}"), reason=refusal)
                )
                outcome.wait_until(next_utc_midnight(self.clock()))
            else:
                reply, error = await self._call(
                    {p: t for p, t in translate.items() if p in asked},
                    {p: t for p, t in write.items() if p in asked},
                    article,
                    keys,
                )
                if reply is not None:
                    answered = {p.name: p.text for p in reply.parts if p.text}
                    fresh = {
                        piece: answered[first[(piece in translate, text)]]
                        for piece, text in wanted.items()
                        if piece not in texts and first[(piece in translate, text)] in answered
                    }
                    await self._record(fresh, reply, keys, article.item_id)
                    _count(outcome, reply)
                    texts.update(fresh)
                if error is not None:
                    self._failed(outcome, what, error, article, words)
        if texts:
            outcome.backends.add(self.label or name)
        return texts

    async def _call(
        self,
        translate: Mapping[str, str],
        write: Mapping[str, str],
        article: MachineInput,
        keys: Mapping[str, str],
    ) -> tuple[BackendReply | None, BackendError | None]:
        backend: Any = self.backend
        assert backend is not None
        source, target = article.source, article.target
        source_text = article.text[:MAX_SOURCE_CHARS]
        request_key = idempotency_key(*sorted(keys[p] for p in [*translate, *write]))
        try:
            if translate and write:
                reply = await backend.draft(
                    translate, write, source_text, source, target, idempotency_key=request_key
                )
            elif write:
                reply = await backend.write(
                    write, source_text, source, target, idempotency_key=request_key
                )
            elif backend.name == "openai":
                reply = await backend.translate(
                    translate, source, target, idempotency_key=request_key
                )
            else:
                reply = await backend.translate(translate, source, target)
        except BackendError as exc:
            return exc.partial, exc
        assert isinstance(reply, BackendReply)
        failed = [p for p in reply.parts if p.text is None or p.error]
        if failed:
            problems: dict[str, list[str]] = {}
            for p in failed:
                problems.setdefault(p.error or "no answer", []).append(p.name)
            detail = "; ".join(f"{', '.join(names)}: {why}" for why, names in problems.items())
            return reply, BackendError(backend.name, detail, retryable=True)
        return reply, None

    async def _record(
        self,
        answers: Mapping[str, str],
        reply: BackendReply,
        keys: Mapping[str, str],
        item_id: int,
    ) -> None:
        """Keep every usable answer under its key, and what the request cost even when no
        answer was usable: the budget reads these rows."""
        assert self.backend is not None
        entries = []
        usage: Usage | None = reply.usage
        model = reply.model or self.settings.model
        for piece, text in answers.items():
            entries.append(
                LedgerEntry(
                    key=keys[piece],
                    backend=self.backend.name,
                    model=model,
                    part=piece,
                    result=text,
                    item_id=item_id,
                    input_tokens=usage.input_tokens if usage else 0,
                    output_tokens=usage.output_tokens if usage else 0,
                    characters=usage.characters if usage else 0,
                    cost=usage.cost if usage else None,
                )
            )
            usage = None
        if usage is not None and _paid(usage):
            entries.append(
                spending_entry(self.backend.name, model, item_id, usage, sorted(keys.values()))
            )
        await self.db.run(self.ledger.record, entries, self.clock())

    def _failed(
        self,
        outcome: MachineOutcome,
        what: str,
        error: BackendError,
        article: MachineInput,
        words: Messages,
    ) -> None:
        now = self.clock()
        outcome.errors.append(f"{now:%Y-%m-%d %H:%M} UTC {english()(f'waiting.{what}')}: {error}")
        if not error.retryable:
            outcome.pending.append(words("waiting.fix", what=words(f"waiting.{what}"), error=error))
            return
        delay = retry_delay(self.settings, article.attempts)
        if error.retry_after is not None:
            delay = max(delay, timedelta(seconds=error.retry_after))
        at = f"{now + delay:%Y-%m-%d %H:%M}"
        outcome.pending.append(
            words("waiting.retrying", what=words(f"waiting.{what}"), error=error, at=at)
        )
        outcome.wait_until(now + delay)


def _paid(usage: Usage) -> bool:
    return bool(
        usage.requests or usage.input_tokens or usage.output_tokens or usage.characters
    ) or bool(usage.cost)


def _count(outcome: MachineOutcome, reply: BackendReply) -> None:
    usage = reply.usage
    for key, value in (
        ("input_tokens", usage.input_tokens),
        ("output_tokens", usage.output_tokens),
        ("characters", usage.characters),
        ("requests", usage.requests),
    ):
        outcome.usage[key] = outcome.usage.get(key, 0) + value
    if usage.cost is not None:
        outcome.usage["cost"] = round(outcome.usage.get("cost", 0.0) + usage.cost, 6)
