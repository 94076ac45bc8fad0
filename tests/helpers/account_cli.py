"""Accounts through the real CLI (`aggregator users`, `aggregator tokens`), and what the store
holds of them, on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner, Result

from aggregator.cli import cli
from aggregator.storage.engine import create_engine
from tests.conftest import write_config

PASSWORD = "Tr0ub4dor & 3 horses"


def account_config(tmp_path: Path, database_url: str, extra: str = "") -> Path:
    """A config file with no feeds and the given database."""
    return write_config(tmp_path / "feeds.toml", [], {"database_url": database_url}, extra)


def run(config: Path, *args: str, stdin: str | None = None) -> Result:
    """The command, with debug logs on: whatever it logs is in the result too."""
    runner = CliRunner()
    return runner.invoke(cli, ["--config", str(config), "--log-level", "debug", *args], input=stdin)


def add_user(config: Path, name: str, role: str = "editor", password: str = PASSWORD) -> Result:
    result = run(config, "users", "add", name, "--role", role, "--password-stdin", stdin=password)
    assert result.exit_code == 0, result.output
    return result


def stored_text(database_url: str) -> str:
    """Every value of the accounts, sessions and tokens tables, as one text."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = [
                row
                for table in ("accounts", "sessions", "tokens")
                for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
            ]
    finally:
        engine.dispose()
    return "\n".join(str(value) for row in rows for value in row)
