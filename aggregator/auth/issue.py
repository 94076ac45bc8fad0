"""Issuing a personal token: the one place a token's secret exists in clear, shared by
`aggregator tokens create` and the web."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from aggregator.auth.model import Account, IssuedToken, Role, Token, TokenKind
from aggregator.auth.secrets import new_secret, secret_hash


class TokenStore(Protocol):
    """What issuing needs of the store (`storage.accounts.Accounts`)."""

    def get(self, name: str) -> Account | None: ...

    def add_token(
        self,
        account: str,
        kind: TokenKind,
        label: str,
        role: Role,
        secret_hash: str,
        now: datetime,
    ) -> Token: ...


def issue_token(
    accounts: TokenStore,
    account: str,
    kind: TokenKind,
    label: str,
    role: Role | None,
    now: datetime,
) -> IssuedToken:
    """A new token of `account` with a fresh secret, of which only the hash is stored.
    `role` None: the account's own. The store refuses a role above the account's, an unknown
    or disabled account (`AccountError`)."""
    if role is None:
        found = accounts.get(account)
        if found is not None:
            role = found.role
    secret = new_secret(kind.value)
    token = accounts.add_token(account, kind, label, role or Role.EDITOR, secret_hash(secret), now)
    return IssuedToken(token=token, secret=secret)
