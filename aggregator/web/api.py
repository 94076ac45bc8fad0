"""The JSON API under /api: the stubs with the same filters as the page, edits and moves, the
history, the feeds and fetch-now, described by the OpenAPI document at /api/openapi.json.

Writes take `Content-Type: application/json` only and refuse requests another site started:
a page elsewhere cannot send JSON without a CORS preflight, which this API never answers, so an
editor's browser cannot be made to change anything. Who made a change is the `editor` of the
body. Every error is `{"error": "..."}` with its status: 400 unreadable request or a value that
breaks an input rule (`rules.py`: JSON nested too deeply, not UTF-8, a lone surrogate, an
editor's name with control characters, a category the config does not have), 403 refused
cross-site, 404 no such thing, 405 wrong method, 409 not allowed in the current state, 413 body
too large, 415 not JSON, 422 JSON that does not say what is needed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route

from aggregator.drafting.records import Stub
from aggregator.net.headers import media_type
from aggregator.storage.desk import Desk, DeskError, Event, Source, StubFilter
from aggregator.storage.store import FeedRow
from aggregator.web.actions import (
    Refusal,
    allowed_categories,
    edit_part,
    load_stub,
    move_stub,
    start_fetch,
)
from aggregator.web.api_json import event_json, feed_json, source_json, stub_json
from aggregator.web.context import WebContext
from aggregator.web.filters import BadQuery, read_filter, read_paging
from aggregator.web.incoming import BodyTooLarge, cross_site_reason, read_body
from aggregator.web.openapi import openapi_document
from aggregator.web.rules import BadInput, json_document

MAX_BODY_BYTES = 1 << 20
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
FALLBACK = "api-fallback"
"""The name of the route answering JSON errors for every other path under /api."""

Endpoint = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def answers_json(fn: Endpoint) -> Endpoint:
    """`fn` with its refusals answered as JSON errors."""

    async def endpoint(request: Request) -> Response:
        try:
            return await fn(request)
        except (ApiError, Refusal) as exc:
            return error(exc.status, exc.message)
        except BadQuery as exc:
            return error(400, str(exc))

    return endpoint


async def json_body(request: Request, *, required: bool = True) -> dict[str, Any]:
    """The JSON object of a write, after the checks that keep other sites out."""
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
        body = json_document(raw)
    except BadInput as exc:
        raise ApiError(400, str(exc)) from None
    if not isinstance(body, dict):
        raise ApiError(422, "the body must be a JSON object")
    return body


def text_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise ApiError(422, f"{name!r} is required: a string")
    return value


def item_id_of(request: Request) -> int:
    value: str = request.path_params["item_id"]
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        raise ApiError(404, f"no drafted stub {value!r}")
    return int(value)


def routes(ctx: WebContext) -> list[BaseRoute]:
    async def list_stubs(request: Request) -> Response:
        where = read_filter(request.query_params.getlist, empty_values=False)
        paging = read_paging(
            request.query_params.getlist, default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT
        )
        found, total = await ctx.db(_found, ctx.desk, where, paging.limit, paging.offset)
        return JSONResponse(
            {
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
                "items": [stub_json(s) for s in found],
            }
        )

    async def get_stub(request: Request) -> Response:
        stub = await load_stub(ctx, item_id_of(request))
        try:
            source: Source | None = await ctx.db(ctx.desk.source, stub.item_id)
        except DeskError:
            source = None
        return JSONResponse({**stub_json(stub), "source": source_json(source) if source else None})

    async def put_part(request: Request) -> Response:
        item_id = item_id_of(request)
        body = await json_body(request)
        content, editor = text_field(body, "content"), text_field(body, "editor")
        stub = await edit_part(ctx, item_id, request.path_params["name"], content, editor)
        return JSONResponse(stub_json(stub))

    async def post_state(request: Request) -> Response:
        item_id = item_id_of(request)
        body = await json_body(request)
        state, editor = text_field(body, "state"), text_field(body, "editor")
        stub = await move_stub(ctx, item_id, state, editor)
        return JSONResponse(stub_json(stub))

    async def stub_events(request: Request) -> Response:
        stub = await load_stub(ctx, item_id_of(request))
        events: list[Event] = await ctx.db(ctx.desk.events, stub.item_id)
        return JSONResponse({"item_id": stub.item_id, "events": [event_json(e) for e in events]})

    async def list_feeds(request: Request) -> Response:
        rows: list[FeedRow] = await ctx.db(ctx.app.store.feed_rows)
        return JSONResponse({"feeds": [feed_json(r) for r in rows]})

    async def fetch_feed(request: Request) -> Response:
        await json_body(request, required=False)
        names = await start_fetch(ctx, (request.path_params["name"],))
        return JSONResponse({"fetching": list(names)}, status_code=202)

    async def fetch_all(request: Request) -> Response:
        await json_body(request, required=False)
        names = await start_fetch(ctx, ())
        return JSONResponse({"fetching": list(names)}, status_code=202)

    async def draft_item(request: Request) -> Response:
        """An item a first fetch held back (or whose article the cleanup let go): its article
        is queued, and extraction and drafting pick it up as they do every article."""
        value: str = request.path_params["item_id"]
        await json_body(request, required=False)
        app = ctx.app
        state = None
        if value.isascii() and value.isdigit() and len(value) < 12:
            state = await ctx.db(app.articles.queue.request, int(value), app.clock())
        if state is None:
            raise ApiError(404, f"no item {value!r}")
        return JSONResponse({"item_id": int(value), "article": state}, status_code=202)

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(allowed_categories(ctx)))

    described = [
        Route("/api/stubs", answers_json(list_stubs), methods=["GET"]),
        Route("/api/stubs/{item_id}", answers_json(get_stub), methods=["GET"]),
        Route("/api/stubs/{item_id}/parts/{name}", answers_json(put_part), methods=["PUT"]),
        Route("/api/stubs/{item_id}/state", answers_json(post_state), methods=["POST"]),
        Route("/api/stubs/{item_id}/events", answers_json(stub_events), methods=["GET"]),
        Route("/api/feeds", answers_json(list_feeds), methods=["GET"]),
        Route("/api/feeds/fetch", answers_json(fetch_all), methods=["POST"]),
        Route("/api/feeds/{name:path}/fetch", answers_json(fetch_feed), methods=["POST"]),
        Route("/api/items/{item_id}/draft", answers_json(draft_item), methods=["POST"]),
        Route("/api/openapi.json", openapi, methods=["GET"]),
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

    return [*described, Route("/api/{rest:path}", fallback, methods=ANY_METHOD, name=FALLBACK)]


def _found(desk: Desk, where: StubFilter, limit: int, offset: int) -> tuple[list[Stub], int]:
    return desk.find(where, limit=limit, offset=offset), desk.count(where)
