"""The API's OpenAPI 3.1 description, written by hand next to the routes it describes.

A test holds the two together: every route under /api is described here and every path here
is a route. The schemas of bodies and answers are in `openapi_schemas`.
"""

from __future__ import annotations

from typing import Any

from aggregator.drafting.records import PART_NAMES, STATES
from aggregator.web.openapi_schemas import ref, schemas

_ERRORS = {
    "400": "The query or body cannot be read, or a value breaks an input rule; the error says "
    "which: a body that is not UTF-8, not JSON, nested more than 32 arrays and objects deep or "
    "holding a lone surrogate; an editor's name with control characters or bidirectional "
    "controls; a category that is not one of the config's; an empty or unknown filter value.",
    "403": "Refused: the request was started by a page on another site.",
    "404": "No such stub, part, feed or endpoint.",
    "409": "Not allowed in the current state (a transition that is not allowed, a disabled feed).",
    "413": "The body is too large.",
    "415": "The body is not sent as application/json.",
    "422": "The JSON does not say what is needed (not an object, a field missing or not a "
    "string, an unknown state, an empty editor's name, a part longer than 50,000 characters).",
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _answers(ok: str, description: str, schema: str, *errors: str) -> dict[str, Any]:
    answers: dict[str, Any] = {ok: {"description": description, "content": _json(ref(schema))}}
    for status in errors:
        answers[status] = {"description": _ERRORS[status], "content": _json(ref("Error"))}
    return answers


def _body(schema: str, *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": _json(ref(schema))}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _path(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


_WRITE_ERRORS = ("400", "403", "404", "409", "413", "415", "422")
_OPTIONAL_BODY_ERRORS = ("400", "403", "413", "415", "422")
"""What a write that needs nothing in its body answers besides its own errors. Its body is
still `required`: Content-Type application/json is what keeps other sites' forms out, so `{}`
(or an empty body sent as JSON) is asked for, and a request without it is 415."""


def _item_id() -> dict[str, Any]:
    return _path("item_id", "The stub's item id.", {"type": "integer", "minimum": 0})


def _filters() -> list[dict[str, Any]]:
    return [
        _query(
            "state",
            "Only stubs in these states (repeatable); an empty value is refused (400).",
            {"type": "string", "enum": list(STATES)},
        ),
        _query("feed", "Only stubs of these feeds (repeatable).", {"type": "string"}),
        _query("category", "Only stubs of these categories (repeatable).", {"type": "string"}),
        _query(
            "language",
            "Only stubs whose source is in these languages (repeatable).",
            {"type": "string"},
        ),
        _query(
            "stale",
            "yes: only stubs whose source changed since drafting; no: only the others.",
            {"type": "string", "enum": ["yes", "no", "true", "false", "1", "0"]},
        ),
        _query(
            "min_quality",
            "Only stubs whose extracted article scores at least this.",
            {"type": "number", "minimum": 0, "maximum": 1},
        ),
        _query("q", "Words of the title (case-insensitive).", {"type": "string", "maxLength": 200}),
        _query(
            "limit",
            "At most this many stubs.",
            {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
        ),
        _query(
            "offset",
            "Skip this many stubs (newest drafts first).",
            {"type": "integer", "minimum": 0, "default": 0},
        ),
    ]


def openapi_document(categories: tuple[str, ...] = ()) -> dict[str, Any]:
    """The document; `categories`, the config's, are named where the category part is edited."""
    category_rule = (
        f" The category part takes only one of: {', '.join(categories)} (else 400)."
        if categories
        else ""
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "aggregator desk API",
            "version": "1",
            "description": (
                "Drafted stubs for a newsroom's editors, and the feeds they come from. Writes "
                "take Content-Type: application/json and are refused when another site's page "
                "starts them; `editor` in the body names who made the change."
            ),
        },
        "paths": {
            "/api/stubs": {
                "get": {
                    "summary": "Stubs matching the filters, newest drafts first",
                    "parameters": _filters(),
                    "responses": _answers("200", "A page of stubs.", "StubList", "400"),
                }
            },
            "/api/stubs/{item_id}": {
                "get": {
                    "summary": "One stub with the extracted text it was drafted from",
                    "parameters": [_item_id()],
                    "responses": _answers("200", "The stub.", "StubWithSource", "404"),
                }
            },
            "/api/stubs/{item_id}/parts/{name}": {
                "put": {
                    "summary": "Replace a part's content; the part is kept across redrafts",
                    "description": "Saved with text, the part is `edited`; saved empty, it is to "
                    "write again." + category_rule,
                    "parameters": [
                        _item_id(),
                        _path("name", "The part.", {"type": "string", "enum": list(PART_NAMES)}),
                    ],
                    "requestBody": _body("PartEdit"),
                    "responses": _answers(
                        "200", "The stub after the edit.", "Stub", *_WRITE_ERRORS
                    ),
                }
            },
            "/api/stubs/{item_id}/state": {
                "post": {
                    "summary": "Move a stub to another state (draft, reviewed, approved, rejected)",
                    "description": (
                        "draft → reviewed or rejected; reviewed → approved, rejected or draft; "
                        "approved → draft or rejected; rejected → draft. Others answer 409."
                    ),
                    "parameters": [_item_id()],
                    "requestBody": _body("StateMove"),
                    "responses": _answers(
                        "200", "The stub after the move.", "Stub", *_WRITE_ERRORS
                    ),
                }
            },
            "/api/stubs/{item_id}/events": {
                "get": {
                    "summary": "Who edited or moved the stub, and when",
                    "parameters": [_item_id()],
                    "responses": _answers("200", "The history, oldest first.", "Events", "404"),
                }
            },
            "/api/feeds": {
                "get": {
                    "summary": "Each feed's health: last status, last success, next check, errors",
                    "responses": _answers("200", "The feeds.", "Feeds"),
                }
            },
            "/api/feeds/fetch": {
                "post": {
                    "summary": "Fetch every enabled feed now, in the background",
                    "requestBody": _body("Empty"),
                    "responses": _answers(
                        "202", "Started.", "FetchStarted", *_OPTIONAL_BODY_ERRORS
                    ),
                }
            },
            "/api/feeds/{name}/fetch": {
                "post": {
                    "summary": "Fetch one feed now, in the background",
                    "parameters": [
                        _path("name", "The feed's name from the config.", {"type": "string"})
                    ],
                    "requestBody": _body("Empty"),
                    "responses": _answers(
                        "202", "Started.", "FetchStarted", *_OPTIONAL_BODY_ERRORS, "404", "409"
                    ),
                }
            },
            "/api/items/{item_id}/draft": {
                "post": {
                    "summary": "Extract and draft an item that has no stub, such as one a feed's "
                    "first fetch held back: its article is queued, its stub follows",
                    "parameters": [
                        _path("item_id", "The item's id (`aggregator items`).", {"type": "integer"})
                    ],
                    "requestBody": _body("Empty"),
                    "responses": _answers(
                        "202", "Queued.", "ArticleQueued", *_OPTIONAL_BODY_ERRORS, "404"
                    ),
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": schemas()},
    }
