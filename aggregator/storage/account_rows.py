"""The rows of the accounts' tables as records, the checks on what is written to them, and
the one error their changes raise (`storage/accounts.py` uses them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from aggregator.auth.model import Account, Role, Token, TokenKind
from aggregator.auth.names import account_name, name_key
from aggregator.errors import AggregatorError
from aggregator.storage.tables import accounts, signin_failures, tokens

MAX_LABEL_CHARS = 100


class AccountError(AggregatorError):
    """An account or token change that cannot be made; one sentence saying why."""


TOKEN_COLUMNS = (
    tokens.c.id.label("token_id"),
    accounts.c.name.label("account_name"),
    tokens.c.kind,
    tokens.c.label,
    tokens.c.role.label("token_role"),
    tokens.c.created_at.label("token_created_at"),
    tokens.c.last_used_at,
    tokens.c.revoked_at,
)
TOKENS: sa.Select[Any] = sa.select(*TOKEN_COLUMNS).select_from(
    tokens.join(accounts, accounts.c.id == tokens.c.account_id)
)


def checked_name(name: str) -> str:
    try:
        return account_name(name)
    except ValueError as exc:
        raise AccountError(str(exc)) from None


def checked_label(label: str) -> str:
    label = " ".join(label.split())
    if len(label) > MAX_LABEL_CHARS:
        raise AccountError(f"a token's label has at most {MAX_LABEL_CHARS} characters")
    if not label.isprintable():
        raise AccountError("a token's label cannot hold control or format characters")
    return label


def row_named(conn: sa.Connection, name: str) -> sa.Row[Any] | None:
    return conn.execute(sa.select(accounts).where(accounts.c.name_key == name_key(name))).first()


def existing(conn: sa.Connection, name: str) -> sa.Row[Any]:
    row = row_named(conn, name)
    if row is None:
        raise AccountError(f"no account named {name!r}")
    return row


def account_of(row: sa.Row[Any]) -> Account:
    return Account(
        id=int(row.id),
        name=str(row.name),
        role=Role(row.role),
        disabled=bool(row.disabled),
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


def token_of(row: sa.Row[Any]) -> Token:
    return Token(
        id=int(row.token_id),
        account=str(row.account_name),
        kind=TokenKind(row.kind),
        label=str(row.label),
        role=Role(row.token_role),
        created_at=row.token_created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def count_failure(conn: sa.Connection, key: str, now: datetime) -> None:
    """Insert the key's first failure or add one, in one statement (INSERT ... ON CONFLICT,
    which SQLite and PostgreSQL both have): two failures at once both count."""
    values = {"key": key, "count": 1, "last_at": now}
    again = {"count": signin_failures.c.count + 1, "last_at": now}
    if conn.dialect.name == "postgresql":
        pg = postgresql.insert(signin_failures).values(values)
        conn.execute(pg.on_conflict_do_update(index_elements=["key"], set_=again))
    else:
        lite = sqlite.insert(signin_failures).values(values)
        conn.execute(lite.on_conflict_do_update(index_elements=["key"], set_=again))
