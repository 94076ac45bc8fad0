"""`/account`: a signed-in person makes a feed token, sees its addresses once, reads the digest
with it, and revokes it; nobody else's tokens are listed or revocable there."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from aggregator.auth.issue import issue_token
from aggregator.auth.model import TokenKind
from aggregator.storage.accounts import Accounts
from tests.web.conftest import Web
from tests.web.editing import TOKEN
from tests.web.signing import add_accounts, sign_in

ADDRESS = re.compile(r"<code>(http://[^<]*/digest\.atom\?token=([^<]*))</code>")


@pytest.fixture
def ana(web: Web) -> Iterator[httpx.Client]:
    """A browser signed in as the editor ana (rita, a reviewer, exists too)."""
    add_accounts(web, "ana", "rita")
    with httpx.Client(base_url=web.base_url, follow_redirects=False) as client:
        assert sign_in(client, "ana").status_code == 303
        yield client


def post(client: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
    token = TOKEN.search(client.get("/account").text)
    assert token is not None
    return client.post(path, data={**data, "csrf_token": token.group(1)})


def test_a_feed_token_is_shown_once_reads_the_digest_and_is_revoked(
    web: Web, ana: httpx.Client
) -> None:
    assert "No feed tokens yet." in ana.get("/account").text
    made = post(ana, "/account/tokens", {"label": "phone reader"})
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    found = ADDRESS.search(made.text)
    assert found is not None, made.text
    address, secret = found.groups()
    assert secret.startswith("agg_feed_")
    assert secret not in ana.get("/account").text  # shown once
    assert "phone reader" in ana.get("/account").text

    with httpx.Client() as reader:  # a feed reader: no cookie, the address only
        assert reader.get(address).status_code == 200
        assert reader.get(address.split("?")[0]).status_code == 401
        (token,) = Accounts(web.ctx.app.store).tokens("ana")
        revoked = post(ana, f"/account/tokens/{token.id}/revoke", {})
        assert revoked.status_code == 303
        assert reader.get(address).status_code in (401, 404)
    assert "revoked" in ana.get("/account").text
    assert "Revoke</button>" not in ana.get("/account").text


def test_someone_elses_token_is_neither_listed_nor_revoked(web: Web, ana: httpx.Client) -> None:
    accounts = Accounts(web.ctx.app.store)
    theirs = issue_token(
        accounts, "rita", TokenKind.FEED, "rita's reader", None, web.ctx.app.clock()
    )
    assert "rita&#39;s reader" not in ana.get("/account").text
    refused = post(ana, f"/account/tokens/{theirs.token.id}/revoke", {})
    assert refused.status_code == 404
    assert accounts.tokens("rita")[0].revoked_at is None


def test_without_accounts_nobody_has_tokens(web: Web) -> None:
    page = web.client.get("/account")
    assert page.status_code == 200
    assert "nobody has feed tokens" in page.text
    assert 'action="/account/tokens"' not in page.text
