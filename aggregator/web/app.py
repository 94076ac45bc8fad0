"""The ASGI application: routes from each concern's module, and the headers every answer gets."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.web import ops
from aggregator.web.api import handlers as api
from aggregator.web.context import WebContext
from aggregator.web.digest import routes as digest_routes
from aggregator.web.gate import Gate
from aggregator.web.health import HealthCheck
from aggregator.web.identity import Identity
from aggregator.web.pages import routes as pages

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        b"form-action 'self'",
    ),
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response: feed content shown on our pages can never run
    script, be framed, or sniff its way into another content type."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_web_app(ctx: WebContext) -> Starlette:
    """The app; `state.health` is its database check, which the service starts once it
    listens (`HealthCheck.refresh`: SQLite's quick_check on start); `state.identity` says who
    is asking (`gate.py` asks it for every request)."""
    health = HealthCheck(ctx, ctx.app.clock)
    identity = Identity(ctx)
    routes = [
        *ops.routes(ctx, health),
        *digest_routes.routes(ctx, identity),
        *pages.routes(ctx),
        *api.routes(ctx),
    ]
    middleware = [Middleware(SecurityHeaders), Middleware(Gate, ctx=ctx, identity=identity)]
    web = Starlette(routes=routes, middleware=middleware)
    web.state.ctx = ctx
    web.state.health = health
    web.state.identity = identity
    return web
