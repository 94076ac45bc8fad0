"""Requests forged by other sites are refused: forms need this browser's signed token and a
same-site origin; API writes need JSON and a same-site origin. Nothing changes when refused."""

from __future__ import annotations

import httpx
import pytest

from aggregator.web import csrf
from tests.web.conftest import Web
from tests.web.editing import DAM, TOKEN, form_token, if_match, stub_id

EVIL = "https://evil.example"


def move_form(web: Web, token: str | None, **headers: str) -> httpx.Response:
    item_id = stub_id(web, DAM)
    version = str(web.ctx.desk.get(item_id).version)
    data = {"state": "reviewed", "editor": "Ana", "version": version}
    if token is not None:
        data["csrf_token"] = token
    return web.client.post(f"/stubs/{item_id}/state", data=data, headers=headers)


def assert_nothing_changed(web: Web) -> None:
    item_id = stub_id(web, DAM)
    assert web.ctx.desk.get(item_id).state == "draft"
    assert web.ctx.desk.events(item_id) == []


def test_a_form_without_the_token_is_refused(web: Web) -> None:
    form_token(web)
    response = move_form(web, None, Origin=web.base_url)
    assert response.status_code == 403
    assert "security token is missing or out of date" in response.text
    assert_nothing_changed(web)


def test_a_wrong_token_is_refused(web: Web) -> None:
    token = form_token(web)
    response = move_form(web, token[:-1] + ("0" if token[-1] != "0" else "1"), Origin=web.base_url)
    assert response.status_code == 403
    assert_nothing_changed(web)


def test_another_browsers_token_is_refused(web: Web) -> None:
    ours = form_token(web)
    with httpx.Client(base_url=web.base_url) as other:
        found = TOKEN.search(other.get("/feeds").text)
        assert found is not None
        theirs = found.group(1)
        assert other.cookies.get(csrf.COOKIE) != web.client.cookies.get(csrf.COOKIE)
    assert theirs != ours
    assert move_form(web, theirs, Origin=web.base_url).status_code == 403
    assert_nothing_changed(web)


def test_a_token_without_its_cookie_is_refused(web: Web) -> None:
    token = form_token(web)
    web.client.cookies.clear()
    assert move_form(web, token, Origin=web.base_url).status_code == 403
    assert_nothing_changed(web)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": EVIL + "/page"},
    ],
)
def test_a_cross_site_form_is_refused_even_with_the_token(
    web: Web, headers: dict[str, str]
) -> None:
    response = move_form(web, form_token(web), **headers)
    assert response.status_code == 403
    assert "refused" in response.text
    assert_nothing_changed(web)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "same"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": "same"},
        {},
    ],
)
def test_a_same_origin_form_with_the_token_is_done(web: Web, headers: dict[str, str]) -> None:
    headers = {k: web.base_url + "/stubs" if v == "same" else v for k, v in headers.items()}
    response = move_form(web, form_token(web), **headers)
    assert response.status_code == 303
    assert web.ctx.desk.get(stub_id(web, DAM)).state == "reviewed"


def test_a_proxy_that_rewrites_host_says_which_host_was_asked(web: Web) -> None:
    token = form_token(web)
    proxied = {"Host": "127.0.0.1:9", "X-Forwarded-Host": "desk.example"}
    refused = move_form(web, token, Origin="https://elsewhere.example", **proxied)
    assert refused.status_code == 403
    done = move_form(web, token, Origin="https://desk.example", **proxied)
    assert done.status_code == 303


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        ("state=reviewed&editor=Ana", "text/plain", 415),
        ("state=reviewed&editor=Ana", "multipart/form-data; boundary=x", 415),
        ("state=reviewed&editor=" + "A" * (1 << 20), "application/x-www-form-urlencoded", 413),
        ("&".join(f"f{n}=1" for n in range(50)), "application/x-www-form-urlencoded", 400),
        ("editor=%FF%FE", "application/x-www-form-urlencoded", 400),
    ],
)
def test_only_this_sites_forms_are_read(
    web: Web, content: str, content_type: str, status: int
) -> None:
    token = form_token(web)
    response = web.client.post(
        f"/stubs/{stub_id(web, DAM)}/state",
        content=f"csrf_token={token}&{content}".encode(),
        headers={"Content-Type": content_type, "Origin": web.base_url},
    )
    assert response.status_code == status
    assert_nothing_changed(web)


