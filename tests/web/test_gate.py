"""The gate in front of every route, with `[web] auth = "builtin"` and nobody signed in: pages
send the browser to the login page with where it was going, the API answers 401 with
`WWW-Authenticate: Bearer`, and the public paths stay open. Served over loopback."""

from __future__ import annotations

import pytest

from aggregator.web.gate import digest_path, public
from tests.helpers.accounts import BUILTIN
from tests.web.conftest import Web


@pytest.fixture
def config_extra() -> str:
    return BUILTIN


def test_pages_send_nobody_to_the_login_page_with_where_they_were_going(web: Web) -> None:
    response = web.client.get("/stubs?state=draft")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fstubs%3Fstate%3Ddraft"
    assert response.headers["cache-control"] == "no-store"
    assert web.client.get("/feeds").headers["location"] == "/login?next=%2Ffeeds"
    assert web.client.get("/").headers["location"] == "/login"
    assert web.client.head("/stubs/1").headers["location"] == "/login?next=%2Fstubs%2F1"


def test_a_write_from_nobody_changes_nothing(web: Web) -> None:
    refused = web.client.post("/feeds/fetch", data={"csrf_token": "x"})
    assert (refused.status_code, refused.headers["location"]) == (303, "/login")
    assert web.client.post("/stubs/bulk", data={"state": "approved"}).status_code == 303
    assert web.fetches.calls == []


def test_the_api_answers_nobody_401_in_json(web: Web) -> None:
    for path in ("/api/stubs", "/api/nothing-here", "/api"):
        response = web.client.get(path)
        assert response.status_code == 401, path
        assert response.headers["content-type"] == "application/json"
        assert response.headers["www-authenticate"] == 'Bearer realm="aggregator"'
        assert set(response.json()) == {"error"}
        assert response.headers["x-content-type-options"] == "nosniff", "headers as everywhere"


def test_public_paths_stay_open(web: Web) -> None:
    for path in ("/healthz", "/api/openapi.json", "/static/desk.css", "/favicon.ico", "/metrics"):
        assert web.client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("path", "open_to_all"),
    [
        ("/login", True),
        ("/logout", True),
        ("/static/desk.js", True),
        ("/favicon.ico", True),
        ("/healthz", True),
        ("/metrics", True),
        ("/api/openapi.json", True),
        ("/api/openapi.json/x", False),
        ("/loginx", False),
        ("/staticx", False),
        ("/stubs", False),
        ("/api/stubs", False),
        ("/digest.atom", False),
    ],
)
def test_public(path: str, open_to_all: bool) -> None:
    assert public(path) is open_to_all


@pytest.mark.parametrize(
    ("path", "digest"),
    [
        ("/digest.atom", True),
        ("/digest.json", True),
        ("/digest/politics.atom", True),
        ("/digest.atomx", False),
        ("/digests", False),
        ("/stubs", False),
    ],
)
def test_digest_path(path: str, digest: bool) -> None:
    assert digest_path(path) is digest
