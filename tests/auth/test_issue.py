"""Issuing a personal token: a fresh secret, its hash stored, the role at most the account's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from aggregator.auth.issue import issue_token
from aggregator.auth.model import Role, TokenKind
from aggregator.auth.secrets import secret_hash
from aggregator.storage.accounts import AccountError, Accounts
from aggregator.storage.store import Store

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


@pytest.fixture
def accounts(database_url: str) -> Iterator[Accounts]:
    store = Store.open(database_url)
    try:
        found = Accounts(store)
        found.add("ana", Role.REVIEWER, "$argon2id$not-checked-here", NOW)
        yield found
    finally:
        store.close()


def test_the_role_defaults_to_the_accounts(accounts: Accounts) -> None:
    issued = issue_token(accounts, "ANA", TokenKind.API, "", None, NOW)
    assert issued.token.role is Role.REVIEWER
    assert issued.token.account == "ana"
    found = accounts.token_principal(secret_hash(issued.secret), TokenKind.API, NOW)
    assert found is not None
    assert found[1].id == issued.token.id


def test_each_token_has_its_own_secret(accounts: Accounts) -> None:
    one = issue_token(accounts, "ana", TokenKind.FEED, "", Role.EDITOR, NOW)
    two = issue_token(accounts, "ana", TokenKind.FEED, "", Role.EDITOR, NOW)
    assert one.secret != two.secret
    assert one.secret.startswith("agg_feed_")


def test_a_role_above_the_accounts_or_an_unknown_account_is_refused(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="at most its reviewer role"):
        issue_token(accounts, "ana", TokenKind.API, "", Role.ADMIN, NOW)
    with pytest.raises(AccountError, match="no account named 'bob'"):
        issue_token(accounts, "bob", TokenKind.API, "", None, NOW)
    assert accounts.tokens() == ()
