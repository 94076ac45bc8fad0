"""Accounts, sessions, tokens and sign-in failures in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from aggregator.auth.issue import issue_token
from aggregator.auth.model import Role, TokenKind
from aggregator.auth.secrets import new_secret, secret_hash
from aggregator.storage.accounts import AccountError, Accounts
from aggregator.storage.cleanup import clean_up
from aggregator.storage.store import Store
from aggregator.storage.tables import sessions, tokens
from tests.helpers.storage import NOW

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
HOUR = timedelta(hours=1)


@pytest.fixture
def accounts(store: Store) -> Accounts:
    return Accounts(store)


def test_an_account_is_added_found_and_listed(accounts: Accounts) -> None:
    assert accounts.count_enabled() == 0
    ana = accounts.add("Ana", Role.REVIEWER, HASH, NOW)
    accounts.add("bo.b@example.org", Role.EDITOR, HASH, NOW)
    assert ana.name == "Ana"
    assert ana.role is Role.REVIEWER
    assert not ana.disabled
    assert ana.created_at == NOW
    assert ana.password_changed_at == NOW
    assert accounts.get("ana") == ana == accounts.get("ANA")
    assert accounts.by_id(ana.id) == ana
    assert accounts.get("nobody") is None
    assert accounts.by_id(ana.id + 100) is None
    assert [a.name for a in accounts.list()] == ["Ana", "bo.b@example.org"]
    assert accounts.count_enabled() == 2
    assert accounts.password_hash("aNa") == HASH
    assert accounts.password_hash("nobody") is None


@pytest.mark.parametrize("taken", ["ana", "ANA", "Ana", "\uff21\uff2e\uff21"])
def test_a_name_taken_in_any_case_is_refused(accounts: Accounts, taken: str) -> None:
    accounts.add("Ana", Role.EDITOR, HASH, NOW)
    with pytest.raises(AccountError, match=r"an account named .* exists"):
        accounts.add(taken, Role.EDITOR, HASH, NOW)
    assert len(accounts.list()) == 1


@pytest.mark.parametrize(
    "name", ["", "\u202eevil", "ana bob", "a\nb", "a\x00", "x" * 65, "\u0301a", "ana\u200b"]
)
def test_names_breaking_the_rule_are_refused(accounts: Accounts, name: str) -> None:
    with pytest.raises(AccountError, match="account name"):
        accounts.add(name, Role.EDITOR, HASH, NOW)
    assert accounts.list() == ()


def test_names_of_other_scripts_and_email_addresses_are_accepted(accounts: Accounts) -> None:
    for name in ("José", "मनोज", "ana_b-1", "ana@desk.example", "x" * 64):
        assert accounts.add(name, Role.EDITOR, HASH, NOW).name == name


def test_unknown_accounts_are_named_in_the_error(accounts: Accounts) -> None:
    for change in (
        lambda: accounts.set_password("ghost", HASH, NOW),
        lambda: accounts.set_role("ghost", Role.ADMIN),
        lambda: accounts.disable("ghost", NOW),
        lambda: accounts.enable("ghost"),
        lambda: accounts.remove("ghost"),
        lambda: accounts.tokens("ghost"),
    ):
        with pytest.raises(AccountError, match=r"^no account named 'ghost'$"):
            change()


def test_a_session_lasts_until_it_expires_or_is_closed(accounts: Accounts) -> None:
    ana = accounts.add("ana", Role.EDITOR, HASH, NOW)
    one, two = secret_hash(new_secret("session")), secret_hash(new_secret("session"))
    accounts.open_session(ana.id, one, NOW, NOW + HOUR)
    accounts.open_session(ana.id, two, NOW, NOW + HOUR)
    assert accounts.session_account(one, NOW + HOUR / 2) == ana
    assert accounts.session_account(one, NOW + HOUR) is None
    assert accounts.session_account("0" * 64, NOW) is None
    accounts.close_session(one)
    assert accounts.session_account(one, NOW) is None
    assert accounts.session_account(two, NOW) == ana
    accounts.close_sessions(ana.id)
    assert accounts.session_account(two, NOW) is None


def test_a_new_password_or_disabling_ends_the_sessions(accounts: Accounts) -> None:
    ana = accounts.add("ana", Role.EDITOR, HASH, NOW)
    accounts.open_session(ana.id, "a" * 64, NOW, NOW + HOUR)
    accounts.set_password("ANA", "$argon2id$new", NOW + HOUR / 2)
    assert accounts.session_account("a" * 64, NOW) is None
    assert accounts.password_hash("ana") == "$argon2id$new"
    changed = accounts.get("ana")
    assert changed is not None
    assert changed.password_changed_at == NOW + HOUR / 2

    accounts.open_session(ana.id, "b" * 64, NOW, NOW + HOUR)
    accounts.disable("ana", NOW)
    assert accounts.session_account("b" * 64, NOW) is None
    assert accounts.password_hash("ana") is None
    assert accounts.count_enabled() == 0
    accounts.enable("ana")
    assert accounts.password_hash("ana") == "$argon2id$new"
    assert accounts.count_enabled() == 1


def test_a_session_of_a_disabled_account_gives_none(accounts: Accounts, store: Store) -> None:
    ana = accounts.add("ana", Role.EDITOR, HASH, NOW)
    accounts.open_session(ana.id, "c" * 64, NOW, NOW + HOUR)
    with store.writing() as conn:  # disabled by another process, the session row still there
        conn.execute(sa.text("UPDATE accounts SET disabled = :yes"), {"yes": True})
    assert accounts.session_account("c" * 64, NOW) is None


def test_tokens_work_until_revoked_and_only_for_their_kind(accounts: Accounts) -> None:
    accounts.add("ana", Role.REVIEWER, HASH, NOW)
    issued = issue_token(accounts, "ana", TokenKind.API, "laptop", None, NOW)
    assert issued.secret.startswith("agg_api_")
    assert len(issued.secret) > 40
    assert issued.token.role is Role.REVIEWER
    assert issued.token.label == "laptop"
    hashed = secret_hash(issued.secret)
    found = accounts.token_principal(hashed, TokenKind.API, NOW)
    assert found is not None
    account, token = found
    assert account.name == "ana"
    assert token.id == issued.token.id
    assert token.last_used_at == NOW
    assert accounts.token_principal(hashed, TokenKind.FEED, NOW) is None
    assert accounts.token_principal(secret_hash("agg_api_guess"), TokenKind.API, NOW) is None

    revoked = accounts.revoke_token(issued.token.id, NOW + HOUR)
    assert revoked.revoked_at == NOW + HOUR
    assert accounts.token_principal(hashed, TokenKind.API, NOW + HOUR) is None
    assert accounts.revoke_token(issued.token.id, NOW + 2 * HOUR).revoked_at == NOW + HOUR
    with pytest.raises(AccountError, match="no token with id 999"):
        accounts.revoke_token(999, NOW)


def test_only_the_hash_of_a_token_is_stored(accounts: Accounts, store: Store) -> None:
    accounts.add("ana", Role.EDITOR, HASH, NOW)
    issued = issue_token(accounts, "ana", TokenKind.FEED, "", None, NOW)
    assert issued.secret.startswith("agg_feed_")
    with store.reading() as conn:
        stored = conn.execute(sa.select(tokens.c.secret_hash)).scalar_one()
    assert stored == secret_hash(issued.secret)
    assert issued.secret not in stored


def test_a_disabled_accounts_tokens_give_none_until_enabled(accounts: Accounts) -> None:
    accounts.add("ana", Role.EDITOR, HASH, NOW)
    issued = issue_token(accounts, "ana", TokenKind.API, "", None, NOW)
    hashed = secret_hash(issued.secret)
    accounts.disable("ana", NOW)
    assert accounts.token_principal(hashed, TokenKind.API, NOW) is None
    with pytest.raises(AccountError, match="disabled"):
        issue_token(accounts, "ana", TokenKind.API, "", None, NOW)
    accounts.enable("ana")
    assert accounts.token_principal(hashed, TokenKind.API, NOW) is not None


def test_a_token_role_is_at_most_its_accounts(accounts: Accounts) -> None:
    accounts.add("ana", Role.REVIEWER, HASH, NOW)
    with pytest.raises(AccountError, match="at most its reviewer role, not admin"):
        issue_token(accounts, "ana", TokenKind.API, "", Role.ADMIN, NOW)
    editor = issue_token(accounts, "ana", TokenKind.API, "", Role.EDITOR, NOW)
    reviewer = issue_token(accounts, "ana", TokenKind.API, "", Role.REVIEWER, NOW)
    assert accounts.set_role("ana", Role.EDITOR).role is Role.EDITOR
    roles = {t.id: t.role for t in accounts.tokens("ana")}
    assert roles == {editor.token.id: Role.EDITOR, reviewer.token.id: Role.EDITOR}
    found = accounts.token_principal(secret_hash(reviewer.secret), TokenKind.API, NOW)
    assert found is not None
    assert found[1].role is Role.EDITOR


def test_last_used_is_written_at_most_once_a_minute(accounts: Accounts) -> None:
    accounts.add("ana", Role.EDITOR, HASH, NOW)
    issued = issue_token(accounts, "ana", TokenKind.API, "", None, NOW)
    hashed = secret_hash(issued.secret)
    for seconds in (0, 30, 59):
        accounts.token_principal(hashed, TokenKind.API, NOW + timedelta(seconds=seconds))
    assert accounts.tokens()[0].last_used_at == NOW
    accounts.token_principal(hashed, TokenKind.API, NOW + timedelta(seconds=61))
    assert accounts.tokens()[0].last_used_at == NOW + timedelta(seconds=61)


def test_removing_an_account_removes_its_sessions_and_tokens(
    accounts: Accounts, store: Store
) -> None:
    ana = accounts.add("ana", Role.EDITOR, HASH, NOW)
    bob = accounts.add("bob", Role.EDITOR, HASH, NOW)
    for account in (ana, bob):
        accounts.open_session(account.id, secret_hash(account.name), NOW, NOW + HOUR)
        issue_token(accounts, account.name, TokenKind.API, "", None, NOW)
    accounts.remove("Ana")
    assert accounts.get("ana") is None
    with store.reading() as conn:
        left = conn.execute(sa.select(sessions.c.account_id)).scalars().all()
        left_tokens = conn.execute(sa.select(tokens.c.account_id)).scalars().all()
    assert left == [bob.id]
    assert left_tokens == [bob.id]
    assert [t.account for t in accounts.tokens()] == ["bob"]
    assert accounts.token_counts() == {"bob": 1}
    accounts.add("ana", Role.ADMIN, HASH, NOW)  # the name may be used again


def test_token_labels_are_one_short_line(accounts: Accounts) -> None:
    accounts.add("ana", Role.EDITOR, HASH, NOW)
    token = issue_token(accounts, "ana", TokenKind.API, "  my   laptop ", None, NOW).token
    assert token.label == "my laptop"
    for label in ("x" * 101, "a\u202eb"):
        with pytest.raises(AccountError, match="label"):
            issue_token(accounts, "ana", TokenKind.API, label, None, NOW)


def test_failures_are_counted_per_key_until_cleared(accounts: Accounts) -> None:
    assert accounts.failures("account:ana") == (0, None)
    assert accounts.record_failure("account:ana", NOW) == 1
    assert accounts.record_failure("account:ana", NOW + HOUR) == 2
    assert accounts.record_failure("address:127.0.0.1", NOW) == 1
    assert accounts.failures("account:ana") == (2, NOW + HOUR)
    accounts.clear_failures("account:ana")
    assert accounts.failures("account:ana") == (0, None)
    assert accounts.failures("address:127.0.0.1") == (1, NOW)


def test_cleanup_deletes_expired_sessions(accounts: Accounts, store: Store) -> None:
    ana = accounts.add("ana", Role.EDITOR, HASH, NOW)
    accounts.open_session(ana.id, "e" * 64, NOW - 2 * HOUR, NOW - HOUR)
    accounts.open_session(ana.id, "f" * 64, NOW, NOW + HOUR)
    clean_up(store, NOW, retention_days=30)
    with store.reading() as conn:
        left = conn.execute(sa.select(sessions.c.secret_hash)).scalars().all()
    assert left == ["f" * 64]


def test_failures_at_the_same_moment_all_count(accounts: Accounts) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: accounts.record_failure("address:192.0.2.1", NOW), range(40)))
    assert accounts.failures("address:192.0.2.1") == (40, NOW)


def test_the_migration_goes_down_and_up_again(accounts: Accounts, store: Store) -> None:
    from alembic import command
    from alembic.config import Config

    from aggregator.storage.engine import MIGRATIONS

    accounts.add("ana", Role.EDITOR, HASH, NOW)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.writing() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
        assert not sa.inspect(conn).has_table("accounts")
        command.upgrade(config, "0011")
    assert accounts.list() == ()
    accounts.add("ana", Role.EDITOR, HASH, NOW)
