"""The gate every request passes: who is asking (`identity.py`), and whether anyone is.

Public paths pass whoever asks, without a question to the store (static files, the icon,
`/healthz`, which must answer when the store does not, `/metrics`, the API's description); the
login and logout pages pass too, knowing who asks. On every other request the gate sets
`request.state.auth_mode` and `request.state.principal`. The digest's addresses pass
too, with the principal of a session or API token if any: a feed reader cannot sign in, so
the digest's routes ask for a feed token themselves (`web/digest/routes.py`). Everything else
needs a principal: without one a page answers 303 to `/login?next=<where it was going>`, the
API 401 with `WWW-Authenticate: Bearer`. In `none` mode everyone is the anonymous admin.

Reads need any role; what each write needs is checked where it is made (`actions.py`), for
the pages and the API alike, and a session's forms keep their anti-forgery checks (`csrf.py`).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from aggregator.auth.model import AuthMode, Principal
from aggregator.web.context import WebContext
from aggregator.web.identity import Identity, NoAccount
from aggregator.web.pages.render import render

PUBLIC = frozenset({"/login", "/logout", "/healthz", "/metrics", "/api/openapi.json"})
PUBLIC_PREFIXES = ("/static/", "/favicon")
SIGNING = frozenset({"/login", "/logout"})
"""Public paths that still want to know who is asking (to say so, or to sign them out)."""
API_PREFIX = "/api/"
NOBODY = (
    "sign in first: send Authorization: Bearer <token> with an API token "
    "(aggregator tokens create NAME --role editor|reviewer|admin)"
)


def public(path: str) -> bool:
    return path in PUBLIC or path.startswith(PUBLIC_PREFIXES)


def digest_path(path: str) -> bool:
    return path in ("/digest.atom", "/digest.json") or path.startswith("/digest/")


class Gate:
    """ASGI middleware in front of every route (`app.create_web_app`)."""

    def __init__(self, app: ASGIApp, ctx: WebContext, identity: Identity) -> None:
        self.app = app
        self.ctx = ctx
        self.identity = identity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        state = scope.setdefault("state", {})
        state["principal"] = None
        if public(path) and path not in SIGNING:  # asks nothing: /healthz when the store fails
            await self.app(scope, receive, send)
            return
        mode = await self.identity.mode()
        state["auth_mode"] = mode
        request = Request(scope)
        try:
            principal = await self.identity.identify(request, mode)
        except NoAccount as refused:
            if path in SIGNING:
                principal = None
            else:
                await self.refuse(request, 403, str(refused))(scope, receive, send)
                return
        state["principal"] = principal
        if principal is None and not (path in SIGNING or digest_path(path)):
            await self.nobody(request, mode)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def nobody(self, request: Request, mode: AuthMode) -> ASGIApp:
        """The answer to a request from nobody: 401 for the API, the login page otherwise."""
        path = request.url.path
        if path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/"):
            return _json(401, NOBODY, {"WWW-Authenticate": 'Bearer realm="aggregator"'})
        return _see_login(request)

    def refuse(self, request: Request, status: int, message: str) -> ASGIApp:
        if request.url.path.startswith(API_PREFIX):
            return _json(status, message)
        return render(request, self.ctx, "message.html", status, heading="Refused", error=message)


def _see_login(request: Request) -> ASGIApp:
    target = "/login"
    if request.method in ("GET", "HEAD"):
        where = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if where != "/":
            target += "?" + urlencode({"next": where})
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})


def _json(status: int, message: str, headers: dict[str, str] | None = None) -> ASGIApp:
    return Response(
        json.dumps({"error": message}),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def principal_or_none(request: Request) -> Principal | None:
    """The principal the gate found, or None (a digest address asked without one)."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else None
