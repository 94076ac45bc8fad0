"""The stub and its parts: what drafting makes, the store keeps, and renderers show.

Records-level (it imports nothing of aggregator), so that the store can read and write stubs
without importing drafting.

Every part says who made it (`kind`): prepared from the source or the archive, drafted by a
machine backend and to be checked, left for the editor to write, with a prompt saying what
belongs there, or edited: written or changed by an editor, which redrafting never overwrites.
A part that lists things (key points, figures, related articles) carries them as entries with
their offsets or links beside the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

PREPARED = "prepared"
MACHINE_DRAFT = "machine_draft"
TO_WRITE = "to_write"
EDITED = "edited"
PartKind = Literal["prepared", "machine_draft", "to_write", "edited"]
KINDS: tuple[str, ...] = get_args(PartKind)

PartName = Literal[
    "title",
    "category",
    "disclaimer",
    "news_summary",
    "source",
    "illustration",
    "background",
    "expert_analysis",
    "key_points",
    "additional_data",
    "related_news",
    "summary",
]
"""The parts of a stub, in page order."""
PART_NAMES: tuple[str, ...] = get_args(PartName)

HEADINGS = {
    "title": "Title",
    "category": "Category",
    "disclaimer": "Disclaimer",
    "news_summary": "News Summary",
    "source": "Source",
    "illustration": "Illustration",
    "background": "Background and Context",
    "expert_analysis": "Expert Analysis",
    "key_points": "Key points",
    "additional_data": "Additional Data and Fact Reinforcement",
    "related_news": "Related News",
    "summary": "Summary",
}

DRAFT = "draft"
REVIEWED = "reviewed"
APPROVED = "approved"
REJECTED = "rejected"
STATES = (DRAFT, REVIEWED, APPROVED, REJECTED)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a list-like part: a sentence with its offsets in the article text, or a
    stored article with its link."""

    text: str
    start: int | None = None
    end: int | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    """ISO 8601 date of a linked article."""
    source: str | None = None
    """The feed the entry comes from; None for the stub's own article."""
    score: float | None = None
    original: str | None = None
    """The source-language text (or title, for a linked article) that `text` and `title` were
    machine-translated from; None when they are not a translation."""
    credit: str | None = None
    """An illustration's credit: the person or agency its caption names."""
    licence: str | None = None
    """An illustration's licence: the one its credit names, else the feed's (`licence_from`)."""
    licence_url: str | None = None
    licence_from: str | None = None
    """Where an illustration's licence comes from: "credit" or "feed"."""
    found_at: str | None = None
    """The page an illustration appeared on."""


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    kind: str
    content: str
    """What the page shows: prepared text, a machine draft, or empty for the editor."""
    prompt: str | None = None
    """For the editor: what belongs here (set on every part an editor must write or finish)."""
    original: str | None = None
    """The source-language text a machine draft was translated from."""
    pending: str | None = None
    """Why a machine step has not happened yet, e.g. "translation pending (en -> ja)"."""
    by: str | None = None
    """What made the content: "source", "extractive summary", "deepl", "openai:model", "editor"."""
    flags: tuple[str, ...] = ()
    """Claims of a machine draft not found in the sources, for the editor to check."""
    entries: tuple[Entry, ...] = ()

    @property
    def edited(self) -> bool:
        """An editor wrote or changed this part: its kind says so, nothing else does."""
        return self.kind == EDITED

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "kind": self.kind, "content": self.content}
        for key in ("prompt", "original", "pending", "by"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.flags:
            data["flags"] = list(self.flags)
        if self.entries:
            data["entries"] = [
                {k: v for k, v in _entry_items(e) if v is not None} for e in self.entries
            ]
        if self.edited:
            data["edited"] = True  # for readers of the shape before the `edited` kind
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Part:
        """A stored part; one stored before the `edited` kind, with `edited: true` beside
        another kind, is read as edited, without the prompt, pending marker and flags that were
        about the text the editor replaced."""
        edited = data["kind"] == EDITED or bool(data.get("edited", False))
        return cls(
            name=data["name"],
            kind=EDITED if edited else data["kind"],
            content=data.get("content", ""),
            prompt=None if edited else data.get("prompt"),
            original=data.get("original"),
            pending=None if edited else data.get("pending"),
            by=data.get("by"),
            flags=() if edited else tuple(data.get("flags", ())),
            entries=tuple(Entry(**e) for e in data.get("entries", ())),
        )


def _entry_items(entry: Entry) -> list[tuple[str, Any]]:
    return [(name, getattr(entry, name)) for name in Entry.__slots__]


@dataclass(frozen=True, slots=True)
class Provenance:
    feed: str
    fetched_at: str | None
    extraction_method: str | None
    content_hash: str | None
    source_language: str | None
    target_language: str
    backends: tuple[str, ...] = ()
    """Backends and models used, e.g. ("deepl",) or ("openai:qwen2.5:7b",)."""
    prompt_version: str | None = None
    drafted_at: str | None = None
    usage: Mapping[str, float] = field(default_factory=dict)
    text_cut: str | None = None
    """Set when the article was longer than `[drafting].max_text_chars`: what it was cut to."""

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "fetched_at": self.fetched_at,
            "extraction_method": self.extraction_method,
            "content_hash": self.content_hash,
            "source_language": self.source_language,
            "target_language": self.target_language,
            "backends": list(self.backends),
            "prompt_version": self.prompt_version,
            "drafted_at": self.drafted_at,
            "usage": dict(self.usage),
            "text_cut": self.text_cut,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Provenance:
        return cls(
            feed=data["feed"],
            fetched_at=data.get("fetched_at"),
            extraction_method=data.get("extraction_method"),
            content_hash=data.get("content_hash"),
            source_language=data.get("source_language"),
            target_language=data["target_language"],
            backends=tuple(data.get("backends", ())),
            prompt_version=data.get("prompt_version"),
            drafted_at=data.get("drafted_at"),
            usage=dict(data.get("usage", {})),
            text_cut=data.get("text_cut"),
        )


@dataclass(frozen=True, slots=True)
class Stub:
    """A drafted page for one item, as stored."""

    item_id: int
    feed: str
    guid: str | None
    url: str | None
    state: str
    stale: bool
    stale_reason: str | None
    category: str | None
    parts: tuple[Part, ...]
    provenance: Provenance
    pending: str | None
    """Machine work still to do and why (e.g. a backend's daily budget is spent)."""
    errors: tuple[str, ...]
    drafted_at: datetime
    updated_at: datetime
    published: datetime | None = None
    author: str | None = None
    state_changed_at: datetime | None = None
    state_changed_by: str | None = None
    quality: float | None = None
    """The extracted article's quality score, 0 to 1."""
    version: int = 1
    """Raised by every change of the stub (parts, state, category, title, a redraft): a desk
    save names the version it was based on, and one based on an older version is refused."""

    def part(self, name: str) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)

    @property
    def title(self) -> str:
        part = self.part("title")
        return part.content if part is not None else ""
