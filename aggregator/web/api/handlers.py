"""The JSON API under /api: the stubs with the same filters as the page, edits and moves, the
history, the feeds and fetch-now, described by the OpenAPI document at /api/openapi.json.

Writes take `Content-Type: application/json` only and refuse requests another site started:
a page elsewhere cannot send JSON without a CORS preflight, which this API never answers, so an
editor's browser cannot be made to change anything. Who makes a change is the account of the
API token (`Authorization: Bearer`) or of the signed-in session (`gate.py`), whose role must
allow it; only in `none` mode, where nobody signs in, is it the `editor` of the body. Every
error is `{"error": "..."}` with its status: 400 unreadable request or a value that
breaks an input rule (`rules.py`: JSON nested too deeply, not UTF-8, a lone surrogate, an
editor's name with control characters, a category the config does not have), 401 nobody
signed in, 403 refused cross-site or by the role, 404 no such thing, 405 wrong method, 409
not allowed in the current state, 413 body too large, 415 not JSON, 422 JSON that does not say
what is needed.

A stub's answers carry its version as a strong `ETag`; its writes must send it back in
`If-Match`: 428 without it, 412 when the stub changed since (`versions.stale_answer`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route

from aggregator.net.headers import media_type
from aggregator.storage.desk import Desk, DeskError, Event, Source, StubFilter
from aggregator.storage.store import FeedRow
from aggregator.web.actions import (
    Refusal,
    Stale,
    acting,
    allowed_categories,
    edit_part,
    load_stub,
    move_stub,
    start_fetch,
)
from aggregator.web.api import operations as described_as
from aggregator.web.api.answers import (
    Answer,
    ArticleQueued,
    Error,
    Events,
    Feed,
    Feeds,
    FetchStarted,
    StubList,
    StubWithSource,
)
from aggregator.web.api.answers import Event as EventAnswer
from aggregator.web.api.answers import Stub as StubAnswer
from aggregator.web.api.answers import StubSummary as SummaryAnswer
from aggregator.web.api.bodies import DEFAULT_LIMIT, MAX_LIMIT, Empty, PartEdit, StateMove
from aggregator.web.api.errors import refusal
from aggregator.web.api.openapi import Operation, openapi_document
from aggregator.web.api.preconditions import PreconditionRequired, based_on
from aggregator.web.api.versions import etag_of, stale_answer
from aggregator.web.context import WebContext
from aggregator.web.filters import BadQuery, GetList, Paging, read_filter, read_paging
from aggregator.web.identity import asking
from aggregator.web.incoming import BodyTooLarge, cross_site_reason, read_body
from aggregator.web.rules import BadInput, json_document

MAX_BODY_BYTES = 1 << 20
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
FALLBACK = "api-fallback"
"""The name of the route answering JSON errors for every other path under /api."""

Endpoint = Callable[[Request], Awaitable[Response]]
Body = TypeVar("Body", bound=BaseModel)
Row = TypeVar("Row")
PARTS_VALUES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return answer(Error(error=message), status, headers)


def answer(model: Answer, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`model` as the JSON of the answer, serialised by its own model."""
    return Response(
        model.model_dump_json(), status_code=status, headers=headers, media_type="application/json"
    )


def answers_json(fn: Endpoint) -> Endpoint:
    """`fn` with its refusals answered as JSON errors."""

    async def endpoint(request: Request) -> Response:
        try:
            return await fn(request)
        except Stale as stale:  # a part's write answers with the part's current text
            return stale_answer(stale, request.path_params.get("name"))
        except (ApiError, Refusal) as exc:
            return error(exc.status, exc.message)
        except BadQuery as exc:
            return error(400, str(exc))

    return endpoint


async def json_body(request: Request, *, required: bool = True) -> object:
    """The JSON value of a write, after the checks that keep other sites out; its model
    says whether it is what the write needs (`parse`)."""
    reason = cross_site_reason(request)
    if reason is not None:
        raise ApiError(403, reason)
    if media_type(request.headers.get("content-type")) != "application/json":
        raise ApiError(415, "send the request body as Content-Type: application/json")
    try:
        raw = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge as exc:
        raise ApiError(413, str(exc)) from None
    if not raw.strip():
        if required:
            raise ApiError(400, "the body is empty; send a JSON object")
        return {}
    try:
        return json_document(raw)
    except BadInput as exc:
        raise ApiError(400, str(exc)) from None


async def parse(request: Request, model: type[Body], **context: object) -> Body:
    """The body of a write as `model`, validated with `context` (the config's categories);
    400 for a value that breaks an input rule, 422 for one that does not say what is
    needed."""
    body = await json_body(request, required=model is not Empty)
    try:
        return model.model_validate(body, context=context)
    except ValidationError as exc:
        raise ApiError(*refusal(exc)) from None


async def if_match(ctx: WebContext, request: Request, item_id: int) -> int:
    """The version of the stub a write was based on, from its If-Match (`preconditions`);
    428 without one (404 first when there is no such stub)."""
    try:
        return based_on(request.headers.get("if-match"), item_id)
    except PreconditionRequired as exc:
        await load_stub(ctx, item_id)
        raise ApiError(428, str(exc)) from None


def item_id_of(request: Request) -> int:
    value: str = request.path_params["item_id"]
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        raise ApiError(404, f"no drafted stub {value!r}")
    return int(value)


