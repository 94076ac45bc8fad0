"""The editors' stub pages: the filtered list, and one stub beside its source with one form for
its parts (one Save, `stub_edit`) and buttons for the states it may move to.

Everything a page shows is read in one trip to a reader thread (`Database.read`); the list
reads summaries, not parts. The stub's rendering comes from `render_html`, which escapes and
sanitises it; it is the only markup the templates do not escape. A refused change shows the
page again with the reason (and what the editor typed), with 400 for a request that cannot
work as sent, 404 for a missing stub or part and 409 for one the stub's state does not allow.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aggregator.drafting.messages import messages
from aggregator.drafting.render import render_html
from aggregator.sanitize import safe_http_url
from aggregator.storage.desk import TRANSITIONS, Desk, DeskError, Event, Source, StubFilter
from aggregator.storage.ordering import SORTS
from aggregator.storage.summaries import StubSummary
from aggregator.stub_records import HEADINGS, STATES, Stub
from aggregator.web.actions import INVALID, Refusal, allowed_categories
from aggregator.web.context import WebContext
from aggregator.web.filters import (
    BadQuery,
    filter_params,
    list_query,
    read_filter,
    read_page_number,
    sort_problem,
    stub_url,
)
from aggregator.web.pages import stub_edit
from aggregator.web.pages.render import render
from aggregator.web.pages.stub_form import Conflict, PartsForm

PAGE_SIZE = 50
_PARAGRAPHS = re.compile(r"\n\s*")


@dataclass(frozen=True, slots=True)
class Listing:
    stubs: list[StubSummary]
    total: int
    by_state: dict[str, int]
    """How many stubs of each state match the other filters."""
    facets: dict[str, list[str]]
    empty: bool = False
    """The desk has no stub at all: nothing was fetched and drafted yet."""


@dataclass(frozen=True, slots=True)
class StubView:
    stub: Stub
    source: Source | None
    events: list[Event]
    before: int | None = None
    after: int | None = None
    """The stubs before and after this one in the list it was opened from."""


def read_listing(desk: Desk, where: StubFilter, page: int) -> Listing:
    """The list's page, counts and filter choices, read on one connection (one snapshot)."""
    with desk.snapshot() as seen:
        by_state = seen.count_by_state(where)
        total = sum(n for s, n in by_state.items() if not where.states or s in where.states)
        return Listing(
            stubs=seen.find_summaries(where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE),
            total=total,
            by_state=by_state,
            facets=seen.facets(),
            empty=total == 0 and seen.count(StubFilter()) == 0,
        )


def read_stub_view(desk: Desk, item_id: int, listed: StubFilter | None = None) -> StubView:
    """The stub, its source and history, and its neighbours in the list `listed` (the whole
    list, newest first, when the page was not opened from a list)."""
    with desk.snapshot() as seen:
        stub = seen.get(item_id)
        try:
            source: Source | None = seen.source(item_id)
        except DeskError:
            source = None
        before, after = seen.neighbours(listed or StubFilter(), item_id)
        return StubView(stub, source, seen.events(item_id), before, after)


def event_text(event: Event) -> str:
    """An event as a line of the history: `draft → reviewed`, `edited News Summary`."""
    if event.action == "edit":
        return f"edited {HEADINGS.get(event.detail or '', event.detail or 'a part')}"
    if event.action == "state":
        try:
            move = json.loads(event.detail or "")
            return f"{move['from']} → {move['to']}"
        except (ValueError, KeyError, TypeError):
            pass
    if event.action == "related":
        return f"later related articles: {event.detail}"
    return " ".join(filter(None, (event.action, event.detail)))


def source_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPHS.split(text) if p.strip()]


