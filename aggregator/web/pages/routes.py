"""The editors' pages, served by the app itself: stubs to review and feeds to watch.

Plain HTML forms that work without JavaScript; the stylesheet and a small optional script are
served from web/static, as the content security policy allows nothing else.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from aggregator.web.context import WebContext
from aggregator.web.pages import account, bulk, feeds, signin, stubs


def routes(ctx: WebContext) -> list[BaseRoute]:
    async def home(request: Request) -> Response:
        return RedirectResponse("/stubs", status_code=303)

    return [
        Route("/", home, methods=["GET"]),
        *stubs.routes(ctx),
        *bulk.routes(ctx),
        *feeds.routes(ctx),
        *signin.routes(ctx),
        *account.routes(ctx),
        Mount("/static", StaticFiles(packages=[("aggregator.web", "static")]), name="static"),
    ]
