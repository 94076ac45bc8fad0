"""Opening the database: engine options per backend, and migrations applied on start."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from aggregator.database_kind import is_postgresql, url_kind
from aggregator.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE_OPTION = "aggregator_write"
# The newest migration in migrations/versions; a test keeps the two in step.
SCHEMA_REVISION = "0011"
LOCK_KEY = 0x61676772  # pg_advisory_xact_lock key held while migrating


def sqlite_file(url: str | sa.URL) -> Path | None:
    """The file an SQLite URL names; None for another database or an in-memory one."""
    parsed = sa.make_url(url)
    if url_kind(parsed) != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def create_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys; a plain
    `postgresql://` URL is spoken to with psycopg 3. No directory is made for an SQLite file:
    `storage.opening` decides what may be created."""
    parsed = sa.make_url(url)
    if url_kind(parsed) == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
    return sa.create_engine(parsed, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    # A writing transaction takes the write lock up front (BEGIN IMMEDIATE), so a
    # read-then-write unit of work cannot fail half-way with "database is locked" when another
    # process writes; readers keep the plain deferred BEGIN and never wait for writers (WAL).
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def migrate(engine: Engine) -> None:
    """Bring the schema to `SCHEMA_REVISION`; when it is there already, Alembic is not even
    imported (it costs a tenth of a second on every command)."""
    current = current_revision(engine)
    if current == SCHEMA_REVISION:
        return
    if current is not None and current > SCHEMA_REVISION:
        raise StorageError(
            f"the database at {engine.url!r} has schema revision {current}, newer than this "
            f"aggregator's {SCHEMA_REVISION}: upgrade aggregator to the version that wrote it"
        )
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        # A write transaction from the start: several processes starting on a new database
        # queue on the lock instead of failing, and the second finds the work done.
        with (
            engine.connect().execution_options(**{WRITE_OPTION: True}) as connection,
            connection.begin(),
        ):
            if is_postgresql(connection):
                # PostgreSQL takes no table lock up front: workers starting together queue here.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except sa.exc.SQLAlchemyError as exc:
        raise StorageError(f"cannot migrate the database at {engine.url!r}: {exc}") from exc


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.SQLAlchemyError as exc:
        raise StorageError(f"cannot open the database at {engine.url!r}: {exc}") from exc
