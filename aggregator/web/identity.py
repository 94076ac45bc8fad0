"""Who is asking: the mode in force (`[web].auth`) and, per request, the `Principal` it names.

- `builtin`: the session cookie (`SESSION_COOKIE`, looked up by its hash) or
  `Authorization: Bearer <API token>`; a token acts with its own role (at most its account's),
  under its account's name.
- `proxy`: the configured header (`Remote-User`), only when the connection comes from one of
  `proxy_addresses`; the header of anyone else is ignored (and logged, once per address). The
  name must be an enabled account's. Bearer tokens work too. The address compared is the TCP
  peer's, kept before uvicorn replaces the client with `X-Forwarded-For` (`keeping_tcp_peer`):
  a proxy that sends both is still recognised, and nobody names a trusted address by header.
- `none`: nobody signs in; every request is an anonymous admin and editors type their name.
- `auto` (unset): `builtin` once an enabled account exists, `none` before. The count is asked
  at most every `COUNT_SECONDS`, so the first account made with `aggregator users add` takes
  effect within seconds; once an account was seen, the mode stays `builtin` for the life of
  the process, so disabling every account never opens the desk.

A feed token (`?token=` on the digest's addresses) is read only there (`feed_principal`).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from aggregator.auth.model import RANK, Account, AuthMode, Principal, Role, Token, TokenKind
from aggregator.auth.secrets import secret_hash
from aggregator.auth.settings import AUTO, SESSION_COOKIE, effective_mode, proxy_networks
from aggregator.logs import get_logger
from aggregator.storage.accounts import Accounts, last_use_due
from aggregator.web.context import WebContext

COUNT_SECONDS = 3.0
"""How long `auto` trusts its count of enabled accounts."""
MAX_SECRET_CHARS = 200
"""A session or token secret longer than this is not one of ours: not looked up."""
ANONYMOUS = Principal(name="", role=Role.ADMIN, via="anonymous")
"""`none` mode: everything works as without accounts; the editor types a name."""
FEED_TOKEN_PARAM = "token"
MAX_WARNED = 1024
"""Addresses remembered as warned about; past that the memory starts again (it stays bounded
whoever sends the header)."""
TCP_PEER = "aggregator.tcp_peer"
"""The scope's key holding the address the connection really comes from (`keeping_tcp_peer`)."""


class NoAccount(Exception):
    """The proxy names someone who has no enabled account here (403)."""


@dataclass(frozen=True, slots=True)
class Seen:
    at: float
    accounts: bool


