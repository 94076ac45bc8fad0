"""`/healthz` says whether the database can serve the desk, replayed against a real SQLite file
that is overwritten, made read-only or removed while the app runs."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.storage.desk import StubFilter
from aggregator.storage.health import quick_check
from aggregator.web.health import Checked, check_due, reason_of
from tests.service_process import running_service
from tests.web.conftest import Web


def database_file(web: Web) -> Path:
    return Path(str(web.ctx.app.store.engine.url.database))


@pytest.fixture
def restore_mode(web: Web) -> Iterator[None]:
    path = database_file(web)
    mode = path.stat().st_mode
    yield
    if path.exists():
        path.chmod(stat.S_IMODE(mode))


def test_healthz_reads_a_stub_and_runs_quick_check(web: Web) -> None:
    response = web.client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    newest = web.ctx.desk.find(StubFilter(), limit=1)[0]
    assert body["newest_stub"] == newest.item_id
    assert body["quick_check_at"] is not None
    assert response.headers["cache-control"] == "no-store"


def test_replay_garbage_over_the_sqlite_file_is_503_where_it_was_200(web: Web) -> None:
    assert web.client.get("/healthz").status_code == 200
    assert web.client.get("/stubs").status_code == 200
    path = database_file(web)
    size = path.stat().st_size
    with path.open("r+b") as handle:  # in place, as a failing disk or a stray `cp` would
        handle.write(b"garbage! " * (size // 9 + 1))
    response = web.client.get("/healthz")
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["database"] == (
        f"corrupt: {path} does not begin with the SQLite header: not a database"
    )


def test_replay_garbage_over_the_file_and_its_wal_is_503_too(web: Web) -> None:
    """With the write-ahead log garbled as well, nothing of the old file is left to read."""
    path = database_file(web)
    assert web.client.get("/healthz").status_code == 200
    with path.open("r+b") as handle:
        handle.write(b"garbage! " * (path.stat().st_size // 9 + 1))
    for wal in path.parent.glob(path.name + "-*"):
        wal.write_bytes(b"garbage! " * 100)
    response = web.client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("corrupt: ")


def test_a_damaged_page_is_found_by_quick_check(web: Web) -> None:
    """A file whose header is intact but whose tables' pages are not: quick_check, on a
    connection of its own that reads the disk, names the damage."""
    assert web.client.get("/healthz").status_code == 200
    path = database_file(web)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    with path.open("r+b") as handle:  # every page but the first (the header and schema)
        for page in range(1, pages):
            handle.seek(page * page_size)
            handle.write(b"\xff" * 64)
    problems = quick_check(web.ctx.app.store)
    assert problems
    assert len(problems) <= 5


def test_replay_read_only_sqlite_file_is_503_with_the_reason(web: Web, restore_mode: None) -> None:
    assert web.client.get("/healthz").status_code == 200
    database_file(web).chmod(0o444)
    response = web.client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("read-only: ")


def test_replay_missing_sqlite_file_is_503_and_no_empty_file_is_made(web: Web) -> None:
    assert web.client.get("/healthz").status_code == 200
    path = database_file(web)
    moved = path.with_name("moved-away.db")
    os.replace(path, moved)
    response = web.client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == f"missing: no database file at {path}"
    assert not path.exists()


def test_quick_check_runs_again_after_its_interval_and_after_a_problem() -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    every = timedelta(minutes=5)
    assert check_due(None, now, every)
    sound = Checked(now, ())
    assert not check_due(sound, now + timedelta(minutes=4, seconds=59), every)
    assert check_due(sound, now + every, every)
    assert check_due(Checked(now, ("page 3 is never used",)), now, every)


def test_reasons_name_corruption_separately_from_other_failures() -> None:
    assert reason_of(Exception("database disk image is malformed")).startswith("corrupt: ")
    assert reason_of(Exception("file is not a database")).startswith("corrupt: ")
    assert reason_of(Exception("attempt to write a readonly database")).startswith("read-only")
    assert reason_of(Exception("no such table: stubs")) == "unreadable: no such table: stubs"


def test_the_service_runs_quick_check_on_start(make_config: Callable[..., Config]) -> None:
    """`aggregator run` checks the file once it listens: the first /healthz, asked after the
    start-up line, already carries a quick_check made before it was asked."""
    config = make_config([], listen="127.0.0.1:0")
    with running_service(config) as url:
        time.sleep(0.5)
        asked = datetime.now(UTC)
        with urllib.request.urlopen(url + "healthz", timeout=10) as response:
            body = json.loads(response.read())
        assert body["status"] == "ok"
        assert datetime.fromisoformat(body["quick_check_at"]) < asked


def test_replay_garbage_makes_aggregator_healthcheck_fail_with_the_reason(web: Web) -> None:
    healthy = CliRunner().invoke(
        cli, ["--config", str(web.config.path), "healthcheck", "--url", web.base_url]
    )
    assert healthy.exit_code == 0, healthy.output
    path = database_file(web)
    with path.open("r+b") as handle:
        handle.write(b"garbage! " * (path.stat().st_size // 9 + 1))
    for wal in path.parent.glob(path.name + "-*"):
        wal.write_bytes(b"garbage! " * 100)
    result = CliRunner().invoke(
        cli, ["--config", str(web.config.path), "healthcheck", "--url", web.base_url]
    )
    assert result.exit_code == 1
    assert "answered 503" in result.output
    assert '"database":"corrupt: ' in result.output
