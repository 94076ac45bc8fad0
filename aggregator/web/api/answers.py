"""What the API answers, as pydantic models: the handlers serialise with them and the OpenAPI
document is generated from them (`openapi.py`).

Times are ISO 8601 in UTC; absent values are null, so every key of a stub, source, event and
feed is always there and clients need not guess. A part keeps its stored shape
(`Part.to_json`): keys without a value are left out, and `edited` is there only when true.

A stub's answer is built from the typed records with `model_construct`, not validated again,
and its parts and entries are TypedDicts serialised from the stored dicts: a model object for
each of a page's 600 parts and entries, validated, made a page of 50 stubs three times as
costly to answer (`bench/api_models.py`). The models still decide every key and how it is
written, and schemathesis holds the answers to the document.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema
from typing_extensions import TypedDict  # pydantic reads TypedDicts from here before 3.12

from aggregator import stub_records
from aggregator.storage import summaries
from aggregator.storage.desk import Event as EventRecord
from aggregator.storage.desk import Source as SourceRecord
from aggregator.storage.store import FeedRow
from aggregator.web.api.bodies import Action, PartKindValue, PartNameValue, State, never_null
from aggregator.web.health import Health


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


def _about(description: str) -> Any:
    return Field(description=description)


class Entry(TypedDict):
    """One entry of a list-like part: a sentence with its offsets in the article text, or a
    stored article with its link. Keys without a value are left out."""

    text: str
    start: NotRequired[Annotated[int, _about("Offset in the article text.")]]
    end: NotRequired[int]
    url: NotRequired[str]
    title: NotRequired[str]
    published: NotRequired[Annotated[str, _about("ISO 8601 date of a linked article.")]]
    source: NotRequired[Annotated[str, _about("The feed a linked article comes from.")]]
    score: NotRequired[float]
    original: NotRequired[
        Annotated[
            str,
            _about(
                "The source-language text (a linked article's title) that text and title "
                "were machine-translated from."
            ),
        ]
    ]
    credit: NotRequired[Annotated[str, _about("An illustration's credit: who made the image.")]]
    licence: NotRequired[Annotated[str, _about("An illustration's licence.")]]
    licence_url: NotRequired[str]
    licence_from: NotRequired[
        Annotated[
            Literal["credit", "feed"],
            _about("credit: the image's credit names the licence; feed: the feed's is assumed."),
        ]
    ]
    found_at: NotRequired[Annotated[str, _about("The page an illustration appeared on.")]]


class Part(TypedDict):
    """A part in its stored shape (`stub_records.Part.to_json`); keys without a value are left out.
    Serialised from that dict as it is: no object a part."""

    name: PartNameValue
    kind: Annotated[
        PartKindValue,
        _about(
            "Who made the content: prepared, machine_draft (to check), to_write (empty, see "
            "prompt) or edited (an editor's text, kept on redraft)."
        ),
    ]
    content: str
    prompt: NotRequired[Annotated[str, _about("What the editor should write here.")]]
    original: NotRequired[Annotated[str, _about("The text a machine draft translates.")]]
    pending: NotRequired[Annotated[str, _about("Why a machine step has not happened yet.")]]
    by: NotRequired[Annotated[str, _about("What made the content.")]]
    flags: NotRequired[
        Annotated[list[str], _about("Claims of a machine draft not found in the sources.")]
    ]
    entries: NotRequired[list[Entry]]
    edited: NotRequired[
        Annotated[Literal[True], _about("There when kind is edited; kept for older clients.")]
    ]


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
    def of(cls, stub: stub_records.Stub) -> Stub:
        return cls.model_construct(**_stub_fields(stub))


def _stub_fields(stub: stub_records.Stub) -> dict[str, Any]:
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
        "provenance": Provenance.model_construct(**stub.provenance.to_json()),
        "parts": [p.to_json() for p in stub.parts],
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
    def with_source(cls, stub: stub_records.Stub, source: SourceRecord | None) -> StubWithSource:
        return cls.model_construct(
            **_stub_fields(stub), source=Source.of(source) if source else None
        )


class StaleStub(Answer):
    """412: the write was based on another version of the stub, and nothing was saved."""

    error: str = Field(description="What went wrong, for people.")
    item_id: int
    version: int = Field(description="The stub's version now.")
    etag: str = Field(description="Its ETag: send it in If-Match to write over it.")
    part: str | None = _omitted("For a part's write: the part.")
    content: str | None = _omitted(
        "For a part's write: the part's text now, to show beside the one sent."
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
        # Built from stored, typed fields: validating them again cost as much as the query.
        return cls.model_construct(
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


class HealthReport(Answer):
    """Whether the database can serve the desk (`web/health.py`): 200 when it can, 503 with
    the reason when it cannot."""

    status: Literal["ok", "unhealthy"]
    database: str = Field(
        description="ok, or what is wrong, its kind first: corrupt: ..., missing: ..., "
        "read-only: ..., unreadable: ..."
    )
    newest_stub: int | None = Field(
        description="The item id of the stub read to prove it (null: no stubs yet, or not read)."
    )
    quick_check_at: MaybeTime = Field(description="When SQLite's quick_check last ran.")

    @classmethod
    def of(cls, verdict: Health) -> HealthReport:
        return cls(
            status="ok" if verdict.ok else "unhealthy",
            database=verdict.database,
            newest_stub=verdict.newest_stub,
            quick_check_at=verdict.checked_at,
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
