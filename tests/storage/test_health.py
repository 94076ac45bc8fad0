"""What health checks read from the store (`storage/health.py`): a SQLite file looked at without
opening it (missing, not a file, read-only, overwritten), SQLite's own page check, the desk's
first read and the counts by state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from aggregator.config import FeedConfig
from aggregator.storage.health import (
    SQLITE_HEADER,
    desk_read,
    file_problem,
    ping,
    quick_check,
    sqlite_path,
    state_counts,
)
from aggregator.storage.store import Store
from tests.helpers.storage import NOW, drafted, stored_item


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'a.db'}")


def test_a_sound_file_has_no_problem(sqlite_store: Store, tmp_path: Path) -> None:
    try:
        assert sqlite_path(sqlite_store) == tmp_path / "a.db"
        assert file_problem(tmp_path / "a.db") is None
        assert quick_check(sqlite_store) == []
        ping(sqlite_store)
    finally:
        sqlite_store.close()


def test_file_problems_are_named(tmp_path: Path) -> None:
    assert (
        file_problem(tmp_path / "none.db") == f"missing: no database file at {tmp_path / 'none.db'}"
    )
    assert file_problem(tmp_path) == f"not a file: {tmp_path}"
    overwritten = tmp_path / "over.db"
    overwritten.write_bytes(b"not sqlite at all" * 10)
    assert (file_problem(overwritten) or "").startswith("corrupt:")
    read_only = tmp_path / "ro.db"
    read_only.write_bytes(SQLITE_HEADER + b"\0" * 100)
    os.chmod(read_only, 0o444)
    assert (file_problem(read_only) or "").startswith("read-only:")


def test_quick_check_finds_damaged_pages(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        store.sync_feeds([FeedConfig("one", "https://e.org/one")], NOW)
        for guid in "abcdefgh":
            drafted(store, guid)
    finally:
        store.close()
    path = tmp_path / "a.db"
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for start in range(2 * page, len(data), page):  # every page but the first two
        data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    assert file_problem(path) is None  # the header is intact: only SQLite's check sees it
    damaged = Store(sa.create_engine(f"sqlite:///{path}"))  # not migrated: it could not be
    try:
        found = quick_check(damaged)
    finally:
        damaged.engine.dispose()
    assert found
    assert len(found) <= 5


def test_desk_read_and_state_counts(store: Store) -> None:
    assert desk_read(store) is None
    first = drafted(store, "a")
    newest = drafted(store, "b", feed="two")
    stored_item(store, "c")
    assert desk_read(store) in (first, newest)
    counts = state_counts(store)
    assert counts["stubs"] == {"draft": 2}
    assert counts["articles"] == {"done": 2, "pending": 1}
    assert set(counts) == {"stubs", "stub_work", "articles", "feeds"}
    ping(store)
    assert quick_check(store) == []  # PostgreSQL checks its own files: always sound here
