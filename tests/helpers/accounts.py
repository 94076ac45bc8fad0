"""Accounts and tokens made through the store, as `aggregator users add` and `aggregator tokens
create` make them, for the tests of who may do what on the desk and its API."""

from __future__ import annotations

import functools

import httpx

from aggregator.app import utc_now
from aggregator.auth.issue import issue_token
from aggregator.auth.model import Account, IssuedToken, Role, TokenKind
from aggregator.auth.passwords import hash_password
from aggregator.storage.accounts import Accounts
from aggregator.storage.store import Store

PASSWORD = "correct horse battery staple"
BUILTIN = '\n[web]\nauth = "builtin"\n'


@functools.cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_account(store: Store, name: str, role: Role) -> Account:
    return Accounts(store).add(name, role, password_hash(), utc_now())


def issue(
    store: Store, name: str, kind: TokenKind = TokenKind.API, role: Role | None = None
) -> IssuedToken:
    return issue_token(Accounts(store), name, kind, f"{kind} of {name}", role, utc_now())


def revoke(store: Store, issued: IssuedToken) -> None:
    Accounts(store).revoke_token(issued.token.id, utc_now())


def bearer(issued: IssuedToken) -> dict[str, str]:
    return {"Authorization": f"Bearer {issued.secret}"}


def api_json(
    client: httpx.Client,
    method: str,
    path: str,
    body: object,
    headers: dict[str, str],
    etag: str | None = None,
) -> httpx.Response:
    """A JSON write as a script sends it: no Origin, the stub's ETag in If-Match when given."""
    sent = {**headers, **({"If-Match": etag} if etag else {})}
    return client.request(method, path, json=body, headers=sent)
