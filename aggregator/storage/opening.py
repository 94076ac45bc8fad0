"""Where the database lives, and the rules for opening it.

No directory is ever made for the database except the default `var/` beside the config: a
`database_url` whose directory does not exist is a typo, reported against the config key. A new
file in an existing directory is created by the commands that do work (`fetch`, `run`,
`worker`), which say so once; listings open only a database that exists; `check-config` reads
it without writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import sqlalchemy as sa

from aggregator.database_kind import default_database_url
from aggregator.errors import ConfigError, StorageError
from aggregator.logs import get_logger
from aggregator.storage.engine import (
    SCHEMA_REVISION,
    create_engine,
    current_revision,
    sqlite_file,
)
from aggregator.storage.store import Store

KEY = "[settings].database_url"


class DatabaseSettings(Protocol):
    @property
    def database_url(self) -> str: ...


class DatabaseConfig(Protocol):
    """What opening the store reads of the config (`aggregator.config.Config` is one): the
    file, for errors and the default `var/`, and `[settings].database_url`."""

    @property
    def path(self) -> Path: ...

    @property
    def settings(self) -> DatabaseSettings: ...


@dataclass(frozen=True, slots=True)
class DatabaseFile:
    """An SQLite database on disk: its file, and whether it is the default `var/` one."""

    path: Path
    default: bool


def database_file(config: DatabaseConfig) -> DatabaseFile | None:
    """The SQLite file `[settings].database_url` names; None for PostgreSQL or `:memory:`."""
    path = sqlite_file(config.settings.database_url)
    if path is None:
        return None
    default = config.settings.database_url == default_database_url(config.path)
    return DatabaseFile(path, default)


def _fail(config: DatabaseConfig, problem: str) -> ConfigError:
    return ConfigError(str(config.path), KEY, problem)


def _check_place(config: DatabaseConfig, file: DatabaseFile, *, create: bool) -> bool:
    """Whether the file exists; makes the default `var/` when `create`; raises for a
    directory that does not exist or a path that is not a file."""
    folder = file.path.parent
    if not folder.is_dir():
        if folder.exists():
            raise _fail(config, f"{folder} is not a directory")
        if not (file.default and create):
            if file.default:
                return False
            raise _fail(
                config,
                f"the directory {folder} does not exist; create it, or correct the path "
                "(only the default var/ is created by aggregator)",
            )
        try:
            folder.mkdir()
        except OSError as exc:
            raise _fail(config, f"cannot create {folder}: {exc.strerror or exc}") from None
    if file.path.exists() and not file.path.is_file():
        raise _fail(config, f"{file.path} is not a file")
    return file.path.exists()


def open_store(
    config: DatabaseConfig, *, create: bool, on_created: Callable[[Path], None] | None = None
) -> Store:
    """The store, migrated to the current schema. `create`: a missing file is made (and
    `on_created` told); otherwise, for commands that only read what earlier ones stored, a
    missing file is an empty database in memory, with a warning."""
    file = database_file(config)
    if file is None:
        return _open(config)
    existed = _check_place(config, file, create=create)
    if not existed and not create:
        # Nothing stored yet: an empty database in memory, so that a listing shows the
        # configured feeds and no items, and leaves nothing behind.
        get_logger("aggregator.storage").warning(
            "database.missing",
            path=str(file.path),
            hint="nothing fetched yet; `aggregator fetch` or `aggregator run` creates it",
        )
        return Store.open("sqlite://")
    if existed:
        check_sqlite_file(config, file.path)
    store = _open(config)
    if not existed and on_created is not None:
        on_created(file.path)
    return store


def open_existing(config: DatabaseConfig) -> Store:
    """The database of `config` for commands that read what earlier ones stored
    (listings): never created by mistake; while it does not exist, an empty one in memory."""
    return open_store(config, create=False)


def _open(config: DatabaseConfig) -> Store:
    """Store.open, its failure in one line (a driver's error runs to several)."""
    try:
        return Store.open(config.settings.database_url)
    except StorageError as exc:
        text = str(exc).strip()
        if "\n" not in text:
            raise
        raise StorageError(
            f"{text.splitlines()[0]}; check {KEY} in {config.path}"
            + ("" if database_file(config) else " and that the server is running")
        ) from None


def check_sqlite_file(config: DatabaseConfig, path: Path) -> str | None:
    """Read `path` without writing to it: its schema revision (None for an empty database);
    raises when it is not an SQLite database or is newer than this aggregator."""
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise _fail(
            config,
            f"{path} is not an SQLite database ({exc}); point database_url at the "
            "aggregator's database, or move that file away",
        ) from None
    if revision is None and tables:
        raise _fail(
            config,
            f"{path} is an SQLite database of something else (tables, but no aggregator "
            "schema); point database_url at the aggregator's database",
        )
    check_revision(revision, str(path))
    return revision


def check_revision(revision: str | None, where: str) -> None:
    if revision is not None and revision > SCHEMA_REVISION:
        raise StorageError(
            f"the database at {where} has schema revision {revision}, newer than this "
            f"aggregator's {SCHEMA_REVISION}: upgrade aggregator to the version that wrote it"
        )


def describe_database(config: DatabaseConfig) -> str:
    """What `check-config` says of the database, read-only: it exists and is current, it
    will be migrated, or it will be created. Raises for a database that cannot be used."""
    file = database_file(config)
    if file is None:
        return _describe_server(config)
    if not _check_place(config, file, create=False):
        return f"database: {file.path} does not exist yet; `aggregator fetch` or `run` creates it"
    revision = check_sqlite_file(config, file.path)
    return f"database: {file.path}, {_state(revision)}"


def _state(revision: str | None) -> str:
    if revision == SCHEMA_REVISION:
        return f"schema {revision} (current)"
    if revision is None:
        return "empty; its tables will be created on the first `fetch` or `run`"
    return f"schema {revision}; migrated to {SCHEMA_REVISION} on the next `fetch` or `run`"


def _describe_server(config: DatabaseConfig) -> str:
    url = sa.make_url(config.settings.database_url)
    shown = url.render_as_string(hide_password=True)
    engine = create_engine(config.settings.database_url)
    try:
        revision = current_revision(engine)
    except StorageError as exc:
        cause = str(exc.__cause__ or exc).strip().splitlines()[0]
        raise StorageError(
            f"cannot open the database at {shown}: {cause}; check {KEY} in {config.path} "
            "and that the server is running"
        ) from None
    finally:
        engine.dispose()
    check_revision(revision, shown)
    return f"database: {shown}, {_state(revision)}"
