"""The database kind, decided in one place from a URL or from an open engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from aggregator.database_kind import is_postgresql, is_sqlite, kind_of, url_kind


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("sqlite:///var/aggregator.db", "sqlite"),
        ("sqlite://", "sqlite"),
        ("sqlite+pysqlite:///a.db", "sqlite"),
        ("postgresql:///aggregator?host=/var/run/postgresql", "postgresql"),
        ("postgresql+psycopg://u:p@db/aggregator", "postgresql"),
        ("mysql://db/aggregator", None),
        ("postgres://db/aggregator", None),
        ("sqlite3:///a.db", None),
        ("var/aggregator.db", None),
        ("", None),
    ],
)
def test_url_kind(url: str, kind: str | None) -> None:
    assert url_kind(url) == kind


def test_a_parsed_url_reads_the_same() -> None:
    assert url_kind(sa.make_url("postgresql+psycopg://db/a")) == "postgresql"
    assert url_kind(sa.make_url("sqlite:///a.db")) == "sqlite"


def test_an_engine_its_connections_and_its_dialect_agree(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        with engine.connect() as conn:
            for bind in (engine, conn, conn.dialect):
                assert kind_of(bind) == "sqlite"
                assert is_sqlite(bind)
                assert not is_postgresql(bind)
    finally:
        engine.dispose()


def test_settings_refuse_a_url_of_another_kind(tmp_path: Path) -> None:
    from aggregator.config import load_config
    from aggregator.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text('[settings]\ndatabase_url = "mysql://db/a"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="postgresql://"):
        load_config(path)
