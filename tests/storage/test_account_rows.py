"""The checks on what is written to the accounts' tables, and their rows read back as records."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aggregator.auth.model import Role
from aggregator.storage.account_rows import (
    MAX_LABEL_CHARS,
    AccountError,
    account_of,
    checked_label,
    checked_name,
    count_failure,
    existing,
    row_named,
)
from aggregator.storage.accounts import Accounts
from aggregator.storage.store import Store
from aggregator.storage.tables import signin_failures
from tests.helpers.storage import NOW


def test_a_name_breaking_the_rule_is_an_account_error() -> None:
    assert checked_name("Ana") == "Ana"
    with pytest.raises(AccountError, match="U\\+202E"):
        checked_name("\u202eevil")


def test_a_label_is_one_line_of_printable_text() -> None:
    assert checked_label("  nightly\n export\t") == "nightly export"
    assert checked_label("") == ""
    assert checked_label("x" * MAX_LABEL_CHARS) == "x" * MAX_LABEL_CHARS
    with pytest.raises(AccountError, match="at most 100"):
        checked_label("x" * (MAX_LABEL_CHARS + 1))
    with pytest.raises(AccountError, match="control or format"):
        checked_label("a\u200bb")


def test_rows_are_found_by_the_folded_name(store: Store) -> None:
    Accounts(store).add("Ana", Role.ADMIN, "$argon2id$h", NOW)
    with store.reading() as conn:
        row = row_named(conn, "ANA")
        assert row is not None
        assert account_of(row).name == "Ana"
        assert account_of(row).role is Role.ADMIN
        assert row_named(conn, "bob") is None
        with pytest.raises(AccountError, match=r"^no account named 'bob'$"):
            existing(conn, "bob")


def test_a_failure_is_inserted_then_counted_up(store: Store) -> None:
    with store.writing() as conn:
        count_failure(conn, "account:ana", NOW)
        count_failure(conn, "account:ana", NOW)
        count_failure(conn, "account:bob", NOW)
    with store.reading() as conn:
        rows = dict(conn.execute(sa.select(signin_failures.c.key, signin_failures.c.count)).all())
    assert rows == {"account:ana": 2, "account:bob": 1}
