"""Issue 14: a typo in `database_url` never makes a database; a new file is said once;
`check-config` reads the database without writing and knows a file that is not one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from aggregator.config import Config
from aggregator.storage.engine import SCHEMA_REVISION
from tests.conftest import TEST_DATABASE_ENV, TEST_SETTINGS, empty_postgresql, write_config
from tests.helpers.cli import command, news_site, one_line
from tests.loopback import Loopback

LISTINGS = (("feeds",), ("items",), ("stubs",))


def test_typo_in_database_url_is_an_error_naming_the_key_and_makes_no_directory(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    missing = tmp_path / "nonexistent" / "dir"
    config = make_config([], database_url=f"sqlite:///{missing / 'x.db'}")
    for args in (*LISTINGS, ("check-config",), ("fetch",), ("run",), ("digest",)):
        result = command(*args, config=config.path)
        assert result.returncode == 1, (args, result.stderr)
        line = one_line(result.stderr)
        assert line.startswith(
            f"error: {config.path}: [settings].database_url: the directory {missing} does not exist"
        ), args
    assert not (tmp_path / "nonexistent").exists()


def test_listings_before_any_fetch_create_nothing(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "feeds.toml", [{"name": "alpha", "url": "https://alpha.example/feed"}]
    )
    for args in LISTINGS:
        result = command(*args, config=config)
        assert result.returncode == 0, (args, result.stderr)
        assert "database.missing" in result.stderr
    assert command("feeds", config=config).stdout.splitlines()[1].startswith("alpha\t")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds.toml"]  # no var/, no file


def test_new_database_in_an_existing_directory_is_created_and_said_once(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config([])
    database = tmp_path / "aggregator.db"
    check = command("check-config", config=config.path)
    assert check.returncode == 0, check.stderr
    assert f"database: {database} does not exist yet" in check.stdout
    assert not database.exists()
    first = command("fetch", config=config.path)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [f"created a new database at {database}"]
    second = command("fetch", config=config.path)
    assert "created a new database" not in second.stderr
    assert database.is_file()


def test_default_var_is_the_one_directory_made(tmp_path: Path) -> None:
    settings = {k: v for k, v in TEST_SETTINGS.items() if k != "listen"}
    config = write_config(tmp_path / "feeds.toml", [], settings)
    result = command("fetch", config=config)
    assert result.returncode == 0, result.stderr
    assert (
        result.stderr.strip() == f"created a new database at {tmp_path / 'var' / 'aggregator.db'}"
    )


def test_check_config_reads_an_existing_database_without_writing_to_it(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config([])
    assert command("fetch", config=config.path).returncode == 0
    database = tmp_path / "aggregator.db"
    for suffix in ("-wal", "-shm"):  # a clean close leaves only the file
        assert not Path(f"{database}{suffix}").exists()
    before = (database.read_bytes(), database.stat().st_mtime_ns)
    result = command("check-config", config=config.path)
    assert result.returncode == 0, result.stderr
    assert f"database: {database}, schema {SCHEMA_REVISION} (current)" in result.stdout
    assert (database.read_bytes(), database.stat().st_mtime_ns) == before


def test_check_config_of_a_file_that_is_not_a_database_is_an_error(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("meeting notes, not a database\n" * 40, encoding="utf-8")
    config = make_config([], database_url=f"sqlite:///{notes}")
    for args in (("check-config",), ("fetch",), ("feeds",)):
        result = command(*args, config=config.path)
        assert result.returncode == 1, args
        line = one_line(result.stderr)
        assert line.startswith(f"error: {config.path}: [settings].database_url: {notes} is not")
    assert notes.read_text(encoding="utf-8").startswith("meeting notes")


def test_database_of_a_newer_aggregator_is_refused_with_the_fix(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config([])
    assert command("fetch", config=config.path).returncode == 0
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'aggregator.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for args in (("check-config",), ("fetch",)):
        result = command(*args, config=config.path)
        assert result.returncode == 1
        assert "schema revision 9999, newer than this aggregator's" in one_line(result.stderr)


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_ENV), reason=f"needs {TEST_DATABASE_ENV}")
def test_check_config_on_postgresql_says_what_it_found(
    make_config: Callable[..., Config],
) -> None:
    config = make_config([], database_url=empty_postgresql())
    result = command("check-config", config=config.path)
    assert result.returncode == 0, result.stderr
    assert "empty; its tables will be created" in result.stdout
    assert command("fetch", config=config.path).returncode == 0
    result = command("check-config", config=config.path)
    assert f"schema {SCHEMA_REVISION} (current)" in result.stdout


def test_unreachable_server_is_one_line_naming_the_key(make_config: Callable[..., Config]) -> None:
    config = make_config([], database_url="postgresql://nobody@127.0.0.1:1/none")
    for args in (("check-config",), ("fetch",), ("items",)):
        result = command(*args, config=config.path)
        assert result.returncode == 1
        line = one_line(result.stderr)
        assert line.startswith("error: cannot open the database at postgresql"), args
        assert "Connection refused" in line
        assert line.endswith(
            f"check [settings].database_url in {config.path} and that the server is running"
        )


def test_extract_of_a_page_creates_no_database(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = news_site(site, make_config)
    result = command("extract", site.url("/item/urn:a"), config=config.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("method: generic")
    assert not (tmp_path / "aggregator.db").exists()
