"""`aggregator tokens ...` through the real CLI, on SQLite and PostgreSQL (issue 18)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result

from aggregator.auth.model import Role, TokenKind
from aggregator.auth.secrets import secret_hash
from aggregator.storage.accounts import Accounts
from aggregator.storage.store import Store
from tests.helpers.account_cli import account_config, add_user, run, stored_text

SECRET = re.compile(r"agg_(api|feed)_[A-Za-z0-9_-]{43}")


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Path:
    path = account_config(
        tmp_path, database_url, '\n[digest]\nbase_url = "https://news.example/desk/"\n'
    )
    add_user(path, "ana", "reviewer")
    return path


def secret_of(result: Result) -> str:
    assert result.exit_code == 0, result.output
    found = SECRET.findall(result.stdout)
    assert len(found) == 1, result.stdout  # shown once
    match = SECRET.search(result.stdout)
    assert match is not None
    return match.group(0)


def tokens_json(config: Path, *args: str) -> list[dict[str, object]]:
    result = run(config, "tokens", "list", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def principal(database_url: str, secret: str, kind: TokenKind) -> tuple[str, Role] | None:
    store = Store.open(database_url)
    try:
        found = Accounts(store).token_principal(secret_hash(secret), kind, datetime.now(UTC))
    finally:
        store.close()
    return None if found is None else (found[0].name, found[1].role)


def test_an_api_token_is_shown_once_with_how_to_send_it(config: Path, database_url: str) -> None:
    result = run(config, "tokens", "create", "ANA", "--label", "nightly export")
    secret = secret_of(result)
    assert secret.startswith("agg_api_")
    assert f"Authorization: Bearer {secret}" in result.stdout
    assert "token 1 of ana: api, reviewer, 'nightly export'" in result.stdout
    assert principal(database_url, secret, TokenKind.API) == ("ana", Role.REVIEWER)
    assert principal(database_url, secret, TokenKind.FEED) is None
    assert secret not in stored_text(database_url)
    listed = run(config, "tokens", "list")
    assert secret not in listed.output
    assert listed.stdout.splitlines()[1].split()[:5] == ["1", "ana", "api", "nightly", "export"]


def test_a_feed_token_is_shown_in_the_digest_address(config: Path, database_url: str) -> None:
    result = run(config, "tokens", "create", "ana", "--feed", "--role", "editor")
    secret = secret_of(result)
    assert secret.startswith("agg_feed_")
    assert f"https://news.example/desk/digest.atom?token={secret}" in result.stdout
    assert principal(database_url, secret, TokenKind.FEED) == ("ana", Role.EDITOR)


def test_a_role_above_the_accounts_is_refused(config: Path) -> None:
    result = run(config, "tokens", "create", "ana", "--role", "admin")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: a token of 'ana' may have at most its reviewer role, not admin"
    )
    assert tokens_json(config) == []


def test_tokens_are_listed_and_revoked(config: Path, database_url: str) -> None:
    add_user(config, "bob")
    first = secret_of(run(config, "tokens", "create", "ana"))
    secret_of(run(config, "tokens", "create", "bob", "--feed"))
    rows = tokens_json(config)
    assert [(r["id"], r["account"], r["kind"], r["role"]) for r in rows] == [
        (1, "ana", "api", "reviewer"),
        (2, "bob", "feed", "editor"),
    ]
    assert all(r["revoked_at"] is None and r["last_used_at"] is None for r in rows)
    assert [r["id"] for r in tokens_json(config, "bob")] == [2]
    assert "secret" not in json.dumps(rows)

    revoked = run(config, "tokens", "revoke", "1")
    assert revoked.stdout == "token 1 of ana (api): revoked\n"
    assert principal(database_url, first, TokenKind.API) is None
    assert tokens_json(config, "ana")[0]["revoked_at"] is not None
    users = json.loads(run(config, "users", "list", "--format", "json").stdout)
    assert {u["name"]: u["tokens"] for u in users} == {"ana": 0, "bob": 1}


def test_unknown_accounts_and_tokens_are_one_clear_error(config: Path) -> None:
    for args, message in (
        (("create", "ghost"), "Error: no account named 'ghost'"),
        (("list", "ghost"), "Error: no account named 'ghost'"),
        (("revoke", "42"), "Error: no token with id 42"),
    ):
        result = run(config, "tokens", *args)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert result.stderr.strip().splitlines()[-1] == message


def test_a_disabled_accounts_tokens_stop_working(config: Path, database_url: str) -> None:
    secret = secret_of(run(config, "tokens", "create", "ana"))
    assert run(config, "users", "disable", "ana").exit_code == 0
    assert principal(database_url, secret, TokenKind.API) is None
    refused = run(config, "tokens", "create", "ana")
    assert refused.exit_code == 1
    assert "disabled" in refused.stderr
    assert run(config, "users", "enable", "ana").exit_code == 0
    assert principal(database_url, secret, TokenKind.API) == ("ana", Role.REVIEWER)
    assert run(config, "users", "remove", "ana", "--yes").exit_code == 0
    assert principal(database_url, secret, TokenKind.API) is None
    assert tokens_json(config) == []
