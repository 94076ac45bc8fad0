"""What the API answers, as pydantic models: the handlers serialise with them and the OpenAPI
document is generated from them (`openapi.py`).

Times are ISO 8601 in UTC; absent values are null, so every key of a stub, source, event and
feed is always there and clients need not guess. A part keeps its stored shape
(`Part.to_json`): keys without a value are left out, and `edited` is there only when true.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from aggregator.drafting import records
from aggregator.storage import summaries
from aggregator.storage.desk import Event as EventRecord
from aggregator.storage.desk import Source as SourceRecord
from aggregator.storage.store import FeedRow
from aggregator.web.api_bodies import Action, PartKind, PartName, State, never_null


def _absent(value: object) -> bool:
    return value is None or value is False or (isinstance(value, list | tuple) and not value)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


Time = Annotated[
    datetime,
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
MaybeTime = Annotated[
    datetime | None,
    PlainSerializer(_iso, return_type=str | None),
    WithJsonSchema({"type": ["string", "null"], "format": "date-time"}),
]


def _omitted(description: str = "") -> Any:
    """A key left out of the answer when it has no value (None, empty, false): the document
    says it is optional, not that it may be null."""
    return Field(
        default=None,
        exclude_if=_absent,
        description=description or None,
        json_schema_extra=never_null,
    )


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True, serialize_by_alias=True)


class Error(Answer):
    error: str = Field(description="What went wrong, for people.")


class Entry(Answer):
    text: str
    start: int | None = _omitted("Offset in the article text.")
    end: int | None = _omitted()
    url: str | None = _omitted()
    title: str | None = _omitted()
    published: str | None = _omitted("ISO 8601 date of a linked article.")
    source: str | None = _omitted("The feed a linked article comes from.")
    score: float | None = _omitted()
    original: str | None = _omitted(
        "The source-language text (a linked article's title) that text and title were "
        "machine-translated from."
    )
    credit: str | None = _omitted("An illustration's credit: who made the image.")
    licence: str | None = _omitted("An illustration's licence.")
    licence_url: str | None = _omitted()
    licence_from: Literal["credit", "feed"] | None = _omitted(
        "credit: the image's credit names the licence; feed: the feed's licence is assumed."
    )
    found_at: str | None = _omitted("The page an illustration appeared on.")

    @classmethod
    def of(cls, entry: records.Entry) -> Entry:
        return cls(**{name: getattr(entry, name) for name in records.Entry.__slots__})


class Part(Answer):
    name: PartName
    kind: PartKind
    content: str
    prompt: str | None = _omitted("What the editor should write here.")
    original: str | None = _omitted("The text a machine draft translates.")
    pending: str | None = _omitted("Why a machine step has not happened yet.")
    by: str | None = _omitted("What made the content.")
    flags: list[str] | None = _omitted("Claims of a machine draft not found in the sources.")
    entries: list[Entry] | None = _omitted()
    edited: bool | None = _omitted("True when kind is edited; kept for older clients.")

    @classmethod
    def of(cls, part: records.Part) -> Part:
        return cls(
            name=PartName(part.name),
            kind=PartKind(part.kind),
            content=part.content,
            prompt=part.prompt,
            original=part.original,
            pending=part.pending,
            by=part.by,
            flags=list(part.flags),
            entries=[Entry.of(e) for e in part.entries],
            edited=part.edited,
        )


class Provenance(Answer):
    feed: str
    fetched_at: str | None
    extraction_method: str | None
    content_hash: str | None
    source_language: str | None
    target_language: str
    backends: list[str]
    prompt_version: str | None
    drafted_at: str | None
    usage: dict[str, float]
    text_cut: str | None


class Stub(Answer):
    item_id: int
    feed: str
    guid: str | None
    url: str | None
    title: str
    state: State
    state_changed_at: MaybeTime
    state_changed_by: str | None
    stale: bool
    stale_reason: str | None
    category: str | None
    source_language: str | None
    target_language: str
    quality: float | None
    published: MaybeTime
    author: str | None
    pending: str | None
    errors: list[str]
    drafted_at: Time
    updated_at: Time
    version: int = Field(
        description="Raised by every change of the stub; the ETag names it, and writes send "
        "that ETag in If-Match."
    )
    provenance: Provenance
    parts: list[Part] = Field(description="In page order.")

    @classmethod
    def of(cls, stub: records.Stub) -> Stub:
        return cls(**_stub_fields(stub))


def _stub_fields(stub: records.Stub) -> dict[str, Any]:
    return {
        "item_id": stub.item_id,
        "feed": stub.feed,
        "guid": stub.guid,
        "url": stub.url,
        "title": stub.title,
        "state": State(stub.state),
        "state_changed_at": stub.state_changed_at,
        "state_changed_by": stub.state_changed_by,
        "stale": stub.stale,
        "stale_reason": stub.stale_reason,
        "category": stub.category,
        "source_language": stub.provenance.source_language,
        "target_language": stub.provenance.target_language,
        "quality": stub.quality,
        "published": stub.published,
        "author": stub.author,
        "pending": stub.pending,
        "errors": list(stub.errors),
        "drafted_at": stub.drafted_at,
        "updated_at": stub.updated_at,
        "version": stub.version,
        "provenance": Provenance(**stub.provenance.to_json()),
        "parts": [Part.of(p) for p in stub.parts],
    }


class Source(Answer):
    url: str | None
    title: str | None
    text: str = Field(description="The extracted article text.")
    method: str | None
    language: str | None
    quality: float | None

    @classmethod
    def of(cls, source: SourceRecord) -> Source:
        return cls(
            url=source.url,
            title=source.title,
            text=source.text,
            method=source.method,
            language=source.language,
            quality=source.quality,
        )


class StubWithSource(Stub):
    source: Source | None = Field(description="The extracted article; null when there is none.")

    @classmethod
    def with_source(cls, stub: records.Stub, source: SourceRecord | None) -> StubWithSource:
        return cls(**_stub_fields(stub), source=Source.of(source) if source else None)


class StaleStub(Answer):
    """412: the write was based on another version of the stub, and nothing was saved."""

    error: str = Field(description="What went wrong, for people.")
    item_id: int
    version: int = Field(description="The stub's version now.")
    etag: str = Field(description="Its ETag: send it in If-Match to write over it.")
    part: str | None = _omitted("For a part's write: the part.")
    content: str | None = Field(
        default=None,
        description="For a part's write: the part's text now, to show beside the one sent.",
    )


class StubSummary(Answer):
    """A row of the list: what a stub says about itself, without its parts."""

    item_id: int
    feed: str
    url: str | None
    title: str
    state: State
    stale: bool
    category: str | None
    source_language: str | None
    target_language: str | None
    quality: float | None
    published: MaybeTime
    drafted_at: Time
    updated_at: Time
    to_write: int = Field(description="How many parts are left for an editor to write.")
    version: int = Field(description="The stub's version, as its ETag names it.")

    @classmethod
    def of(cls, summary: summaries.StubSummary) -> StubSummary:
        return cls(
            item_id=summary.item_id,
            feed=summary.feed,
            url=summary.url,
            title=summary.title,
            state=State(summary.state),
            stale=summary.stale,
            category=summary.category,
            source_language=summary.source_language,
            target_language=summary.target_language,
            quality=summary.quality,
            published=summary.published,
            drafted_at=summary.drafted_at,
            updated_at=summary.updated_at,
            to_write=summary.to_write,
            version=summary.version,
        )


class StubList(Answer):
    total: int = Field(description="How many stubs match the filters.")
    limit: int
    offset: int
    items: list[StubSummary] | list[Stub] = Field(
        description="Summaries, newest drafts first; the full stubs with their parts when the "
        "query says parts=yes."
    )


class Event(Answer):
    at: Time
    who: str
    action: Action
    detail: str | None
    from_: State | None = Field(
        default=None, alias="from", exclude_if=_absent, json_schema_extra=never_null
    )
    to: State | None = _omitted()

    @classmethod
    def of(cls, event: EventRecord) -> Event:
        move: dict[str, Any] = {}
        if event.action == Action.STATE:
            try:
                data = json.loads(event.detail or "")
                move = {"from": State(data["from"]), "to": State(data["to"])}
            except (ValueError, KeyError, TypeError):
                pass
        return cls(
            at=event.at, who=event.who, action=Action(event.action), detail=event.detail, **move
        )


class Events(Answer):
    item_id: int
    events: list[Event] = Field(description="Oldest first.")


class Feed(Answer):
    name: str
    url: str
    title: str | None
    enabled: bool
    in_config: bool
    retired_at: MaybeTime
    last_status: str | None
    last_http_status: int | None
    last_error: str | None
    last_problem: str | None
    last_checked_at: MaybeTime
    last_success_at: MaybeTime
    error_count: int
    next_check_at: MaybeTime
    next_check_reason: str | None
    items: int

    @classmethod
    def of(cls, row: FeedRow) -> Feed:
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class Feeds(Answer):
    feeds: list[Feed]


class FetchStarted(Answer):
    fetching: list[str] = Field(description="The feeds being fetched in the background.")


class ArticleQueued(Answer):
    item_id: int
    article: str = Field(
        description="The article's state: pending (queued, or already waiting), done "
        "(extracted already: the stub is drafted or queued)."
    )
