"""Signing in and out over real HTTP (`web/pages/signin.py` behind the gate): the session cookie's
flags, a new session at each sign-in, the lock-out, refused redirects and forged logins, one
log event per try, and what the pages show of who is signed in."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import structlog
from argon2 import PasswordHasher
from structlog.testing import capture_logs

from aggregator.auth.model import Role
from aggregator.auth.passwords import needs_rehash
from aggregator.config import Config
from aggregator.storage.accounts import Accounts
from aggregator.web.pages.signin import WRONG, safe_next
from tests.web.conftest import Web, open_web
from tests.web.editing import TOKEN, VOTE, stub_id
from tests.web.signing import (
    PASSWORDS,
    add_accounts,
    login_token,
    session_cookie,
    session_value,
    sign_in,
    stopped_clock,
)

SLOWED = "too many failed sign-ins for this account or address: try again in"


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while OPENED:
        OPENED.pop().close()


OPENED: list[httpx.Client] = []


def fresh(web: Web, session: str | None = None) -> httpx.Client:
    """Another browser, with `session` as its session cookie (closed after the test)."""
    cookies = {"session": session} if session else None
    client = httpx.Client(base_url=web.base_url, follow_redirects=False, cookies=cookies)
    OPENED.append(client)
    return client


def signed_in_as(client: httpx.Client) -> str | None:
    """Whose desk the client sees, or None when it is sent to the login page."""
    page = client.get("/stubs")
    if page.status_code == 303:
        assert page.headers["location"].startswith("/login")
        return None
    assert page.status_code == 200
    found = re.search(r'id="signed-in-as">([^<]*)<', page.text)
    return found.group(1) if found else ""


def test_a_page_sends_nobody_to_the_login_form_and_back(web: Web) -> None:
    add_accounts(web, "ana")
    item_id = stub_id(web, VOTE)
    asked = web.client.get(f"/stubs/{item_id}")
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/login?next=%2Fstubs%2F{item_id}"
    form = web.client.get(asked.headers["location"])
    assert f'name="next" value="/stubs/{item_id}"' in form.text
    assert 'type="password"' in form.text
    signed = sign_in(web.client, "ana", next_path=f"/stubs/{item_id}")
    assert signed.status_code == 303
    assert signed.headers["location"] == f"/stubs/{item_id}"
    assert signed_in_as(web.client) == "ana"


def test_the_session_cookie_is_http_only_lax_site_wide_and_lasts_session_hours(web: Web) -> None:
    add_accounts(web, "ana")
    header = session_cookie(sign_in(web.client, "ana"))
    assert header is not None
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/", "max-age=43200"} <= flags
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    assert len(session_value(sign_in(fresh(web), "ana"))) > 40


def test_the_session_cookie_is_secure_over_https(web: Web) -> None:
    add_accounts(web, "ana")
    # uvicorn takes the scheme from a proxy on 127.0.0.1, as behind a TLS-ending proxy
    over_https = {"X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=web.base_url, headers=over_https) as client:
        form = client.get("/login")
        token = TOKEN.search(form.text)
        assert token is not None
        assert "secure" in form.headers["set-cookie"].lower()  # the form cookie too
        form_cookie = form.headers["set-cookie"].split(";")[0]  # not sent back over http
        fields = {"name": "ana", "password": PASSWORDS["ana"], "csrf_token": token.group(1)}
        answer = client.post("/login", data=fields, headers={"Cookie": form_cookie})
        assert answer.status_code == 303, answer.text
        header = session_cookie(answer)
    assert header is not None
    assert "secure" in {part.strip().lower() for part in header.split(";")[1:]}


@pytest.mark.parametrize("config_extra", ["[web]\nsession_hours = 0.5\n"])
def test_the_session_lasts_the_configured_hours(web: Web) -> None:
    add_accounts(web, "ana")
    header = session_cookie(sign_in(web.client, "ana"))
    assert header is not None
    assert "max-age=1800" in header.lower()


def test_each_sign_in_opens_a_new_session_and_closes_the_one_sent_with_it(web: Web) -> None:
    add_accounts(web, "ana", "rita")
    first = session_value(sign_in(web.client, "ana"))
    assert signed_in_as(fresh(web, first)) == "ana"
    second = session_value(sign_in(web.client, "rita"))  # the browser still sends `first`
    assert second != first
    assert signed_in_as(fresh(web, first)) is None  # closed at the sign-in
    assert signed_in_as(fresh(web, second)) == "rita"


def test_a_planted_session_id_is_never_the_one_signed_in(web: Web) -> None:
    add_accounts(web, "ana")
    planted = "agg_session_" + "A" * 43
    victim = fresh(web, planted)
    issued = session_value(sign_in(victim, "ana"))
    assert issued != planted
    assert signed_in_as(fresh(web, planted)) is None  # the attacker's copy gets nothing
    assert signed_in_as(fresh(web, issued)) == "ana"


@pytest.mark.parametrize(
    ("asked", "went"),
    [
        ("/stubs/1?state=draft", "/stubs/1?state=draft"),
        ("/feeds", "/feeds"),
        ("//evil.example/x", "/stubs"),
        ("/\\evil.example/x", "/stubs"),
        ("https://evil.example/", "/stubs"),
        ("javascript:alert(1)", "/stubs"),
        ("evil.example", "/stubs"),
        ("/stubs\r\nSet-Cookie: x=1", "/stubs"),
        ("/ /evil.example", "/stubs"),
        ("", "/stubs"),
    ],
)
def test_only_a_path_of_this_site_is_followed_after_signing_in(asked: str, went: str) -> None:
    assert safe_next(asked) == went


def test_an_open_redirect_through_the_login_form_is_refused(web: Web) -> None:
    add_accounts(web, "ana")
    signed = sign_in(web.client, "ana", next_path="//evil.example/phish")
    assert signed.status_code == 303
    assert signed.headers["location"] == "/stubs"
    page = web.client.get("/login", params={"next": "https://evil.example/"})
    assert "evil.example" not in page.text


def test_a_login_form_without_its_token_or_from_another_site_is_refused(web: Web) -> None:
    add_accounts(web, "ana")
    login_token(web.client)  # the form cookie is there; its signature is not sent
    forged = web.client.post("/login", data={"name": "ana", "password": PASSWORDS["ana"]})
    assert forged.status_code == 403
    assert session_cookie(forged) is None
    token = login_token(web.client)
    cross = web.client.post(
        "/login",
        data={"name": "ana", "password": PASSWORDS["ana"], "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert session_cookie(cross) is None
    assert signed_in_as(web.client) is None


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(web: Web) -> None:
    add_accounts(web, "ana")
    wrong = sign_in(web.client, "ana", "not ana's passphrase")
    unknown = sign_in(fresh(web), "nobody-here", "not ana's passphrase")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert WRONG in answer.text
        assert session_cookie(answer) is None
    assert 'value="ana"' in wrong.text  # the name typed is kept, never the password
    assert "not ana&#39;s passphrase" not in wrong.text
    assert "not ana's passphrase" not in wrong.text


def test_a_disabled_account_cannot_sign_in(web: Web) -> None:
    add_accounts(web, "ana", "rita")  # rita keeps sign-in on: with none, nobody signs in
    Accounts(web.ctx.app.store).disable("ana", web.ctx.app.clock())
    answer = sign_in(web.client, "ana")
    assert answer.status_code == 401
    assert WRONG in answer.text


def test_repeated_failures_are_slowed_per_account_without_checking_the_password(
    web: Web,
) -> None:
    clock = stopped_clock(web)
    add_accounts(web, "ana")
    for n in range(3):  # failures_before_delay = 3
        assert sign_in(fresh(web), "ANA", f"guess {n}").status_code == 401
    slowed = sign_in(fresh(web), "ana")  # the right password, too early
    assert slowed.status_code == 429
    assert slowed.headers["retry-after"] == "1"
    assert f"{SLOWED} 1 s" in slowed.text
    assert session_cookie(slowed) is None
    clock.advance(1.0)
    assert sign_in(fresh(web), "ana", "guess 3").status_code == 401  # 4 failures: 2 s
    assert sign_in(fresh(web), "ana").headers.get("retry-after") == "2"
    clock.advance(2.0)
    signed = sign_in(fresh(web), "ana")
    assert signed.status_code == 303
    assert session_cookie(signed) is not None
    assert Accounts(web.ctx.app.store).failures("account:ana")[0] == 0  # cleared


def test_a_burst_of_tries_sent_at_once_is_slowed_like_tries_in_turn(web: Web) -> None:
    stopped_clock(web)
    add_accounts(web, "ana")
    clients = [fresh(web) for _ in range(6)]
    tokens = [login_token(client) for client in clients]  # every form ready, then all at once

    def send(n: int) -> int:
        form = {"name": "ana", "password": f"guess {n}", "csrf_token": tokens[n]}
        return clients[n].post("/login", data=form).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(send, range(6)))
    assert statuses == [401, 401, 401, 429, 429, 429]  # 3 checked, as in turn


def test_one_address_trying_many_names_is_slowed_too(web: Web) -> None:
    stopped_clock(web)
    add_accounts(web, "ana")
    for name in ("bob", "carla", "dan"):
        assert sign_in(fresh(web), name, "password1234").status_code == 401
    slowed = sign_in(fresh(web), "ana")  # another account, the same address
    assert slowed.status_code == 429
    assert SLOWED in slowed.text


def test_each_try_is_logged_once_without_the_password(web: Web) -> None:
    stopped_clock(web)
    add_accounts(web, "ana")
    structlog.reset_defaults()  # the fetch before configured commands' level: warnings only
    try:
        with capture_logs() as logs:
            sign_in(fresh(web), "ana", "wrong password 1")
            sign_in(fresh(web), "nobody", "wrong password 2")
            sign_in(fresh(web), "ana")
    finally:
        structlog.reset_defaults()
    events = [e for e in logs if e["event"] == "signin"]
    assert [(e["name"], e["outcome"]) for e in events] == [
        ("ana", "wrong"),
        ("nobody", "unknown"),
        ("ana", "signed-in"),
    ]
    assert all(e["address"] == "127.0.0.1" for e in events)
    assert not any("password" in repr(e) for e in events)


def test_an_old_hash_is_made_again_at_sign_in(web: Web) -> None:
    add_accounts(web, "ana")
    accounts = Accounts(web.ctx.app.store)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORDS["ana"])
    accounts.set_password("ana", weak, web.ctx.app.clock())
    assert needs_rehash(weak)
    assert sign_in(web.client, "ana").status_code == 303
    stored = accounts.password_hash("ana")
    assert stored is not None
    assert stored != weak
    assert not needs_rehash(stored)
    assert signed_in_as(web.client) == "ana"  # the new hash did not end the new session


def test_signing_out_ends_the_session(web: Web) -> None:
    add_accounts(web, "ana")
    session = session_value(sign_in(web.client, "ana"))
    page = web.client.get("/stubs")
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)
    assert token is not None
    out = web.client.post("/logout", data={"csrf_token": token.group(1)})
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    cleared = session_cookie(out)
    assert cleared is not None
    assert "max-age=0" in cleared.lower()
    assert signed_in_as(fresh(web, session)) is None  # replayed, the old cookie is nobody


def test_the_pages_show_who_is_signed_in_and_only_their_buttons(web: Web) -> None:
    add_accounts(web, "ana", "rita", "ada")
    item_id = stub_id(web, VOTE)
    seen = {}
    for name in ("ana", "rita", "ada"):
        client = fresh(web)
        sign_in(client, name)
        stub, feeds, listing = (
            client.get(path).text for path in (f"/stubs/{item_id}", "/feeds", "/stubs")
        )
        assert f'id="signed-in-as">{name}<' in stub
        assert "Sign out" in stub
        assert 'name="editor"' not in stub + listing  # the account is the name
        assert "first-run" not in stub
        assert ("<kbd>a</kbd>" in stub) == (name != "ana")  # the help lists only usable keys
        seen[name] = (
            'class="to-reviewed"' in stub,
            'class="to-rejected"' in stub,
            'class="to-approved"' in listing,
            "Fetch now" in feeds,
        )
    assert seen == {
        "ana": (True, False, False, False),
        "rita": (True, True, True, False),
        "ada": (True, True, True, True),
    }


def test_the_first_run_says_how_to_make_the_first_admin(web: Web) -> None:
    page = web.client.get("/stubs")
    assert page.status_code == 200  # no account yet: nobody signs in
    assert "Nobody signs in yet" in page.text
    assert "aggregator users add NAME --role admin" in page.text
    assert 'name="editor"' in page.text  # names are typed, as before accounts
    assert "Sign out" not in page.text
    token = TOKEN.search(page.text)
    assert token is not None
    tried = web.client.post(
        "/login", data={"name": "ana", "password": "whatever", "csrf_token": token.group(1)}
    )
    assert tried.status_code == 409
    assert "Nobody signs in on this desk" in tried.text
    assert session_cookie(tried) is None


@pytest.mark.parametrize("config_extra", ['[web]\nauth = "none"\n'])
def test_no_banner_when_none_is_chosen(web: Web) -> None:
    page = web.client.get("/stubs")
    assert page.status_code == 200
    assert "Nobody signs in yet" not in page.text
    assert 'name="editor"' in page.text
    assert Role.ADMIN.value not in re.findall(r'class="role">\(([^)]*)\)', page.text)


@contextlib.contextmanager
def served(config: Config) -> Iterator[Web]:
    yield from open_web(config)


def test_signing_in_slowing_signing_out_and_expiry_on_postgresql(
    make_config: Callable[..., Config], postgresql_url: str
) -> None:
    config = make_config([], database_url=postgresql_url)
    with served(config) as web:
        clock = stopped_clock(web)
        add_accounts(web, "ana")
        for n in range(3):
            assert sign_in(fresh(web), "Ana", f"guess {n}").status_code == 401
        assert sign_in(fresh(web), "ana").status_code == 429
        clock.advance(1.0)
        session = session_value(sign_in(web.client, "ana"))
        assert signed_in_as(fresh(web, session)) == "ana"
        token = TOKEN.search(web.client.get("/stubs").text)
        assert token is not None
        web.client.post("/logout", data={"csrf_token": token.group(1)})
        assert signed_in_as(fresh(web, session)) is None
        again = session_value(sign_in(fresh(web), "ana"))
        clock.advance(12 * 3600 - 1)
        assert signed_in_as(fresh(web, again)) == "ana"
        clock.advance(1)  # [web].session_hours are over
        assert signed_in_as(fresh(web, again)) is None
