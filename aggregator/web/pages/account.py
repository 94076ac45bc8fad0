"""`/account`: a signed-in person's digest feed tokens, made and revoked from the desk.

A feed reader cannot sign in, so the digest's address carries a feed token
(`/digest.atom?token=...`). Here its owner makes one with a label ("phone", "office reader"),
sees its secret once, on the page that answers the form (never stored, never sent again:
`Cache-Control: no-store`), and revokes one whose address leaked. The same tokens as
`aggregator tokens create NAME --feed` makes; only the owner's own are listed or revoked here.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aggregator.auth.issue import issue_token
from aggregator.auth.model import IssuedToken, Principal, Token, TokenKind
from aggregator.storage.accounts import AccountError, Accounts
from aggregator.storage.store import Store
from aggregator.web.context import WebContext
from aggregator.web.identity import FEED_TOKEN_PARAM
from aggregator.web.pages.render import Form, form_post, form_text, principal_of, render, see_other

DIGESTS = ("/digest.atom", "/digest.json")
NOBODY = "Nobody signs in on this desk, so nobody has feed tokens: the digest is open to all."


def feed_tokens(store: Store, account: str) -> tuple[Token, ...]:
    return tuple(t for t in Accounts(store).tokens(account) if t.kind is TokenKind.FEED)


def make_token(store: Store, account: str, label: str, now: datetime) -> IssuedToken:
    return issue_token(Accounts(store), account, TokenKind.FEED, label, None, now)


def revoke_own(store: Store, account: str, token_id: int, now: datetime) -> Token:
    """Revoke `token_id` when it is one of `account`'s feed tokens (AccountError if not)."""
    if token_id not in {t.id for t in feed_tokens(store, account)}:
        raise AccountError(f"you have no feed token with id {token_id}")
    return Accounts(store).revoke_token(token_id, now)


def routes(ctx: WebContext) -> list[Route]:
    async def account_page(request: Request) -> Response:
        return await _show(request, ctx)

    async def create(request: Request, form: Form) -> Response:
        who = principal_of(request)
        if who.anonymous:
            return await _show(request, ctx, status=409, error=NOBODY)
        label = form_text(form, "label").strip() or "feed reader"
        try:
            issued: IssuedToken = await ctx.db(
                make_token, ctx.app.store, who.name, label, ctx.app.clock()
            )
        except AccountError as exc:
            return await _show(request, ctx, status=400, error=str(exc))
        return await _show(request, ctx, issued=issued)

    async def revoke(request: Request, form: Form) -> Response:
        who = principal_of(request)
        raw: str = request.path_params["token_id"]
        if who.anonymous:
            return await _show(request, ctx, status=409, error=NOBODY)
        if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
            return await _show(request, ctx, status=404, error=f"no feed token {raw!r}")
        try:
            token: Token = await ctx.db(
                revoke_own, ctx.app.store, who.name, int(raw), ctx.app.clock()
            )
        except AccountError as exc:
            return await _show(request, ctx, status=404, error=str(exc))
        return see_other(request, "/account", f"Revoked the feed token {token.label!r}.")

    return [
        Route("/account", account_page, methods=["GET"]),
        Route("/account/tokens", form_post(ctx, create), methods=["POST"]),
        Route("/account/tokens/{token_id}/revoke", form_post(ctx, revoke), methods=["POST"]),
    ]


async def _show(
    request: Request,
    ctx: WebContext,
    *,
    status: int = 200,
    error: str | None = None,
    issued: IssuedToken | None = None,
) -> Response:
    who: Principal = principal_of(request)
    tokens: tuple[Token, ...] = ()
    if not who.anonymous:
        tokens = await ctx.db(feed_tokens, ctx.app.store, who.name)
    addresses: tuple[str, ...] = ()
    if issued is not None:
        base = str(request.base_url).rstrip("/")
        secret = quote(issued.secret, safe="")
        addresses = tuple(f"{base}{path}?{FEED_TOKEN_PARAM}={secret}" for path in DIGESTS)
    return render(
        request,
        ctx,
        "account.html",
        status,
        error=error,
        tokens=tokens,
        issued=issued,
        addresses=addresses,
        nobody=NOBODY if who.anonymous else None,
    )