def routes(ctx: WebContext) -> list[BaseRoute]:
    async def list_stubs(request: Request) -> Response:
        return answer(await stub_list(ctx, request.query_params.getlist))

    async def get_stub(request: Request) -> Response:
        stub = await load_stub(ctx, item_id_of(request))
        try:
            source: Source | None = await ctx.db(ctx.desk.source, stub.item_id)
        except DeskError:
            source = None
        return answer(StubWithSource.with_source(stub, source), headers=etag_of(stub))

    async def put_part(request: Request) -> Response:
        item_id, name = item_id_of(request), request.path_params["name"]
        edit = await parse(request, PartEdit, part=name, categories=allowed_categories(ctx))
        version = await if_match(ctx, request, item_id)  # after the body's checks
        who = acting(asking(request), edit.editor)
        stub = await edit_part(ctx, item_id, name, edit.content, who, version)
        return answer(StubAnswer.of(stub), headers=etag_of(stub))

    async def post_state(request: Request) -> Response:
        item_id = item_id_of(request)
        move = await parse(request, StateMove)
        who = acting(asking(request), move.editor)
        stub = await move_stub(ctx, item_id, move.state, who, await if_match(ctx, request, item_id))
        return answer(StubAnswer.of(stub), headers=etag_of(stub))

    async def stub_events(request: Request) -> Response:
        stub = await load_stub(ctx, item_id_of(request))
        events: list[Event] = await ctx.db(ctx.desk.events, stub.item_id)
        return answer(Events(item_id=stub.item_id, events=[EventAnswer.of(e) for e in events]))

    async def list_feeds(request: Request) -> Response:
        rows: list[FeedRow] = await ctx.db(ctx.app.store.feed_rows)
        return answer(Feeds(feeds=[Feed.of(r) for r in rows]))

    async def fetch_feed(request: Request) -> Response:
        await parse(request, Empty)
        names = await start_fetch(ctx, (request.path_params["name"],), asking(request))
        return answer(FetchStarted(fetching=list(names)), 202)

    async def fetch_all(request: Request) -> Response:
        await parse(request, Empty)
        names = await start_fetch(ctx, (), asking(request))
        return answer(FetchStarted(fetching=list(names)), 202)

    async def draft_item(request: Request) -> Response:
        """An item a first fetch held back (or whose article the cleanup let go): its article
        is queued, and extraction and drafting pick it up as they do every article."""
        value: str = request.path_params["item_id"]
        await parse(request, Empty)
        app = ctx.app
        state = None
        if value.isascii() and value.isdigit() and len(value) < 12:
            state = await ctx.db(app.article_queue.request, int(value), app.clock())
        if state is None:
            raise ApiError(404, f"no item {value!r}")
        return answer(ArticleQueued(item_id=int(value), article=state), 202)

    async def openapi(request: Request) -> Response:
        documented = [*operations, *described_as.ELSEWHERE]
        return JSONResponse(openapi_document(documented, allowed_categories(ctx)))

    endpoints: list[tuple[Operation, Endpoint]] = [
        (described_as.STUBS, list_stubs),
        (described_as.STUB, get_stub),
        (described_as.PART, put_part),
        (described_as.STATE, post_state),
        (described_as.EVENTS, stub_events),
        (described_as.FEEDS, list_feeds),
        (described_as.FETCH_ALL, fetch_all),
        (described_as.FETCH_ONE, fetch_feed),
        (described_as.DRAFT_ITEM, draft_item),
        (described_as.OPENAPI, openapi),
    ]
    operations = [op for op, _ in endpoints]
    described = [
        Route(op.path, answers_json(endpoint), methods=[op.method]) for op, endpoint in endpoints
    ]

    async def fallback(request: Request) -> Response:
        allowed = sorted(
            {
                method
                for route in described
                if isinstance(route, Route) and route.matches(request.scope)[0] == Match.PARTIAL
                for method in route.methods or ()
            }
        )
        if allowed:
            return error(
                405, f"use {', '.join(allowed)} here", headers={"Allow": ", ".join(allowed)}
            )
        return error(404, f"no API endpoint {request.url.path}")

    last = Route("/api/{rest:path}", fallback, methods=ANY_METHOD, name=FALLBACK)
    # Its `.*` stops at a line break (%0A in a path), which would leave the path to
    # starlette's plain-text 404: let it match every path under /api.
    last.path_regex = re.compile(last.path_regex.pattern, re.DOTALL)
    return [*described, last]


async def stub_list(ctx: WebContext, getlist: GetList) -> StubList:
    """The list the query asks for: summaries, or with `parts=yes` the full stubs (read on a
    reader thread, `Database.read`)."""
    where = read_filter(getlist, empty_values=False)
    paging = read_paging(getlist, default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT)
    items: list[SummaryAnswer] | list[StubAnswer]
    if wants_parts(getlist):
        found, total = await ctx.read(_found, Desk.find, ctx.desk, where, paging)
        items = [StubAnswer.of(s) for s in found]
    else:
        rows, total = await ctx.read(_found, Desk.find_summaries, ctx.desk, where, paging)
        items = [SummaryAnswer.of(s) for s in rows]
    return StubList(total=total, limit=paging.limit, offset=paging.offset, items=items)


def wants_parts(getlist: GetList) -> bool:
    """`parts=yes` (true, 1) asks the list for the full stubs; no (false, 0) or none for
    summaries."""
    values = getlist("parts")
    value = values[-1].strip().lower() if values else "no"
    if value not in PARTS_VALUES:
        raise BadQuery(f"parts: yes or no, not {value!r}")
    return PARTS_VALUES[value]


def _found(
    find: Callable[..., list[Row]], desk: Desk, where: StubFilter, paging: Paging
) -> tuple[list[Row], int]:
    """A page of the list (`find`: `Desk.find` or `Desk.find_summaries`) and how many
    match, read on one connection."""
    with desk.snapshot() as seen:
        return find(seen, where, limit=paging.limit, offset=paging.offset), seen.count(where)
