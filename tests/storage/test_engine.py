"""Opening the database's engine (`storage/engine.py`): SQLite with WAL, foreign keys and a busy
timeout, writers beginning IMMEDIATE; psycopg 3 for a plain PostgreSQL URL; migrations applied
once, a newer schema refused; and which SQLite file a URL names."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from aggregator.errors import StorageError
from aggregator.storage.engine import (
    SCHEMA_REVISION,
    WRITE_OPTION,
    create_engine,
    current_revision,
    migrate,
    sqlite_file,
)


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:////var/lib/a.db", Path("/var/lib/a.db")),
        ("sqlite:///relative.db", Path("relative.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql://db/aggregator", None),
    ],
)
def test_sqlite_file(url: str, file: Path | None) -> None:
    assert sqlite_file(url) == file


def test_a_plain_postgresql_url_is_spoken_to_with_psycopg_3() -> None:
    engine = create_engine("postgresql://user@db.invalid/aggregator")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
    finally:
        engine.dispose()


def test_sqlite_connections_have_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert pragma == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 30000,
            "synchronous": 1,
        }
    finally:
        engine.dispose()


def test_a_writer_takes_the_lock_when_it_begins_and_a_reader_does_not(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    other = sa.create_engine(f"sqlite:///{tmp_path / 'a.db'}", connect_args={"timeout": 0})
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as writer, writer.begin():
            # Nothing written yet, but the write lock is held: another writer cannot start.
            with pytest.raises(sa.exc.OperationalError, match="locked"), other.connect() as conn:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            with engine.connect() as reader:
                assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    finally:
        engine.dispose()
        other.dispose()


def test_migrate_brings_a_new_database_to_the_current_revision_once(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == SCHEMA_REVISION
        migrate(engine)  # already there: nothing to do
        assert current_revision(engine) == SCHEMA_REVISION
    finally:
        engine.dispose()


def test_migrations_started_together_queue_and_both_end_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    errors: list[BaseException] = []

    def start() -> None:
        engine = create_engine(url)
        try:
            migrate(engine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    engine = create_engine(url)
    try:
        assert current_revision(engine) == SCHEMA_REVISION
    finally:
        engine.dispose()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('9999')")
        with pytest.raises(StorageError, match="newer than this aggregator's"):
            migrate(engine)
    finally:
        engine.dispose()