class Identity:
    """The mode and the principals of one web app (one store, one `[web]` table)."""

    def __init__(self, ctx: WebContext, clock: Callable[[], float] = time.monotonic) -> None:
        self.ctx = ctx
        self.settings = ctx.app.config.web
        self.accounts = Accounts(ctx.app.store)
        self.networks = proxy_networks(self.settings)
        self.clock = clock
        self._seen: Seen | None = None
        self._warned: set[str] = set()
        self.log = get_logger("aggregator.web")

    async def mode(self) -> AuthMode:
        """The mode in force now (`auto` asks the store, at most every COUNT_SECONDS)."""
        if self.settings.auth != AUTO:
            return effective_mode(self.settings, True)
        now = self.clock()
        seen = self._seen
        if seen is None or (not seen.accounts and now - seen.at >= COUNT_SECONDS):
            count: int = await self.ctx.read(self.accounts.count_enabled)
            seen = self._seen = Seen(now, count > 0)
        return effective_mode(self.settings, seen.accounts)

    async def identify(self, request: HTTPConnection, mode: AuthMode) -> Principal | None:
        """Who sends `request` under `mode`; None when nobody (401 or the login page).
        NoAccount when a trusted proxy names someone without an account."""
        if mode is AuthMode.NONE:
            return ANONYMOUS
        bearer = bearer_token(request.headers.get("authorization"))
        if bearer is not None:
            return await self.token(bearer, TokenKind.API)
        if mode is AuthMode.PROXY:
            return await self.proxied(request)
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie or len(cookie) > MAX_SECRET_CHARS:
            return None
        now = self.ctx.app.clock()
        account: Account | None = await self.ctx.read(
            self.accounts.session_account, secret_hash(cookie), now
        )
        if account is None or account.disabled:
            return None
        return Principal(account.name, account.role, "session", account.id)

    async def token(self, secret: str, kind: TokenKind) -> Principal | None:
        """The principal of an API or feed token; None when unknown, revoked or its account
        disabled."""
        if not secret or len(secret) > MAX_SECRET_CHARS:
            return None
        found: tuple[Account, Token] | None = await self.ctx.read(
            self.accounts.find_token, secret_hash(secret), kind
        )
        if found is None:
            return None
        account, token = found
        now = self.ctx.app.clock()
        if last_use_due(token, now):  # once a minute a token: on the writing thread
            await self.ctx.db(self.accounts.mark_used, token, now)
        if account.disabled or token.revoked_at is not None or token.kind is not kind:
            return None
        role = min(token.role, account.role, key=RANK.__getitem__)
        via = "token" if kind is TokenKind.API else "feed-token"
        return Principal(account.name, role, via, account.id)

    async def proxied(self, request: HTTPConnection) -> Principal | None:
        """The account the trusted proxy's header names; None without the header."""
        name = request.headers.get(self.settings.proxy_header, "").strip()
        if not name:
            return None
        peer = tcp_peer(request)
        if not trusted(peer, self.networks):
            if peer not in self._warned:
                if len(self._warned) >= MAX_WARNED:
                    self._warned.clear()
                self._warned.add(peer)
                self.log.warning(
                    "web.proxy_header_ignored",
                    header=self.settings.proxy_header,
                    peer=peer or "unknown",
                    reason="not one of [web].proxy_addresses",
                )
            return None
        account: Account | None = await self.ctx.read(self.accounts.get, name)
        if account is None:
            raise NoAccount(
                f"the proxy names {name!r}, who has no account here: "
                f"aggregator users add {name} --role editor|reviewer|admin"
            )
        if account.disabled:
            raise NoAccount(f"the proxy names {name!r}, whose account here is disabled")
        return Principal(account.name, account.role, "proxy", account.id)


def tcp_peer(request: HTTPConnection) -> str:
    """The address of the TCP connection; behind `keeping_tcp_peer`, the one uvicorn saw
    before `X-Forwarded-For` replaced it."""
    kept = request.scope.get(TCP_PEER)
    if isinstance(kept, str):
        return kept
    return request.client.host if request.client else ""


def keeping_tcp_peer(app: ASGIApp, forwarded_allow_ips: str) -> ASGIApp:
    """`app` behind uvicorn's `X-Forwarded-For` handling (for `forwarded_allow_ips`, as uvicorn
    does it itself), with the connection's own address kept at `TCP_PEER` first. Served with
    uvicorn's `proxy_headers=False`."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    forwarded = ProxyHeadersMiddleware(app, trusted_hosts=forwarded_allow_ips)  # type: ignore[arg-type]

    async def keeping(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            scope[TCP_PEER] = str(client[0]) if client else ""
        await forwarded(scope, receive, send)  # type: ignore[arg-type]

    return keeping


def bearer_token(header: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>`; None without one (another scheme too)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def trusted(peer: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    """Whether the connection's address is in `networks` (an IPv4 peer seen through an
    IPv6 socket as `::ffff:a.b.c.d` counts as a.b.c.d)."""
    try:
        address = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    candidates = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)
    return any(a in network for a in candidates for network in networks)


def asking(request: HTTPConnection) -> Principal:
    """Who the request comes from, as the gate decided (`gate.py`). A route the gate let
    through without a principal (a public path) has none: that is a mistake here, not a
    reason to let anyone in."""
    found = getattr(request.state, "principal", None)
    if not isinstance(found, Principal):
        raise RuntimeError(f"{request.url.path} was served without asking who sends it")
    return found
