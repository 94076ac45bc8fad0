"""Helpers for the tests of signing in: accounts made through the real store, a clock the test
moves, and the login form sent as a browser sends it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from aggregator.auth.model import Account, Role
from aggregator.auth.passwords import hash_password
from aggregator.storage.accounts import Accounts
from tests.web.conftest import Web
from tests.web.editing import TOKEN

PASSWORDS = {
    "ana": "ana's long passphrase",
    "rita": "rita reviews everything",
    "ada": "ada administers the desk",
}
ROLES = {"ana": Role.EDITOR, "rita": Role.REVIEWER, "ada": Role.ADMIN}
SESSION = re.compile(r"^session=([^;]*);", re.MULTILINE)


@dataclass
class Clock:
    """The web app's clock, moved by the test (the lock-out's delays pass when it says)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def stopped_clock(web: Web) -> Clock:
    clock = Clock(web.ctx.app.clock())
    web.ctx.app.clock = clock
    return clock


def add_accounts(web: Web, *names: str) -> dict[str, Account]:
    """The accounts of `names` (of PASSWORDS) in the web app's store."""
    accounts = Accounts(web.ctx.app.store)
    now = web.ctx.app.clock()
    return {
        name: accounts.add(name, ROLES[name], hash_password(PASSWORDS[name]), now) for name in names
    }


def login_token(client: httpx.Client, next_path: str | None = None) -> str:
    """The login form's anti-forgery field, read from the page as a browser would (which sets
    the form cookie)."""
    page = client.get("/login", params={"next": next_path} if next_path else None)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def sign_in(
    client: httpx.Client,
    name: str,
    password: str | None = None,
    next_path: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """The login form sent with `name` and its password (or `password`)."""
    token = login_token(client, next_path)
    fields = {"name": name, "password": PASSWORDS.get(name, "") if password is None else password}
    if next_path is not None:
        fields["next"] = next_path
    return client.post("/login", data={**fields, "csrf_token": token}, headers=headers)


def session_cookie(response: httpx.Response) -> str | None:
    """The session cookie's header as `response` set it; None when it set none."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("session="):
            return header
    return None


def session_value(response: httpx.Response) -> str:
    header = session_cookie(response)
    assert header is not None, response.headers
    found = SESSION.search(header)
    assert found is not None
    return found.group(1)
