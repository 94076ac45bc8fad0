"""The feeds page: each feed's health as `aggregator feeds` shows it, with buttons that start a
fetch at once instead of waiting for the next scheduled check.

A fetch runs in the background; the page answers straight away and says so, and the editor
reloads it to see the outcome.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aggregator.sanitize import safe_http_url
from aggregator.storage.store import FeedRow
from aggregator.web.actions import Refusal, start_fetch
from aggregator.web.context import WebContext
from aggregator.web.identity import asking
from aggregator.web.pages.render import Form, form_post, render, see_other


def fetchable(row: FeedRow) -> bool:
    return row.enabled and row.in_config and row.retired_at is None


def routes(ctx: WebContext) -> list[Route]:
    async def feeds_page(request: Request) -> Response:
        return await _show(request, ctx)

    async def fetch_one(request: Request, form: Form) -> Response:
        name: str = request.path_params["name"]
        try:
            await start_fetch(ctx, (name,), asking(request))
        except Refusal as refusal:
            return await _show(request, ctx, refusal)
        return see_other(request, "/feeds", f"Fetching {name} now; reload in a moment.")

    async def fetch_all(request: Request, form: Form) -> Response:
        try:
            names = await start_fetch(ctx, (), asking(request))
        except Refusal as refusal:
            return await _show(request, ctx, refusal)
        count = f"{len(names)} feed" + ("" if len(names) == 1 else "s")
        return see_other(request, "/feeds", f"Fetching {count} now; reload in a moment.")

    return [
        Route("/feeds", feeds_page, methods=["GET"]),
        Route("/feeds/fetch", form_post(ctx, fetch_all), methods=["POST"]),
        Route("/feeds/{name:path}/fetch", form_post(ctx, fetch_one), methods=["POST"]),
    ]


async def _show(request: Request, ctx: WebContext, refusal: Refusal | None = None) -> Response:
    rows: list[FeedRow] = await ctx.read(ctx.app.store.feed_rows)
    return render(
        request,
        ctx,
        "feeds.html",
        refusal.status if refusal else 200,
        error=refusal.message if refusal else None,
        feeds=[(row, safe_http_url(row.url), fetchable(row)) for row in rows],
    )
