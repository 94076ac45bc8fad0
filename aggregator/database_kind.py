"""Which database we are on, decided in one place: from a URL, or from a connection.

SQLite (the embedded default) and PostgreSQL (workers, several processes) differ in locking,
full-text search and upserts; every branch on the difference asks here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

DatabaseKind = Literal["sqlite", "postgresql"]


def default_database_url(config_file: Path) -> str:
    """SQLite under `var/` next to the project that holds the config (or the working directory)."""
    root = config_file.resolve().parent
    if root.name == "config":
        root = root.parent
    return f"sqlite:///{root / 'var' / 'aggregator.db'}"


def url_kind(url: str | sa.URL) -> DatabaseKind | None:
    """The kind a database URL names (`sqlite:`, `postgresql:`, `postgresql+psycopg:`: the
    backend before any `+driver`, as SQLAlchemy reads it), or None for any other, which the
    settings refuse."""
    name = url.get_backend_name() if isinstance(url, sa.URL) else url.partition(":")[0]
    name = name.partition("+")[0]
    if name == "sqlite":
        return "sqlite"
    if name == "postgresql":
        return "postgresql"
    return None


def kind_of(bind: sa.Connection | sa.Engine | Dialect) -> DatabaseKind:
    """The kind of an open engine or connection (or of the dialect SQLAlchemy hands a type)."""
    dialect = bind if isinstance(bind, Dialect) else bind.dialect
    return "postgresql" if dialect.name == "postgresql" else "sqlite"


def is_postgresql(bind: sa.Connection | sa.Engine | Dialect) -> bool:
    return kind_of(bind) == "postgresql"


def is_sqlite(bind: sa.Connection | sa.Engine | Dialect) -> bool:
    return kind_of(bind) == "sqlite"
