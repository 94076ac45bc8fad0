"""The JSON schemas of the API's answers and bodies, for its OpenAPI description.

They follow `api_json` (stubs, sources, events, feeds) and `Part.to_json` field for field.
"""

from __future__ import annotations

from typing import Any

from aggregator.drafting.records import KINDS, PART_NAMES, STATES
from aggregator.web.rules import MAX_NAME_CHARS, NAME_PATTERN, NAME_RULE

_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_NULLABLE_NUMBER = {"type": ["number", "null"]}


def ref(name: str) -> dict[str, str]:
    """A reference to the schema `name` of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


def schemas() -> dict[str, Any]:
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {"type": "string", "description": "What went wrong, for people."}
            },
        },
        "Entry": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": {"type": "string"},
                "start": {"type": "integer", "description": "Offset in the article text."},
                "end": {"type": "integer"},
                "url": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "published": {
                    "type": "string",
                    "description": "ISO 8601 date of a linked article.",
                },
                "source": {
                    "type": "string",
                    "description": "The feed a linked article comes from.",
                },
                "score": {"type": "number"},
                "original": {
                    "type": "string",
                    "description": "The source-language text (a linked article's title) that "
                    "text and title were machine-translated from.",
                },
                "credit": {
                    "type": "string",
                    "description": "An illustration's credit: who made the image.",
                },
                "licence": {"type": "string", "description": "An illustration's licence."},
                "licence_url": {"type": "string", "format": "uri"},
                "licence_from": {
                    "type": "string",
                    "enum": ["credit", "feed"],
                    "description": "Whether the image's credit names the licence or the "
                    "feed's licence is assumed.",
                },
                "found_at": {
                    "type": "string",
                    "format": "uri",
                    "description": "The page an illustration appeared on.",
                },
            },
        },
        "Part": {
            "type": "object",
            "required": ["name", "kind", "content"],
            "properties": {
                "name": {"type": "string", "enum": list(PART_NAMES)},
                "kind": {
                    "type": "string",
                    "enum": list(KINDS),
                    "description": "Who made the content: prepared, machine_draft (to check), "
                    "to_write (empty, see prompt) or edited (an editor's text, kept on redraft).",
                },
                "content": {"type": "string"},
                "prompt": {"type": "string", "description": "What the editor should write here."},
                "original": {
                    "type": "string",
                    "description": "The text a machine draft translates.",
                },
                "pending": {
                    "type": "string",
                    "description": "Why a machine step has not happened yet.",
                },
                "by": {"type": "string", "description": "What made the content."},
                "flags": {"type": "array", "items": {"type": "string"}},
                "entries": {"type": "array", "items": ref("Entry")},
                "edited": {
                    "type": "boolean",
                    "description": "True when kind is edited; kept for older clients.",
                },
            },
        },
        "Provenance": {
            "type": "object",
            "required": ["feed", "target_language", "backends", "usage"],
            "properties": {
                "feed": {"type": "string"},
                "fetched_at": _NULLABLE_STRING,
                "extraction_method": _NULLABLE_STRING,
                "content_hash": _NULLABLE_STRING,
                "source_language": _NULLABLE_STRING,
                "target_language": {"type": "string"},
                "backends": {"type": "array", "items": {"type": "string"}},
                "prompt_version": _NULLABLE_STRING,
                "drafted_at": _NULLABLE_STRING,
                "usage": {"type": "object", "additionalProperties": {"type": "number"}},
                "text_cut": _NULLABLE_STRING,
            },
        },
        "Stub": {
            "type": "object",
            "required": ["item_id", "feed", "state", "stale", "parts", "provenance"],
            "properties": {
                "item_id": {"type": "integer"},
                "feed": {"type": "string"},
                "guid": _NULLABLE_STRING,
                "url": _NULLABLE_STRING,
                "title": {"type": "string"},
                "state": {"type": "string", "enum": list(STATES)},
                "state_changed_at": _NULLABLE_TIME,
                "state_changed_by": _NULLABLE_STRING,
                "stale": {"type": "boolean"},
                "stale_reason": _NULLABLE_STRING,
                "category": _NULLABLE_STRING,
                "source_language": _NULLABLE_STRING,
                "target_language": {"type": "string"},
                "quality": _NULLABLE_NUMBER,
                "published": _NULLABLE_TIME,
                "author": _NULLABLE_STRING,
                "pending": _NULLABLE_STRING,
                "errors": {"type": "array", "items": {"type": "string"}},
                "drafted_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "provenance": ref("Provenance"),
                "parts": {"type": "array", "items": ref("Part"), "description": "In page order."},
            },
        },
        "Source": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "url": _NULLABLE_STRING,
                "title": _NULLABLE_STRING,
                "text": {"type": "string", "description": "The extracted article text."},
                "method": _NULLABLE_STRING,
                "language": _NULLABLE_STRING,
                "quality": _NULLABLE_NUMBER,
            },
        },
        "StubWithSource": {
            "allOf": [
                ref("Stub"),
                {
                    "type": "object",
                    "required": ["source"],
                    "properties": {"source": {"oneOf": [ref("Source"), {"type": "null"}]}},
                },
            ]
        },
        "StubList": {
            "type": "object",
            "required": ["total", "limit", "offset", "items"],
            "properties": {
                "total": {"type": "integer", "description": "How many stubs match the filters."},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "items": {"type": "array", "items": ref("Stub")},
            },
        },
        "Event": {
            "type": "object",
            "required": ["at", "who", "action"],
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "who": {"type": "string"},
                "action": {"type": "string", "enum": ["edit", "state", "related"]},
                "detail": _NULLABLE_STRING,
                "from": {"type": "string", "enum": list(STATES)},
                "to": {"type": "string", "enum": list(STATES)},
            },
        },
        "Events": {
            "type": "object",
            "required": ["item_id", "events"],
            "properties": {
                "item_id": {"type": "integer"},
                "events": {"type": "array", "items": ref("Event"), "description": "Oldest first."},
            },
        },
        "Feed": {
            "type": "object",
            "required": ["name", "url", "enabled", "error_count", "items"],
            "properties": {
                "name": {"type": "string"},
                "url": {"type": "string"},
                "title": _NULLABLE_STRING,
                "enabled": {"type": "boolean"},
                "in_config": {"type": "boolean"},
                "retired_at": _NULLABLE_TIME,
                "last_status": _NULLABLE_STRING,
                "last_http_status": {"type": ["integer", "null"]},
                "last_error": _NULLABLE_STRING,
                "last_problem": _NULLABLE_STRING,
                "last_checked_at": _NULLABLE_TIME,
                "last_success_at": _NULLABLE_TIME,
                "error_count": {"type": "integer"},
                "next_check_at": _NULLABLE_TIME,
                "next_check_reason": _NULLABLE_STRING,
                "items": {"type": "integer"},
            },
        },
        "Feeds": {
            "type": "object",
            "required": ["feeds"],
            "properties": {"feeds": {"type": "array", "items": ref("Feed")}},
        },
        "FetchStarted": {
            "type": "object",
            "required": ["fetching"],
            "properties": {
                "fetching": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The feeds being fetched in the background.",
                }
            },
        },
        "ArticleQueued": {
            "type": "object",
            "required": ["item_id", "article"],
            "properties": {
                "item_id": {"type": "integer"},
                "article": {
                    "type": "string",
                    "description": "The article's state: pending (queued, or already waiting), "
                    "done (extracted already: the stub is drafted or queued).",
                },
            },
        },
        "PartEdit": {
            "type": "object",
            "required": ["content", "editor"],
            "properties": {
                "content": {
                    "type": "string",
                    "maxLength": 50000,
                    "description": "The part's new text; empty leaves it to write again. For "
                    "the category part, one of the config's categories (see the operation).",
                },
                "editor": _editor(),
            },
        },
        "StateMove": {
            "type": "object",
            "required": ["state", "editor"],
            "properties": {
                "state": {"type": "string", "enum": list(STATES)},
                "editor": _editor(),
            },
        },
        "Empty": {
            "type": "object",
            "description": "Nothing is needed: send {} (an empty body is taken too, as long as "
            "it is sent as Content-Type: application/json).",
        },
    }


def _editor() -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_NAME_CHARS,
        "pattern": NAME_PATTERN,
        "description": f"Who makes the change: {NAME_RULE}",
    }
