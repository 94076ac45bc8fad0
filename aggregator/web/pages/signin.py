"""Signing in and out on the desk (`[web] auth = "builtin"`): `GET/POST /login`, `POST /logout`.

The login form is a form like every other of the desk: it carries the anti-forgery token, so
another site cannot sign a browser in to an account of its choosing. A try is refused with 429
and `Retry-After`, without its password being looked at, while its account or its address must
still wait (`auth/lockout.py`). A wrong name and a wrong password get the same sentence (401) in
the same time: an unknown name is checked against a dummy hash. A success closes any session
the browser came with and opens a new one under a fresh secret (no session fixation), whose
cookie is HttpOnly, SameSite=Lax, for the whole site, for `[web].session_hours`, and Secure when
the request came over https; then 303 to the page that asked for the sign-in, when that is a
path of this site. Every try is logged as one event (name, address, outcome; never the
password).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from aggregator.auth import lockout
from aggregator.auth.model import Account, AuthMode
from aggregator.auth.passwords import (
    DUMMY_HASH,
    MAX_PASSWORD_CHARS,
    hash_password,
    needs_rehash,
    password_matches,
)
from aggregator.auth.secrets import new_secret, secret_hash
from aggregator.auth.settings import SESSION_COOKIE
from aggregator.logs import get_logger
from aggregator.sanitize import strip_control_chars
from aggregator.storage.accounts import Accounts
from aggregator.storage.store import Store
from aggregator.web.context import WebContext
from aggregator.web.pages.render import Form, auth_mode_of, form_post, form_text, render, see_other

HOME = "/stubs"
WRONG = "that name and password do not match an account that may sign in"
TOO_LONG_NAME = 200
"""Longer names are no account's: cut before they are looked up or logged."""
STRIPES = 64
"""Locks the tries' keys are spread over: tries sharing a key wait for each other."""
Keys = tuple[str, str]
"""A try's lock-out keys: its account's, its address's."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """What the store says about a try, read in one trip to the database thread."""

    failures: tuple[tuple[int, datetime | None], ...]
    account: Account | None
    stored_hash: str | None


def safe_next(value: str | None) -> str:
    """Where to go after signing in: `value` when it is a path of this site ("/..." but not
    "//host" or "/\\host", which browsers read as another host), else the stubs' list."""
    if not value or len(value) > 2000 or not value.startswith("/"):
        return HOME
    if value[1:2] in ("/", "\\") or any(ord(c) < 0x21 or c == "\x7f" for c in value):
        return HOME
    return value


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def read_attempt(store: Store, name: str, keys: Keys) -> Attempt:
    accounts = Accounts(store)
    failures = tuple(accounts.failures(key) for key in keys)
    account = accounts.get(name) if name else None
    stored = accounts.password_hash(name) if account is not None else None
    return Attempt(failures, account, stored)


def record_failures(store: Store, keys: Keys, now: datetime) -> None:
    accounts = Accounts(store)
    for key in keys:
        accounts.record_failure(key, now)


def start_session(
    store: Store,
    account: Account,
    key: str,
    old_secret: str | None,
    new_hash: str,
    now: datetime,
    expires_at: datetime,
    rehashed: str | None,
) -> None:
    """Close the session the browser came with, clear the account's failures, open the new
    session, and store the password's new hash when it was made again."""
    accounts = Accounts(store)
    if old_secret:
        accounts.close_session(secret_hash(old_secret))
    accounts.clear_failures(key)
    if rehashed is not None:
        accounts.set_password(account.name, rehashed, now)
    accounts.open_session(account.id, new_hash, now, expires_at)


def end_session(store: Store, secret: str) -> None:
    Accounts(store).close_session(secret_hash(secret))


def routes(ctx: WebContext) -> list[Route]:
    log = get_logger("aggregator.web")
    stripes = [asyncio.Lock() for _ in range(STRIPES)]

    @contextlib.asynccontextmanager
    async def one_at_a_time(keys: Keys) -> AsyncIterator[None]:
        """Tries sharing a key are checked in turn, so a burst sent at once cannot all pass
        the lock-out before the first failure is counted (one web process serves the desk)."""
        chosen = sorted({zlib.crc32(key.encode("utf-8", "replace")) % STRIPES for key in keys})
        async with contextlib.AsyncExitStack() as held:
            for index in chosen:
                await held.enter_async_context(stripes[index])
            yield

    async def login_page(request: Request) -> Response:
        return _form(request, ctx, safe_next(request.query_params.get("next")))

    async def sign_in(request: Request, form: Form) -> Response:
        if auth_mode_of(request) != AuthMode.BUILTIN:  # the page says who signs people in
            return _form(request, ctx, HOME, status=409)
        name = form_text(form, "name").strip()[:TOO_LONG_NAME]
        password = form_text(form, "password")[: MAX_PASSWORD_CHARS + 1]
        target = safe_next(form_text(form, "next"))
        address = client_address(request)
        keys = (lockout.account_key(name), lockout.address_key(address))
        async with one_at_a_time(keys):
            return await check(request, name, password, target, address, keys)

    async def check(
        request: Request, name: str, password: str, target: str, address: str, keys: Keys
    ) -> Response:
        now = ctx.app.clock()

        def event(outcome: str) -> None:
            shown = strip_control_chars(name)[:80]
            log.info("signin", name=shown, address=address, outcome=outcome)

        attempt: Attempt = await ctx.db(read_attempt, ctx.app.store, name, keys)
        wait = lockout.longest_wait(attempt.failures, now, ctx.app.config.web)
        if wait > 0:  # refused before the password is looked at: it neither counts nor clears
            event("slowed")
            response = _form(request, ctx, target, name, 429, lockout.refusal(wait))
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        account = attempt.account
        usable = account is not None and not account.disabled and attempt.stored_hash
        stored = attempt.stored_hash if usable and attempt.stored_hash else DUMMY_HASH
        matches = await asyncio.to_thread(password_matches, stored, password)
        if not (usable and matches) or account is None:
            await ctx.db(record_failures, ctx.app.store, keys, now)
            event("unknown" if account is None else "disabled" if account.disabled else "wrong")
            return _form(request, ctx, target, name, 401, WRONG)
        rehashed = None
        if isinstance(stored, str) and needs_rehash(stored):
            rehashed = await asyncio.to_thread(hash_password, password)
        secret = new_secret("session")
        hours = ctx.app.config.web.session_hours
        await ctx.db(
            start_session,
            ctx.app.store,
            account,
            keys[0],
            request.cookies.get(SESSION_COOKIE),
            secret_hash(secret),
            now,
            now + timedelta(hours=hours),
            rehashed,
        )
        event("signed-in")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            secret,
            max_age=max(1, int(hours * 3600)),
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    async def sign_out(request: Request, form: Form) -> Response:
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            await ctx.db(end_session, ctx.app.store, secret)
        response = see_other(request, "/login", "Signed out.")
        response.delete_cookie(
            SESSION_COOKIE,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", form_post(ctx, sign_in), methods=["POST"]),
        Route("/logout", form_post(ctx, sign_out), methods=["POST"]),
    ]


def _form(
    request: Request,
    ctx: WebContext,
    target: str,
    name: str = "",
    status: int = 200,
    error: str | None = None,
) -> Response:
    return render(
        request,
        ctx,
        "login.html",
        status,
        error=error,
        next=target,
        name=name,
        builtin=auth_mode_of(request) == AuthMode.BUILTIN,
    )
