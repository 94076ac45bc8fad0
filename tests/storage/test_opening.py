"""Where the database lives and the rules for opening it (`storage/opening.py`): only the default
`var/` is ever made, a missing file is created by the commands that work and an empty store in
memory for the ones that read, and a file that is not ours is refused naming the config key."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from aggregator.database_kind import default_database_url
from aggregator.errors import ConfigError, StorageError
from aggregator.storage.engine import SCHEMA_REVISION
from aggregator.storage.opening import (
    KEY,
    check_revision,
    check_sqlite_file,
    database_file,
    describe_database,
    open_store,
)
from tests.conftest import TEST_DATABASE_ENV


@dataclass(frozen=True)
class Settings:
    database_url: str


@dataclass(frozen=True)
class Config:
    path: Path
    settings: Settings


def config_for(tmp_path: Path, url: str | None = None) -> Config:
    path = tmp_path / "config.toml"
    return Config(path, Settings(url or default_database_url(path)))


def test_database_file_names_the_sqlite_file_and_whether_it_is_the_default(tmp_path: Path) -> None:
    default = database_file(config_for(tmp_path))
    assert default is not None
    assert (default.path, default.default) == (tmp_path / "var" / "aggregator.db", True)
    other = database_file(config_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}"))
    assert other is not None
    assert (other.path, other.default) == (tmp_path / "a.db", False)
    assert database_file(config_for(tmp_path, "postgresql://db/aggregator")) is None


def test_a_command_that_works_creates_the_default_var_and_the_file(tmp_path: Path) -> None:
    created: list[Path] = []
    store = open_store(config_for(tmp_path), create=True, on_created=created.append)
    store.close()
    assert created == [tmp_path / "var" / "aggregator.db"]
    assert check_sqlite_file(config_for(tmp_path), created[0]) == SCHEMA_REVISION
    again: list[Path] = []
    open_store(config_for(tmp_path), create=True, on_created=again.append).close()
    assert again == []  # told once, when it was made


def test_a_command_that_reads_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(config_for(tmp_path), create=False)
    try:
        assert store.feed_names() == {}
    finally:
        store.close()
    assert not (tmp_path / "var").exists()


def test_no_other_directory_is_made(tmp_path: Path) -> None:
    config = config_for(tmp_path, f"sqlite:///{tmp_path / 'typo' / 'a.db'}")
    with pytest.raises(ConfigError) as raised:
        open_store(config, create=True)
    message = str(raised.value)
    assert KEY in message
    assert str(tmp_path / "typo") in message
    assert "does not exist" in message
    assert not (tmp_path / "typo").exists()


def test_a_directory_where_the_file_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.db").mkdir()
    with pytest.raises(ConfigError, match="is not a file"):
        open_store(config_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}"), create=True)


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"my notes, not a database\n" * 100)
    with pytest.raises(ConfigError, match="is not an SQLite database"):
        open_store(config_for(tmp_path, f"sqlite:///{notes}"), create=True)
    assert notes.read_bytes() == b"my notes, not a database\n" * 100


def test_an_sqlite_database_of_something_else_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    with pytest.raises(ConfigError, match="of something else"):
        open_store(config_for(tmp_path, f"sqlite:///{other}"), create=True)


def test_a_newer_schema_is_refused() -> None:
    check_revision(None, "x")
    check_revision(SCHEMA_REVISION, "x")
    with pytest.raises(StorageError, match="newer than this aggregator's"):
        check_revision("9999", "/var/a.db")


def test_describe_database_reads_without_writing(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    assert "does not exist yet" in describe_database(config)
    assert not (tmp_path / "var").exists()
    (tmp_path / "var").mkdir()
    sqlite3.connect(tmp_path / "var" / "aggregator.db").close()
    assert describe_database(config).endswith(
        "empty; its tables will be created on the first `fetch` or `run`"
    )
    open_store(config, create=True).close()
    assert describe_database(config).endswith(f"schema {SCHEMA_REVISION} (current)")


def test_describe_database_on_postgresql_hides_the_password(tmp_path: Path) -> None:
    url = os.environ.get(TEST_DATABASE_ENV)
    if not url:
        pytest.skip(f"{TEST_DATABASE_ENV} is not set")
    described = describe_database(config_for(tmp_path, url))
    assert described.startswith("database: postgresql")
    refused = "postgresql://ana:s3cret@127.0.0.1:1/none"
    with pytest.raises(StorageError) as raised:
        describe_database(config_for(tmp_path, refused))
    assert "s3cret" not in str(raised.value)
    assert "that the server is running" in str(raised.value)
