"""Every route of the API with what the document says about it: path, method, parameters,
body and answer models, statuses and headers. `api.py` builds its routes from these and
`openapi.py` the document, so a route cannot go undocumented."""

from __future__ import annotations

from typing import get_args

from aggregator.web.api import answers, bodies
from aggregator.web.api.openapi import Header, Operation, Param

WRITE_ERRORS = (400, 403, 404, 409, 412, 413, 415, 422, 428)
"""A stub's write: besides the body's errors, 412 when the stub changed since the version its
If-Match names, 428 without If-Match."""
NO_BODY_ERRORS = (400, 403, 413, 415, 422)
"""What a write that needs nothing in its body answers besides its own errors. Its body is
still required: Content-Type application/json is what keeps other sites' forms out, so `{}`
(or an empty body sent as JSON) is asked for, and a request without it is 415."""

ITEM_ID = Param("item_id", "path", "The stub's item id.", {"type": "integer", "minimum": 0})
IF_MATCH = Param(
    "If-Match",
    "header",
    'The ETag of the stub as read (`"12-3"`: item id, version); without it 428, and 412 when '
    "the stub has changed since.",
    {"type": "string"},
)
ETAG = Header(
    "ETag",
    "The stub's version as a strong entity tag: send it in If-Match to change the stub.",
    {"type": "string"},
)
PART_NAME = Param(
    "name", "path", "The part.", {"type": "string", "enum": list(get_args(bodies.PartNameValue))}
)

STUBS = Operation(
    "GET",
    "/api/stubs",
    "Stubs matching the filters, newest drafts first",
    answers.StubList,
    errors=(400,),
    query=bodies.StubQuery,
)
STUB = Operation(
    "GET",
    "/api/stubs/{item_id}",
    "One stub with the extracted text it was drafted from",
    answers.StubWithSource,
    errors=(404,),
    params=(ITEM_ID,),
    headers=(ETAG,),
)
PART = Operation(
    "PUT",
    "/api/stubs/{item_id}/parts/{name}",
    "Replace a part's content; the part is kept across redrafts",
    answers.Stub,
    errors=WRITE_ERRORS,
    body=bodies.PartEdit,
    params=(ITEM_ID, PART_NAME, IF_MATCH),
    headers=(ETAG,),
    description="Saved with text, the part is `edited`; saved empty, it is to write again.",
    names_categories=True,
)
STATE = Operation(
    "POST",
    "/api/stubs/{item_id}/state",
    "Move a stub to another state (draft, reviewed, approved, rejected)",
    answers.Stub,
    errors=WRITE_ERRORS,
    body=bodies.StateMove,
    params=(ITEM_ID, IF_MATCH),
    headers=(ETAG,),
    description="draft → reviewed or rejected; reviewed → approved, rejected or draft; "
    "approved → draft or rejected; rejected → draft. Others answer 409.",
)
EVENTS = Operation(
    "GET",
    "/api/stubs/{item_id}/events",
    "Who edited or moved the stub, and when",
    answers.Events,
    errors=(404,),
    params=(ITEM_ID,),
)
FEEDS = Operation(
    "GET",
    "/api/feeds",
    "Each feed's health: last status, last success, next check, errors",
    answers.Feeds,
)
FETCH_ALL = Operation(
    "POST",
    "/api/feeds/fetch",
    "Fetch every enabled feed now, in the background",
    answers.FetchStarted,
    status=202,
    errors=NO_BODY_ERRORS,
    body=bodies.Empty,
)
FETCH_ONE = Operation(
    "POST",
    "/api/feeds/{name:path}/fetch",
    "Fetch one feed now, in the background",
    answers.FetchStarted,
    status=202,
    errors=(*NO_BODY_ERRORS, 404, 409),
    body=bodies.Empty,
    params=(Param("name", "path", "The feed's name from the config.", {"type": "string"}),),
)
DRAFT_ITEM = Operation(
    "POST",
    "/api/items/{item_id}/draft",
    "Extract and draft an item that has no stub, such as one a feed's first fetch held back: "
    "its article is queued, its stub follows",
    answers.ArticleQueued,
    status=202,
    errors=(*NO_BODY_ERRORS, 404),
    body=bodies.Empty,
    params=(Param("item_id", "path", "The item's id (`aggregator items`).", {"type": "integer"}),),
)
OPENAPI = Operation("GET", "/api/openapi.json", "This description (OpenAPI 3.1)", None, public=True)
HEALTH = Operation(
    "GET",
    "/healthz",
    "Whether the database can serve the desk (served beside the API, not under /api)",
    answers.HealthReport,
    errors=(503,),
    public=True,
)
ELSEWHERE = (HEALTH,)
"""Operations the document describes whose routes other modules serve (`ops.py`)."""