def routes(ctx: WebContext) -> list[Route]:
    async def stub_list(request: Request) -> Response:
        params = request.query_params
        try:  # an unknown sort is not worth an error page: the list says it ignored it
            where = read_filter(params.getlist, strict_sort=False)
            page = read_page_number(params.getlist)
        except BadQuery as exc:
            return await _list(request, ctx, StubFilter(), 1, status=400, error=str(exc))
        note = sort_problem(params.getlist)
        return await _list(request, ctx, where, page, sort_note=note)

    async def stub_page(request: Request) -> Response:
        item_id = _item_id(request)
        if item_id is None:
            return _missing(request, ctx, request.path_params["item_id"])
        try:  # the list it was opened from: its filters, search and sort
            listed = read_filter(request.query_params.getlist, strict_sort=False)
        except BadQuery:
            listed = StubFilter()
        return await _show(request, ctx, item_id, listed=listed)

    return [
        Route("/stubs", stub_list, methods=["GET"]),
        Route("/stubs/{item_id}", stub_page, methods=["GET"]),
        *stub_edit.routes(ctx, _show, _missing),
    ]


async def _list(
    request: Request,
    ctx: WebContext,
    where: StubFilter,
    page: int,
    *,
    status: int = 200,
    error: str | None = None,
    sort_note: str | None = None,
) -> Response:
    listing: Listing = await ctx.read(read_listing, ctx.desk, where, page)
    pages = max(1, math.ceil(listing.total / PAGE_SIZE))
    params = filter_params(where)
    query = list_query(where)
    without_state = [(k, v) for k, v in params if k != "state"]
    return render(
        request,
        ctx,
        "stubs.html",
        status,
        error=error,
        listing=listing,
        where=where,
        page=page,
        pages=pages,
        first=(page - 1) * PAGE_SIZE + 1,
        page_link=lambda n: "/stubs?" + urlencode([*params, ("page", str(n))]),
        state_link=lambda s: (
            "/stubs?" + urlencode([("state", s), *without_state] if s else without_state)
        ),
        sorts=SORTS,
        sort_note=sort_note and f"{sort_note}: the list is in its usual order",
        from_list=f"?{query}" if query else "",  # a stub's link: /stubs/<id> + from_list
        back=urlencode([*params, ("page", str(page))]) if page > 1 else query,
    )


async def _show(
    request: Request,
    ctx: WebContext,
    item_id: int,
    refusal: Refusal | None = None,
    *,
    draft: dict[str, str] | None = None,
    editor: str | None = None,
    based_on: PartsForm | None = None,
    conflicts: Sequence[Conflict] = (),
    listed: StubFilter | None = None,
) -> Response:
    """The stub page; `draft` fills parts with the editor's unsaved text, and `based_on` keeps
    the version and texts the editor's page was rendered from (a refused save must not make
    them current), `conflicts` the parts someone else saved meanwhile (stub_edit)."""
    try:
        view: StubView = await ctx.read(read_stub_view, ctx.desk, item_id, listed)
    except DeskError:
        return _missing(request, ctx, str(item_id))
    status = 200
    if refusal is not None:  # 422 and the input rules' 400 are both "cannot work as sent"
        status = 400 if refusal.status == INVALID else refusal.status
    source = view.source
    query = list_query(listed or StubFilter())
    return render(
        request,
        ctx,
        "stub.html",
        status,
        list_link="/stubs" + (f"?{query}" if query else ""),
        from_list=f"?{query}" if query else "",
        before_link=None if view.before is None else stub_url(view.before, query),
        after_link=None if view.after is None else stub_url(view.after, query),
        error=refusal.message if refusal else None,
        editor=editor,
        stub=view.stub,
        source=source,
        source_link=safe_http_url(source.url) if source else None,
        paragraphs=source_paragraphs(source.text) if source else [],
        rendered=Markup(render_html(view.stub)),  # sanitised by render_html: trusted markup
        headings={  # the parts' headings as the stub's own page names them
            p.name: messages(view.stub.provenance.target_language).heading(p.name)
            for p in view.stub.parts
        },
        transitions=[s for s in STATES if s in TRANSITIONS[view.stub.state]],
        events=[(e.at, e.who, event_text(e)) for e in reversed(view.events)],
        draft=draft or {},
        categories=allowed_categories(ctx),
        **stub_edit.form_values(view.stub, view.events, based_on, conflicts),
    )


def _missing(request: Request, ctx: WebContext, item_id: str) -> Response:
    return render(
        request,
        ctx,
        "message.html",
        404,
        heading="No such stub",
        error=f"There is no drafted stub {item_id!r}.",
    )


def _item_id(request: Request) -> int | None:
    value: str = request.path_params["item_id"]
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
