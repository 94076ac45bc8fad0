"""The digest once people sign in: a feed reader adds its personal feed token to the address;
without one 401, an unknown or revoked one 404, a valid one 200 and 304 as before, and the
links inside the document carry the same token so a reader pages through. Served over
loopback with `[web] auth = "builtin"` and one stub a page."""

from __future__ import annotations

import feedparser
import pytest

from aggregator.auth.model import Role, TokenKind
from aggregator.auth.secrets import new_secret
from tests.digest.checks import check_atom, link
from tests.helpers.accounts import BUILTIN, add_account, bearer, issue, revoke
from tests.web.conftest import Web


@pytest.fixture
def config_extra() -> str:
    return BUILTIN + "\n[digest]\nlimit = 1\n"


def test_without_a_token_the_digest_is_401_and_says_how_to_get_one(web: Web) -> None:
    for path in ("/digest.atom", "/digest.json", "/digest.atom?page=2"):
        response = web.client.get(path)
        assert response.status_code == 401, path
        assert "aggregator tokens create NAME --feed" in response.text
        assert "<entry>" not in response.text


def test_an_unknown_or_revoked_token_is_404_alike(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    feed = issue(store, "ana", TokenKind.FEED)
    api = issue(store, "ana", TokenKind.API)
    assert web.client.get(f"/digest.atom?token={feed.secret}").status_code == 200
    revoke(store, feed)
    revoked = web.client.get(f"/digest.atom?token={feed.secret}")
    unknown = web.client.get(f"/digest.atom?token={new_secret('feed')}")
    not_a_feed_token = web.client.get(f"/digest.atom?token={api.secret}")
    for response in (revoked, unknown, not_a_feed_token):
        assert response.status_code == 404
        assert response.text == revoked.text, "a guesser cannot tell which"


def test_a_valid_token_reads_200_then_304_privately(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    feed = issue(store, "ana", TokenKind.FEED)
    url = f"/digest.atom?token={feed.secret}"
    first = web.client.get(url)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, max-age=300"
    assert len(feedparser.parse(first.content).entries) == 1
    again = web.client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "private, max-age=300"


def test_the_links_carry_the_token_so_a_reader_pages_through(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    feed = issue(store, "ana", TokenKind.FEED)
    base = web.ctx.app.config.digest.base_url
    first = check_atom(web.client.get(f"/digest.atom?token={feed.secret}").content)
    assert link(first, "self") == f"{base}/digest.atom?token={feed.secret}"
    following = link(first, "next") or ""
    assert following == f"{base}/digest.atom?page=2&token={feed.secret}"
    second = web.client.get(following.removeprefix(base))
    assert second.status_code == 200
    assert link(check_atom(second.content), "previous") == f"{base}/digest.atom?token={feed.secret}"
    document = web.client.get(f"/digest.json?token={feed.secret}").json()
    assert document["next_url"] == f"{base}/digest.json?page=2&token={feed.secret}"


def test_one_readers_token_never_appears_in_anothers_document(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    add_account(store, "rui", Role.REVIEWER)
    ana, rui = issue(store, "ana", TokenKind.FEED), issue(store, "rui", TokenKind.FEED)
    for coding in ("gzip", "identity"):
        headers = {"Accept-Encoding": coding}
        seen_by_ana = web.client.get(f"/digest.atom?token={ana.secret}", headers=headers)
        seen_by_rui = web.client.get(f"/digest.atom?token={rui.secret}", headers=headers)
        assert ana.secret in seen_by_ana.text
        assert ana.secret not in seen_by_rui.text, coding
        assert rui.secret in seen_by_rui.text
        assert seen_by_ana.headers["etag"] != seen_by_rui.headers["etag"]


def test_a_session_or_api_token_reads_it_too_without_a_token_in_the_links(web: Web) -> None:
    store = web.ctx.app.store
    add_account(store, "ana", Role.EDITOR)
    api = issue(store, "ana", TokenKind.API)
    response = web.client.get("/digest.atom", headers=bearer(api))
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("private")
    assert api.secret not in response.text
    assert "token=" not in response.text
