"""`aggregator users ...` through the real CLI, on SQLite and PostgreSQL (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from aggregator.auth.passwords import password_matches
from aggregator.storage.accounts import Accounts
from aggregator.storage.store import Store
from tests.helpers.account_cli import PASSWORD, account_config, add_user, run, stored_text


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Path:
    return account_config(tmp_path, database_url)


def users_json(config: Path) -> list[dict[str, object]]:
    result = run(config, "users", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def last_line(result: Result) -> str:
    """The error a failed command ends with (after any debug logs), with no traceback."""
    assert "Traceback" not in result.output
    return result.stderr.strip().splitlines()[-1]


def stored_hash(database_url: str, name: str) -> str:
    store = Store.open(database_url)
    try:
        found = Accounts(store).password_hash(name)
    finally:
        store.close()
    assert found is not None
    return found


def test_the_first_account_is_added_from_stdin_and_listed(config: Path, database_url: str) -> None:
    assert run(config, "users", "list").stdout.startswith("no accounts")
    result = add_user(config, "Ana", "admin")
    assert "Ana: added as admin" in result.stdout
    assert "the first account" in result.stdout
    assert "the first account" not in add_user(config, "bob").stdout
    rows = users_json(config)
    assert [(r["name"], r["role"], r["enabled"], r["tokens"]) for r in rows] == [
        ("Ana", "admin", True, 0),
        ("bob", "editor", True, 0),
    ]
    table = run(config, "users", "list").stdout.splitlines()
    assert table[0].split() == ["NAME", "ROLE", "ENABLED", "CREATED", "(UTC)", "TOKENS"]
    assert table[1].split()[:3] == ["Ana", "admin", "yes"]
    assert password_matches(stored_hash(database_url, "ana"), PASSWORD)


def test_the_password_is_never_shown_logged_or_stored_in_clear(
    config: Path, database_url: str
) -> None:
    typed = run(
        config, "users", "add", "ana", "--role", "editor", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert typed.exit_code == 0, typed.output
    assert "Password" in typed.output
    assert "Repeat it" in typed.output
    changed = run(config, "users", "passwd", "ana", "--password-stdin", stdin="another long one")
    assert changed.exit_code == 0, changed.output
    for result in (typed, changed):
        assert PASSWORD not in result.output
        assert "another long one" not in result.output
    text = stored_text(database_url)
    assert "ana" in text
    assert PASSWORD not in text
    assert "another long one" not in text
    assert password_matches(stored_hash(database_url, "ana"), "another long one")
    assert not password_matches(stored_hash(database_url, "ana"), PASSWORD)


def test_the_password_is_no_argument(config: Path) -> None:
    result = run(config, "users", "add", "ana", "--role", "editor", "--password", PASSWORD)
    assert result.exit_code == 2
    assert users_json(config) == []


def test_two_passwords_that_differ_add_nothing(config: Path) -> None:
    result = run(config, "users", "add", "ana", "--role", "editor", stdin=f"{PASSWORD}\nother\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert PASSWORD not in result.output
    assert users_json(config) == []


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short", "choose at least 10"), ("", "empty"), (" " * 20, "only spaces")],
)
def test_weak_passwords_are_refused_in_one_line(config: Path, password: str, reason: str) -> None:
    result = run(
        config, "users", "add", "ana", "--role", "editor", "--password-stdin", stdin=password
    )
    assert result.exit_code == 1
    assert reason in last_line(result)
    assert users_json(config) == []


@pytest.mark.parametrize("name", ["ANA", "ana", "Ana"])
def test_a_duplicate_name_in_any_case_is_refused(config: Path, name: str) -> None:
    add_user(config, "Ana")
    result = run(
        config, "users", "add", name, "--role", "admin", "--password-stdin", stdin=PASSWORD
    )
    assert result.exit_code == 1
    assert last_line(result) == "Error: an account named 'Ana' exists"
    assert len(users_json(config)) == 1


@pytest.mark.parametrize("name", ["\u202eevil", "", "two words"])
def test_names_breaking_the_rule_are_refused(config: Path, name: str) -> None:
    result = run(
        config, "users", "add", name, "--role", "editor", "--password-stdin", stdin=PASSWORD
    )
    assert result.exit_code == 1
    assert "account name" in last_line(result)
    assert users_json(config) == []


@pytest.mark.parametrize(
    "args",
    [
        ("passwd", "ghost", "--password-stdin"),
        ("role", "ghost", "admin"),
        ("disable", "ghost"),
        ("enable", "ghost"),
        ("remove", "ghost", "--yes"),
    ],
)
def test_an_unknown_account_is_one_clear_error(config: Path, args: tuple[str, ...]) -> None:
    add_user(config, "ana")
    result = run(config, "users", *args, stdin=PASSWORD)
    assert result.exit_code == 1
    assert last_line(result) == "Error: no account named 'ghost'"


def test_role_disable_enable_and_remove(config: Path) -> None:
    add_user(config, "ana")
    add_user(config, "bob")
    assert run(config, "users", "role", "ANA", "reviewer").stdout == "ana: now reviewer\n"
    assert run(config, "users", "role", "ana", "boss").exit_code == 2
    assert "ana: disabled" in run(config, "users", "disable", "ana").stdout
    assert {r["name"]: (r["role"], r["enabled"]) for r in users_json(config)} == {
        "ana": ("reviewer", False),
        "bob": ("editor", True),
    }
    assert run(config, "users", "enable", "ana").exit_code == 0
    assert users_json(config)[0]["enabled"] is True

    refused = run(config, "users", "remove", "ana", stdin="n\n")
    assert refused.exit_code == 1
    assert "remove the account ana" in refused.output
    assert len(users_json(config)) == 2
    assert run(config, "users", "remove", "ana", stdin="y\n").exit_code == 0
    assert run(config, "users", "remove", "bob", "--yes").exit_code == 0
    assert users_json(config) == []


def test_leaving_no_enabled_admin_is_warned_about(config: Path) -> None:
    add_user(config, "ana", "admin")
    add_user(config, "bob", "editor")
    warning = "warning: no enabled admin account is left"
    assert warning not in run(config, "users", "role", "bob", "reviewer").stderr
    assert warning in run(config, "users", "disable", "ana").stderr
    assert warning not in run(config, "users", "enable", "ana").stderr
    assert warning in run(config, "users", "role", "ana", "editor").stderr
    assert warning in run(config, "users", "remove", "ana", "--yes").stderr
