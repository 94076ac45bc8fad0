"""Who is asking: a reverse proxy's header trusted from its configured addresses only, a header
from anyone else ignored (and logged once per address), `auto` turning to builtin once the
first account exists, and `none` unchanged. Served over loopback, accounts in the store."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import structlog
from starlette.types import ASGIApp

from aggregator.app import App
from aggregator.auth.model import AuthMode, Role
from aggregator.config import Config
from aggregator.service.metrics import Metrics
from aggregator.storage.accounts import Accounts
from aggregator.storage.desk import Desk
from aggregator.storage.store import Store
from aggregator.web.app import create_web_app
from aggregator.web.context import WebContext
from aggregator.web.identity import (
    COUNT_SECONDS,
    Identity,
    bearer_token,
    keeping_tcp_peer,
    trusted,
)
from tests.helpers.accounts import add_account, api_json, bearer, issue
from tests.loopback import Loopback
from tests.web.conftest import FetchRecorder, LiveServer, Web, open_web
from tests.web.editing import DAM, stub_id

PROXIED = '\n[web]\nauth = "proxy"\nproxy_addresses = [{}]\n'


@pytest.fixture
def config_extra() -> str:
    """The `drafted` store is made with builtin sign-in; the proxy tests serve it again."""
    return '\n[web]\nauth = "builtin"\n'


def proxied_web(
    site: Loopback, make_config: Callable[..., Config], drafted: Config, addresses: str
) -> Iterator[Web]:
    """The `drafted` store behind `auth = "proxy"` trusting `addresses`."""
    feeds = [{"name": "city", "url": site.url("/feed")}]
    yield from open_web(make_config(feeds, PROXIED.format(addresses), target_language="ja"))


@pytest.fixture
def behind_proxy(
    site: Loopback, make_config: Callable[..., Config], drafted: Config
) -> Iterator[Web]:
    yield from proxied_web(site, make_config, drafted, '"10.0.0.0/8", "127.0.0.1"')


@pytest.fixture
def elsewhere_proxy(
    site: Loopback, make_config: Callable[..., Config], drafted: Config
) -> Iterator[Web]:
    yield from proxied_web(site, make_config, drafted, '"10.9.9.9"')


def as_user(name: str) -> dict[str, str]:
    return {"Remote-User": name}


def test_the_proxys_header_names_the_account_from_a_trusted_address(behind_proxy: Web) -> None:
    web = behind_proxy
    add_account(web.ctx.app.store, "rui", Role.REVIEWER)
    assert web.client.get("/api/stubs").status_code == 401, "no header: nobody"
    assert web.client.get("/stubs", headers=as_user("rui")).status_code == 200
    item_id = stub_id(web, DAM)
    tag = web.client.get(f"/api/stubs/{item_id}", headers=as_user("rui")).headers["etag"]
    path = f"/api/stubs/{item_id}/state"
    moved = api_json(web.client, "POST", path, {"state": "reviewed"}, as_user("rui"), tag)
    assert moved.status_code == 200, moved.text
    events = web.client.get(f"/api/stubs/{item_id}/events", headers=as_user("rui")).json()
    assert [e["who"] for e in events["events"]] == ["rui"]


def test_a_name_without_an_account_is_403_saying_how_to_add_it(behind_proxy: Web) -> None:
    web = behind_proxy
    response = web.client.get("/api/stubs", headers=as_user("zoe"))
    assert response.status_code == 403
    assert "aggregator users add zoe --role" in response.json()["error"]
    page = web.client.get("/stubs", headers=as_user("zoe"))
    assert page.status_code == 403
    assert "aggregator users add zoe --role" in page.text


def test_bearer_tokens_work_behind_the_proxy_too(behind_proxy: Web) -> None:
    web = behind_proxy
    add_account(web.ctx.app.store, "ana", Role.EDITOR)
    ana = bearer(issue(web.ctx.app.store, "ana"))
    assert web.client.get("/api/stubs", headers=ana).status_code == 200


def test_the_header_from_an_address_that_is_not_the_proxy_is_ignored_and_logged_once(
    elsewhere_proxy: Web,
) -> None:
    web = elsewhere_proxy
    add_account(web.ctx.app.store, "ada", Role.ADMIN)
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):
            response = web.client.get("/api/stubs", headers=as_user("ada"))
            assert response.status_code == 401, "spoofed from 127.0.0.1: nobody"
        assert web.client.get("/stubs", headers=as_user("ada")).status_code == 303
    warned = [e for e in logs if e["event"] == "web.proxy_header_ignored"]
    assert len(warned) == 1, logs
    assert (warned[0]["log_level"], warned[0]["peer"]) == ("warning", "127.0.0.1")


def test_a_spoofed_header_means_nothing_without_proxy_mode(web: Web) -> None:
    add_account(web.ctx.app.store, "ada", Role.ADMIN)
    for header in ("Remote-User", "X-Forwarded-User", "X-Remote-User"):
        response = web.client.get("/api/stubs", headers={header: "ada"})
        assert response.status_code == 401, header
    assert web.client.post("/api/feeds/fetch", json={}, headers=as_user("ada")).status_code == 401
    assert web.fetches.calls == []


def test_auto_turns_to_builtin_within_seconds_of_the_first_account_and_stays(
    site: Loopback, make_config: Callable[..., Config], drafted: Config
) -> None:
    feeds = [{"name": "city", "url": site.url("/feed")}]
    now = [100.0]
    for web in open_web(make_config(feeds, target_language="ja")):  # [web] unset: auto
        identity = Identity(web.ctx, clock=lambda: now[0])
        assert asyncio.run(identity.mode()) is AuthMode.NONE
        assert web.client.get("/api/stubs").status_code == 200, "first run: open, as before"
        add_account(web.ctx.app.store, "ada", Role.ADMIN)
        now[0] += COUNT_SECONDS / 2
        assert asyncio.run(identity.mode()) is AuthMode.NONE, "the count is kept a moment"
        now[0] += COUNT_SECONDS
        assert asyncio.run(identity.mode()) is AuthMode.BUILTIN
        assert until_refused(web), "the served app asks for a token within seconds"
        Accounts(web.ctx.app.store).disable("ada", web.ctx.app.clock())
        now[0] += 10 * COUNT_SECONDS
        assert asyncio.run(identity.mode()) is AuthMode.BUILTIN, "never open again"
        time.sleep(COUNT_SECONDS + 0.5)
        assert web.client.get("/api/stubs").status_code == 401, "the served app neither"


def until_refused(web: Web) -> bool:
    deadline = time.monotonic() + COUNT_SECONDS + 5
    while time.monotonic() < deadline:
        if web.client.get("/api/stubs").status_code == 401:
            return True
        time.sleep(0.1)
    return False


def test_none_mode_lets_everyone_in_as_today(
    site: Loopback, make_config: Callable[..., Config], drafted: Config
) -> None:
    feeds = [{"name": "city", "url": site.url("/feed")}]
    for web in open_web(make_config(feeds, '\n[web]\nauth = "none"\n', target_language="ja")):
        add_account(web.ctx.app.store, "ada", Role.ADMIN)  # accounts change nothing here
        assert web.client.get("/stubs").status_code == 200
        assert web.client.get("/digest.atom").headers["cache-control"].startswith("public")
        item_id = stub_id(web, DAM)
        tag = web.client.get(f"/api/stubs/{item_id}").headers["etag"]
        path = f"/api/stubs/{item_id}/state"
        typed = {"state": "reviewed", "editor": "Ana Kovač"}
        assert api_json(web.client, "POST", path, typed, {}, tag).status_code == 200
        tag = web.client.get(f"/api/stubs/{item_id}").headers["etag"]
        spoofed = {"state": "approved", "editor": "\u202eevil"}
        assert api_json(web.client, "POST", path, spoofed, {}, tag).status_code == 400
        nameless = {"state": "approved", "editor": "  "}
        assert api_json(web.client, "POST", path, nameless, {}, tag).status_code == 422
        events = web.client.get(f"/api/stubs/{item_id}/events").json()["events"]
        assert [e["who"] for e in events] == ["Ana Kovač"]


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer agg_api_x", "agg_api_x"),
        ("bearer   agg_api_x  ", "agg_api_x"),
        ("Bearer", ""),
        ("Basic YWRhOng=", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


def test_trusted_addresses_include_ipv4_seen_through_ipv6() -> None:
    networks = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32"))
    assert trusted("10.1.2.3", networks)
    assert trusted("::ffff:127.0.0.1", networks)
    assert not trusted("127.0.0.2", networks)
    assert not trusted("::1", networks)
    assert not trusted("", networks)
    assert not trusted("not an address", networks)


class ServedAsTheService(LiveServer):
    """uvicorn as `aggregator run` sets it up: X-Forwarded-For read by `keeping_tcp_peer`."""

    def __init__(self, asgi: ASGIApp) -> None:
        super().__init__(keeping_tcp_peer(asgi, "127.0.0.1"))
        self.server.config.proxy_headers = False  # read when the server starts


def served_as_the_service(config: Config) -> Iterator[httpx.Client]:
    app = App(config)
    ctx = WebContext(app, Desk(app.store), Metrics(), FetchRecorder(), secret=b"test-secret")
    try:
        with (
            ServedAsTheService(create_web_app(ctx)) as base_url,
            httpx.Client(base_url=base_url, follow_redirects=False) as client,
        ):
            yield client
    finally:
        asyncio.run(app.__aexit__(None, None, None))


@pytest.mark.parametrize(
    ("addresses", "forwarded_for", "status"),
    [
        ('"127.0.0.1"', "203.0.113.7", 200),  # the proxy on this host says who its client is
        ('"127.0.0.1"', "", 200),
        ('"10.9.9.9"', "10.9.9.9", 401),  # naming the proxy's address by header: nobody
        ('"10.9.9.9"', "", 401),
    ],
)
def test_the_proxy_is_the_tcp_peer_whatever_x_forwarded_for_says(
    site: Loopback,
    make_config: Callable[..., Config],
    drafted: Config,
    addresses: str,
    forwarded_for: str,
    status: int,
) -> None:
    feeds = [{"name": "city", "url": site.url("/feed")}]
    config = make_config(feeds, PROXIED.format(addresses), target_language="ja")
    store = Store.open(config.settings.database_url)
    try:
        add_account(store, "rui", Role.REVIEWER)
    finally:
        store.close()
    headers = as_user("rui") | ({"X-Forwarded-For": forwarded_for} if forwarded_for else {})
    for client in served_as_the_service(config):
        assert client.get("/api/stubs", headers=headers).status_code == status
