"""Who may do what through the API and the pages, with `[web] auth = "builtin"`: personal API
tokens sent as `Authorization: Bearer`, and the roles checked on the server. Accounts and
tokens are made through the store as the CLI makes them; the app is served over loopback."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aggregator.auth.model import Role, TokenKind
from aggregator.auth.secrets import new_secret, secret_hash
from aggregator.auth.settings import SESSION_COOKIE
from aggregator.config import Config
from aggregator.storage.accounts import Accounts
from tests.helpers.accounts import BUILTIN, add_account, api_json, bearer, issue, revoke
from tests.web.conftest import Web, open_web
from tests.web.editing import DAM, post_form, stub_id


@pytest.fixture
def config_extra() -> str:
    return BUILTIN


def etag(web: Web, item_id: int, headers: dict[str, str]) -> str:
    response = web.client.get(f"/api/stubs/{item_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def move(web: Web, item_id: int, state: str, headers: dict[str, str], **body: str) -> int:
    tag = etag(web, item_id, headers)
    path = f"/api/stubs/{item_id}/state"
    response = api_json(web.client, "POST", path, {"state": state, **body}, headers, tag)
    return response.status_code


def history(web: Web, item_id: int, headers: dict[str, str]) -> list[tuple[str, str | None]]:
    events = web.client.get(f"/api/stubs/{item_id}/events", headers=headers).json()["events"]
    return [(e["who"], e.get("to")) for e in events if e["action"] == "state"]


def test_without_a_token_the_api_answers_401_and_says_how_to_get_one(web: Web) -> None:
    for method, path in [
        ("GET", "/api/stubs"),
        ("GET", "/api/feeds"),
        ("POST", "/api/feeds/fetch"),
    ]:
        response = web.client.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "aggregator tokens create" in response.json()["error"]
    assert web.fetches.calls == []


def test_a_wrong_or_revoked_token_is_401_and_a_valid_one_reads(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    issued = issue(store, "ana")
    assert web.client.get("/api/stubs", headers=bearer(issued)).status_code == 200
    wrong = {"Authorization": f"Bearer {new_secret('api')}"}
    assert web.client.get("/api/stubs", headers=wrong).status_code == 401
    assert (
        web.client.get("/api/stubs", headers={"Authorization": "Basic YW5hOng="}).status_code == 401
    )
    revoke(store, issued)
    response = web.client.get("/api/stubs", headers=bearer(issued))
    assert response.status_code == 401, "revoked: cut off at once"


def test_a_feed_token_reads_the_digest_only(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.ADMIN)
    feed = issue(store, "ana", TokenKind.FEED)
    assert web.client.get("/api/stubs", headers=bearer(feed)).status_code == 401
    assert web.client.get(f"/api/stubs?token={feed.secret}").status_code == 401
    assert web.client.get(f"/stubs?token={feed.secret}").status_code == 303


def test_an_editor_token_moves_a_draft_to_reviewed_but_cannot_approve(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    ana = bearer(issue(store, "ana"))
    item_id = stub_id(web, DAM)
    assert move(web, item_id, "approved", ana) == 403
    assert move(web, item_id, "rejected", ana) == 403
    assert move(web, item_id, "reviewed", ana, editor="Mallory") == 200
    assert move(web, item_id, "approved", ana) == 403
    path = f"/api/stubs/{item_id}/state"
    response = api_json(
        web.client, "POST", path, {"state": "approved"}, ana, etag(web, item_id, ana)
    )
    assert "needs the reviewer role" in response.json()["error"]
    assert history(web, item_id, ana) == [("ana", "reviewed")], "the account, not the body"


def test_a_reviewer_token_approves_and_the_history_names_each_account(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    add_account(store, "rui", Role.REVIEWER)
    ana, rui = bearer(issue(store, "ana")), bearer(issue(store, "rui"))
    item_id = stub_id(web, DAM)
    assert move(web, item_id, "reviewed", ana) == 200
    assert move(web, item_id, "approved", rui) == 200
    assert history(web, item_id, rui) == [("ana", "reviewed"), ("rui", "approved")]


def test_a_token_acts_with_its_own_role_not_its_accounts(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "rui", Role.REVIEWER)
    limited = bearer(issue(store, "rui", role=Role.EDITOR))
    item_id = stub_id(web, DAM)
    assert move(web, item_id, "reviewed", limited) == 200
    assert move(web, item_id, "approved", limited) == 403


def test_edits_are_recorded_under_the_tokens_account(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    ana = bearer(issue(store, "ana"))
    item_id = stub_id(web, DAM)
    path = f"/api/stubs/{item_id}/parts/summary"
    body = {"content": "A summary."}  # no editor: the token says who
    response = api_json(web.client, "PUT", path, body, ana, etag(web, item_id, ana))
    assert response.status_code == 200, response.text
    events = web.client.get(f"/api/stubs/{item_id}/events", headers=ana).json()["events"]
    assert [(e["who"], e["action"]) for e in events] == [("ana", "edit")]


def test_fetch_now_needs_an_admin(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    add_account(store, "rui", Role.REVIEWER)
    add_account(store, "ada", Role.ADMIN)
    ana, rui = bearer(issue(store, "ana")), bearer(issue(store, "rui"))
    ada = bearer(issue(store, "ada"))
    for who in (ana, rui):
        for path in ("/api/feeds/fetch", "/api/feeds/city/fetch"):
            refused = api_json(web.client, "POST", path, {}, who)
            assert refused.status_code == 403, path
            assert "needs the admin role" in refused.json()["error"]
    assert web.fetches.calls == []
    assert api_json(web.client, "POST", "/api/feeds/city/fetch", {}, ada).status_code == 202
    assert web.fetches.calls == [("city",)]


def test_a_disabled_accounts_token_stops_working(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    ana = bearer(issue(store, "ana"))
    assert web.client.get("/api/stubs", headers=ana).status_code == 200
    Accounts(store).disable("ana", web.ctx.app.clock())
    assert web.client.get("/api/stubs", headers=ana).status_code == 401


def test_a_session_signs_a_browser_in_and_its_role_is_checked_on_the_page_too(web: Web) -> None:
    store = web.ctx.app.store
    account = add_account(store, "ana", Role.EDITOR)
    secret = new_secret("session")
    now = web.ctx.app.clock()
    Accounts(store).open_session(
        account.id, secret_hash(secret), now, now.replace(year=now.year + 1)
    )
    web.client.cookies.set(SESSION_COOKIE, secret)
    assert web.client.get("/stubs").status_code == 200
    assert web.client.get("/api/stubs").status_code == 200, "the API takes the session too"
    item_id = stub_id(web, DAM)
    page = f"/stubs/{item_id}"
    refused = post_form(web, f"{page}/state", {"state": "approved", "editor": "Mallory"}, page)
    assert refused.status_code == 403
    assert "needs the reviewer role" in refused.text
    moved = post_form(web, f"{page}/state", {"state": "reviewed", "editor": "Mallory"}, page)
    assert moved.status_code == 303
    assert history(web, item_id, {}) == [("ana", "reviewed")]
    fetch = post_form(web, "/feeds/fetch", {})
    assert fetch.status_code == 403
    assert "needs the admin role" in fetch.text
    assert web.fetches.calls == []
    web.client.cookies.set(SESSION_COOKIE, new_secret("session"))
    assert web.client.get("/stubs").status_code == 303, "an unknown session is nobody"


def test_the_document_lists_401_and_403_and_the_bearer_scheme(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert document["security"] == [{"bearer": []}]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            public = path in ("/healthz", "/api/openapi.json")
            assert ("401" in operation["responses"]) is not public, (method, path)
            assert ("security" in operation) is public


def test_tokens_on_postgresql(make_config: Callable[..., Config], postgresql_url: str) -> None:
    config = make_config([], BUILTIN, database_url=postgresql_url)
    for web in open_web(config):
        store = web.ctx.app.store
        add_account(store, "ana", Role.EDITOR)
        api, feed = issue(store, "ana"), issue(store, "ana", TokenKind.FEED)
        assert web.client.get("/api/feeds", headers=bearer(api)).status_code == 200
        assert api_json(web.client, "POST", "/api/feeds/fetch", {}, bearer(api)).status_code == 403
        assert web.client.get(f"/digest.atom?token={feed.secret}").status_code == 200
        revoke(store, api)
        assert web.client.get("/api/feeds", headers=bearer(api)).status_code == 401
        used = [t for t in Accounts(store).tokens("ana") if t.kind is TokenKind.API]
        assert used[0].last_used_at is not None, "its last use recorded"
