"""Accounts, their sessions and personal tokens, and the sign-in failures, in the store.

Only hashes are kept: argon2id for passwords (`auth/passwords.py`), SHA-256 for the random
secrets of sessions and tokens (`auth/secrets.py`). Every change is one transaction. Names are
checked by `auth/names.py` and found case-insensitively. Removing an account removes its
sessions and tokens; the stubs' histories keep the name they were written with.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from aggregator.auth.model import RANK, Account, Role, Token, TokenKind
from aggregator.auth.names import name_key
from aggregator.storage.account_rows import (
    TOKEN_COLUMNS,
    TOKENS,
    AccountError,
    account_of,
    checked_label,
    checked_name,
    count_failure,
    existing,
    row_named,
    token_of,
)
from aggregator.storage.tables import accounts, sessions, signin_failures, tokens

if TYPE_CHECKING:
    from aggregator.storage.store import Store

__all__ = ["AccountError", "Accounts"]

LAST_USED_STEP = timedelta(minutes=1)
"""A token's `last_used_at` is written at most this often: not one write per request."""


class Accounts:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- accounts ------------------------------------------------------------------------

    def add(self, name: str, role: Role, password_hash: str, now: datetime) -> Account:
        """A new enabled account; AccountError when the name breaks the rule or is taken."""
        name = checked_name(name)
        try:
            with self.store.writing() as conn:
                taken = row_named(conn, name)
                if taken is not None:
                    raise AccountError(f"an account named {taken.name!r} exists")
                account_id = conn.execute(
                    accounts.insert()
                    .values(
                        name=name,
                        name_key=name_key(name),
                        role=role.value,
                        password_hash=password_hash,
                        disabled=False,
                        created_at=now,
                        password_changed_at=now,
                    )
                    .returning(accounts.c.id)
                ).scalar_one()
                row = conn.execute(sa.select(accounts).where(accounts.c.id == account_id)).one()
        except sa.exc.IntegrityError:  # added at the same moment by another command
            raise AccountError(f"an account named {name!r} exists") from None
        return account_of(row)

    def get(self, name: str) -> Account | None:
        with self.store.reading() as conn:
            row = row_named(conn, name)
        return None if row is None else account_of(row)

    def by_id(self, account_id: int) -> Account | None:
        with self.store.reading() as conn:
            row = conn.execute(sa.select(accounts).where(accounts.c.id == account_id)).first()
        return None if row is None else account_of(row)

    def password_hash(self, name: str) -> str | None:
        """The stored hash to check a password against; None when there is no such enabled
        account."""
        with self.store.reading() as conn:
            row = row_named(conn, name)
        if row is None or row.disabled:
            return None
        return str(row.password_hash)

    def list(self) -> tuple[Account, ...]:
        """Every account, by name."""
        with self.store.reading() as conn:
            rows = conn.execute(sa.select(accounts).order_by(accounts.c.name_key)).all()
        return tuple(account_of(row) for row in rows)

    def token_counts(self) -> dict[str, int]:
        """How many tokens each account has that are not revoked, by account name."""
        query = (
            sa.select(accounts.c.name, sa.func.count(tokens.c.id))
            .select_from(accounts.join(tokens, tokens.c.account_id == accounts.c.id))
            .where(tokens.c.revoked_at.is_(None))
            .group_by(accounts.c.name)
        )
        with self.store.reading() as conn:
            return {str(name): int(count) for name, count in conn.execute(query)}

    def count_enabled(self) -> int:
        """How many accounts may sign in: 0 on the first run."""
        query = (
            sa.select(sa.func.count()).select_from(accounts).where(accounts.c.disabled.is_(False))
        )
        with self.store.reading() as conn:
            return int(conn.execute(query).scalar_one())

    def set_password(self, name: str, password_hash: str, now: datetime) -> None:
        """A new password; every browser signed in as the account is signed out."""
        with self.store.writing() as conn:
            row = existing(conn, name)
            conn.execute(
                accounts.update()
                .where(accounts.c.id == row.id)
                .values(password_hash=password_hash, password_changed_at=now)
            )
            conn.execute(sessions.delete().where(sessions.c.account_id == row.id))

    def set_role(self, name: str, role: Role) -> Account:
        """The account's new role; its tokens above it come down to it."""
        with self.store.writing() as conn:
            row = existing(conn, name)
            conn.execute(accounts.update().where(accounts.c.id == row.id).values(role=role.value))
            above = [r.value for r in Role if RANK[r] > RANK[role]]
            conn.execute(
                tokens.update()
                .where(tokens.c.account_id == row.id, tokens.c.role.in_(above))
                .values(role=role.value)
            )
            row = conn.execute(sa.select(accounts).where(accounts.c.id == row.id)).one()
        return account_of(row)

    def disable(self, name: str, now: datetime) -> None:
        """The account can no longer sign in: its sessions end, its tokens stop working (they
        work again if it is enabled, unless revoked)."""
        del now  # kept in the signature: when it was disabled may be recorded one day
        with self.store.writing() as conn:
            row = existing(conn, name)
            conn.execute(accounts.update().where(accounts.c.id == row.id).values(disabled=True))
            conn.execute(sessions.delete().where(sessions.c.account_id == row.id))

    def enable(self, name: str) -> None:
        with self.store.writing() as conn:
            row = existing(conn, name)
            conn.execute(accounts.update().where(accounts.c.id == row.id).values(disabled=False))

    def remove(self, name: str) -> None:
        """The account goes with its sessions and tokens; the stubs' histories keep its name."""
        with self.store.writing() as conn:
            row = existing(conn, name)
            conn.execute(sessions.delete().where(sessions.c.account_id == row.id))
            conn.execute(tokens.delete().where(tokens.c.account_id == row.id))
            conn.execute(accounts.delete().where(accounts.c.id == row.id))

    # -- sessions ------------------------------------------------------------------------

    def open_session(
        self, account_id: int, secret_hash: str, now: datetime, expires_at: datetime
    ) -> None:
        with self.store.writing() as conn:
            conn.execute(
                sessions.insert().values(
                    secret_hash=secret_hash,
                    account_id=account_id,
                    created_at=now,
                    expires_at=expires_at,
                )
            )

    def session_account(self, secret_hash: str, now: datetime) -> Account | None:
        """The account signed in by the session; None when the session is unknown, expired,
        or its account disabled."""
        query = (
            sa.select(accounts)
            .select_from(sessions.join(accounts, accounts.c.id == sessions.c.account_id))
            .where(
                sessions.c.secret_hash == secret_hash,
                sessions.c.expires_at > now,
                accounts.c.disabled.is_(False),
            )
        )
        with self.store.reading() as conn:
            row = conn.execute(query).first()
        return None if row is None else account_of(row)

    def close_session(self, secret_hash: str) -> None:
        with self.store.writing() as conn:
            conn.execute(sessions.delete().where(sessions.c.secret_hash == secret_hash))

    def close_sessions(self, account_id: int) -> None:
        with self.store.writing() as conn:
            conn.execute(sessions.delete().where(sessions.c.account_id == account_id))

    # -- tokens --------------------------------------------------------------------------

    def add_token(
        self,
        account: str,
        kind: TokenKind,
        label: str,
        role: Role,
        secret_hash: str,
        now: datetime,
    ) -> Token:
        """A personal token of `account`; AccountError when the role is above the account's,
        the account is disabled or the label is not one line of at most 100 characters."""
        label = checked_label(label)
        with self.store.writing() as conn:
            row = existing(conn, account)
            if row.disabled:
                raise AccountError(f"the account {row.name!r} is disabled; enable it first")
            if RANK[role] > RANK[Role(row.role)]:
                raise AccountError(
                    f"a token of {row.name!r} may have at most its {row.role} role, not {role}"
                )
            token_id = conn.execute(
                tokens.insert()
                .values(
                    account_id=row.id,
                    kind=kind.value,
                    label=label,
                    role=role.value,
                    secret_hash=secret_hash,
                    created_at=now,
                )
                .returning(tokens.c.id)
            ).scalar_one()
            token = conn.execute(TOKENS.where(tokens.c.id == token_id)).one()
        return token_of(token)

    def tokens(self, account: str | None = None) -> tuple[Token, ...]:
        """Every token, or those of `account` (AccountError when there is no such account),
        oldest first."""
        query = TOKENS.order_by(tokens.c.id)
        with self.store.reading() as conn:
            if account is not None:
                query = query.where(tokens.c.account_id == existing(conn, account).id)
            rows = conn.execute(query).all()
        return tuple(token_of(row) for row in rows)

    def revoke_token(self, token_id: int, now: datetime) -> Token:
        """The token stops working for good; revoking it again changes nothing."""
        with self.store.writing() as conn:
            conn.execute(
                tokens.update()
                .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            row = conn.execute(TOKENS.where(tokens.c.id == token_id)).first()
        if row is None:
            raise AccountError(f"no token with id {token_id}")
        return token_of(row)

    def token_principal(
        self, secret_hash: str, kind: TokenKind, now: datetime
    ) -> tuple[Account, Token] | None:
        """The account and token a secret of `kind` stands for (`find_token`), with its use
        recorded (at most once a minute: `mark_used`)."""
        found = self.find_token(secret_hash, kind)
        if found is None:
            return None
        account, token = found
        if last_use_due(token, now):
            token = self.mark_used(token, now)
        return account, token

    def find_token(self, secret_hash: str, kind: TokenKind) -> tuple[Account, Token] | None:
        """The account and token a secret of `kind` stands for; None when it is unknown,
        revoked, of another kind, or its account disabled. Only reads (the web asks it on a
        reader thread). The token's role is never above its account's."""
        query = (
            sa.select(accounts, *TOKEN_COLUMNS)
            .select_from(tokens.join(accounts, accounts.c.id == tokens.c.account_id))
            .where(
                tokens.c.secret_hash == secret_hash,
                tokens.c.kind == kind.value,
                tokens.c.revoked_at.is_(None),
                accounts.c.disabled.is_(False),
            )
        )
        with self.store.reading() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        account = account_of(row)
        token = token_of(row)
        if RANK[token.role] > RANK[account.role]:
            token = replace(token, role=account.role)
        return account, token

    def mark_used(self, token: Token, now: datetime) -> Token:
        """Records that `token` was used at `now`, unless a use less than a minute ago was."""
        with self.store.writing() as conn:
            conn.execute(
                tokens.update()
                .where(
                    tokens.c.id == token.id,
                    sa.or_(
                        tokens.c.last_used_at.is_(None),
                        tokens.c.last_used_at <= now - LAST_USED_STEP,
                    ),
                )
                .values(last_used_at=now)
            )
        return replace(token, last_used_at=now)

    # -- sign-in failures ----------------------------------------------------------------

    def failures(self, key: str) -> tuple[int, datetime | None]:
        """How many sign-ins failed in a row for `key`, and when the last one did."""
        query = sa.select(signin_failures.c.count, signin_failures.c.last_at).where(
            signin_failures.c.key == key
        )
        with self.store.reading() as conn:
            row = conn.execute(query).first()
        return (0, None) if row is None else (int(row[0]), row[1])

    def record_failure(self, key: str, now: datetime) -> int:
        """One more failure for `key`; the count now."""
        with self.store.writing() as conn:
            count_failure(conn, key, now)
            count = conn.execute(
                sa.select(signin_failures.c.count).where(signin_failures.c.key == key)
            ).scalar_one()
        return int(count)

    def clear_failures(self, key: str) -> None:
        with self.store.writing() as conn:
            conn.execute(signin_failures.delete().where(signin_failures.c.key == key))


def last_use_due(token: Token, now: datetime) -> bool:
    """Whether a use of `token` at `now` is to be recorded (a minute since the last one)."""
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP
