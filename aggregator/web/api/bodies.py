"""What the API's writes must send, as pydantic models, and the closed sets its bodies and
answers share: states as an enum, part names and kinds as `Literal` types.

The handlers validate with these models and the OpenAPI document is generated from them
(`openapi.py`), so the two cannot disagree. The input rules stay in `rules.py` and are called
from the validators: an editor's name, and a category from the config (given as validation
context: `part` and `categories`). A value that breaks one of them fails validation with the
rule's `BadInput`, answered 400; any other validation error is a body that does not say what is
needed, 422 (`errors.py`). Depth and size limits are checked before parsing
(`rules.json_document`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from aggregator import stub_records
from aggregator.storage.desk import MAX_PART_CHARS
from aggregator.storage.ordering import SortName
from aggregator.web import rules
from aggregator.web.filters import MAX_SEARCH_CHARS

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class State(StrEnum):
    DRAFT = stub_records.DRAFT
    REVIEWED = stub_records.REVIEWED
    APPROVED = stub_records.APPROVED
    REJECTED = stub_records.REJECTED


PartNameValue = stub_records.PartName
PartKindValue = stub_records.PartKind
"""`stub_records.KINDS`: who made a part's content."""


class Action(StrEnum):
    EDIT = "edit"
    STATE = "state"
    RELATED = "related"


class NoEditor(ValueError):
    """An editor's name of nothing but spaces: the body does not say who makes the change."""


def _editor(value: str) -> str:
    name = rules.editor_name(value)  # BadInput: the name breaks the rule
    if not name:
        raise NoEditor("say who you are: an editor's name is required")
    return name


EditorName = Annotated[
    str,
    AfterValidator(_editor),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": rules.MAX_NAME_CHARS,
            "pattern": rules.NAME_PATTERN,
            "description": "Who makes the change, in `none` mode only (nobody signs in; "
            "required there): "
            f"{rules.NAME_RULE} Otherwise the change is the signed-in account's (the token's "
            "or the session's) and this is ignored.",
        }
    ),
]


def never_null(schema: dict[str, Any]) -> None:
    """`json_schema_extra` of a field whose None means "not given" (a query parameter left
    out, a key of an answer left out): the document says it is optional, not that it may be
    null."""
    kept = [s for s in schema.pop("anyOf", []) if s != {"type": "null"}]
    schema.pop("default", None)
    if len(kept) == 1:
        schema.update(kept[0])
    elif kept:
        schema["anyOf"] = kept


class Body(BaseModel):
    """A request body: keys the model does not name are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class PartEdit(Body):
    content: str = Field(
        max_length=MAX_PART_CHARS,
        description="The part's new text; empty leaves it to write again. For the category "
        "part, one of the config's categories (see the operation).",
    )
    editor: EditorName | None = Field(default=None, json_schema_extra=never_null)

    @model_validator(mode="after")
    def _category(self, info: ValidationInfo) -> PartEdit:
        context: dict[str, Any] = info.context or {}
        if context.get("part") != "category" or not self.content.strip():
            return self  # empty: the category part is to write again
        chosen = rules.category_name(self.content, context.get("categories", ()))
        return self.model_copy(update={"content": chosen})


class StateMove(Body):
    state: State
    editor: EditorName | None = Field(default=None, json_schema_extra=never_null)


class Empty(Body):
    """Nothing is needed: send {} (an empty body is taken too, as long as it is sent as
    Content-Type: application/json)."""


class StubQuery(BaseModel):
    """The query of the stub list, for the document: `filters.read_filter` and
    `filters.read_paging` read it (the pages share them) and answer 400 for a value outside
    these fields' bounds; the tests hold the two together."""

    state: list[State] = Field(
        default=[],
        description="Only stubs in these states (repeatable); an empty value is refused (400).",
    )
    feed: list[str] = Field(default=[], description="Only stubs of these feeds (repeatable).")
    category: list[str] = Field(
        default=[], description="Only stubs of these categories (repeatable)."
    )
    language: list[str] = Field(
        default=[], description="Only stubs whose source is in these languages (repeatable)."
    )
    stale: Literal["yes", "no", "true", "false", "1", "0"] | None = Field(
        default=None,
        description="yes: only stubs whose source changed since drafting; no: only the others.",
        json_schema_extra=never_null,
    )
    min_quality: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Only stubs whose extracted article scores at least this.",
        json_schema_extra=never_null,
    )
    q: str | None = Field(
        default=None,
        max_length=MAX_SEARCH_CHARS,
        description=(
            "Search titles, parts and article text: every word must appear and finds the words "
            'it begins (word* for one or two letters), "a phrase" word for word, -word and '
            '-"a phrase" must not appear; other punctuation only separates words.'
        ),
        json_schema_extra=never_null,
    )
    sort: SortName | None = Field(
        default=None,
        description=(
            "The order, descending with a leading '-': drafted or published date, quality, "
            "feed name (no value last either way); relevance: the best match of q first. "
            "Default -drafted, newest drafts first."
        ),
        json_schema_extra=never_null,
    )
    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="At most this many stubs."
    )
    offset: int = Field(default=0, ge=0, description="Skip this many stubs (newest drafts first).")
    parts: Literal["yes", "no", "true", "false", "1", "0"] | None = Field(
        default=None,
        description="yes: the full stubs, with their parts; otherwise summaries (no parts).",
        json_schema_extra=never_null,
    )