def test_the_cookies_cannot_be_read_by_scripts_or_sent_by_other_sites(web: Web) -> None:
    page = web.client.get("/feeds")
    cookie = page.headers["set-cookie"].lower()
    assert cookie.startswith("csrf=")
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert page.headers["x-frame-options"] == "DENY"
    moved = move_form(web, form_token(web), Origin=web.base_url)
    editor = next(c for c in moved.headers.get_list("set-cookie") if c.startswith("editor="))
    assert "httponly" in editor.lower()
    assert "samesite=lax" in editor.lower()


def api_move(web: Web, content_type: str, body: str, **headers: str) -> httpx.Response:
    path = f"/api/stubs/{stub_id(web, DAM)}/state"
    return web.client.post(
        path,
        content=body.encode(),
        headers={"Content-Type": content_type, **if_match(web, path), **headers},
    )


JSON_MOVE = '{"state": "reviewed", "editor": "Ana"}'


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_an_api_write_must_be_json(web: Web, content_type: str) -> None:
    response = api_move(web, content_type, JSON_MOVE)
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]
    assert_nothing_changed(web)


@pytest.mark.parametrize(
    "headers",
    [{"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
)
def test_a_cross_site_api_write_is_refused(web: Web, headers: dict[str, str]) -> None:
    response = api_move(web, "application/json", JSON_MOVE, **headers)
    assert response.status_code == 403
    assert "refused" in response.json()["error"]
    plain = api_move(web, "text/plain", JSON_MOVE, **headers)
    assert plain.status_code == 403
    assert_nothing_changed(web)


def test_a_same_origin_api_write_is_done(web: Web) -> None:
    response = api_move(web, "application/json; charset=utf-8", JSON_MOVE, Origin=web.base_url)
    assert response.status_code == 200
    assert response.json()["state"] == "reviewed"


def test_the_form_token_is_the_cookies_signature_under_the_secret() -> None:
    token = csrf.new_browser_token()
    signed = csrf.form_token(b"one secret", token)
    assert csrf.form_token_matches(b"one secret", token, signed)
    assert not csrf.form_token_matches(b"another secret", token, signed)
    assert not csrf.form_token_matches(b"one secret", csrf.new_browser_token(), signed)
    assert not csrf.form_token_matches(b"one secret", None, signed)
    assert not csrf.form_token_matches(b"one secret", token, "")
    assert not csrf.form_token_matches(b"one secret", "short", csrf.form_token(b"x", "short"))


@pytest.mark.parametrize(
    ("origin", "fetch_site", "referer", "refused"),
    [
        ("http://desk.example:8080", None, None, False),
        ("https://desk.example:8080", "same-origin", None, False),
        ("https://DESK.example:8080", None, None, False),
        ("http://desk.example", None, None, True),
        ("http://evil.example:8080", None, None, True),
        ("null", None, None, True),
        (None, "same-origin", None, False),
        (None, "none", None, False),
        (None, "same-site", None, True),
        (None, "cross-site", "http://desk.example:8080/", True),
        (None, None, "http://desk.example:8080/stubs/1", False),
        (None, None, "http://evil.example/desk.example:8080", True),
        (None, None, None, False),
    ],
)
def test_cross_site_reason(
    origin: str | None, fetch_site: str | None, referer: str | None, refused: bool
) -> None:
    reason = csrf.cross_site_reason(("desk.example:8080",), origin, fetch_site, referer)
    assert (reason is not None) == refused
