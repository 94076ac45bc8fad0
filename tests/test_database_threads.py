"""`app.Database`: reads run beside each other and beside a write in progress (SQLite in WAL
mode), writes keep one thread and their order. Shown by events the calls wait for, not by
timings: with one database thread, the reads below would wait for the write and time out."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import sqlalchemy as sa

from aggregator.app import Database
from aggregator.config import FeedConfig
from aggregator.storage.store import Store
from aggregator.storage.tables import feeds
from tests.helpers.storage import NOW

WAIT = 20.0
"""Seconds an event is waited for before the test fails (never reached when it passes)."""


def sqlite_store(tmp_path: Path) -> Store:
    (tmp_path / "var").mkdir()
    store = Store.open(f"sqlite:///{tmp_path / 'var' / 'a.db'}")
    store.sync_feeds([FeedConfig("one", "https://e.org/one")], NOW)
    return store


def names(conn: sa.Connection) -> list[str]:
    return list(conn.execute(sa.select(feeds.c.name).order_by(feeds.c.name)).scalars())


def read_names(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return names(conn)


def test_two_reads_overlap_while_a_write_is_in_progress(tmp_path: Path) -> None:
    db = Database(sqlite_store(tmp_path))
    writing, release = threading.Event(), threading.Event()
    both_reading = threading.Barrier(2, timeout=WAIT)

    def write() -> None:
        with db.store.writing() as conn:
            conn.execute(feeds.update().values(name="renamed"))
            writing.set()
            assert release.wait(WAIT), "the reads never finished"

    def read() -> list[str]:
        with db.store.engine.connect() as conn, conn.begin():
            seen = names(conn)
            both_reading.wait()  # both reads are inside their transactions at once
            return seen

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        writer = asyncio.ensure_future(db.run(write))
        assert await asyncio.to_thread(writing.wait, WAIT), "the write never started"
        first, second = await asyncio.gather(db.read(read), db.read(read))
        assert not writer.done(), "the write finished before the reads"
        release.set()
        await writer
        return first, second, await db.read(read_names, db.store)

    try:
        first, second, after = asyncio.run(scenario())
    finally:
        release.set()
        db.close()
    assert first == second == ["one"], "a reader saw the write before its commit"
    assert after == ["renamed"]


def test_writes_keep_one_thread_and_their_order(tmp_path: Path) -> None:
    db = Database(sqlite_store(tmp_path))
    threads: list[str] = []

    def append(n: int) -> int:
        threads.append(threading.current_thread().name)
        with db.store.writing() as conn:
            conn.execute(feeds.update().values(interval=n))
        return n

    async def scenario() -> list[int]:
        return list(await asyncio.gather(*(db.run(append, n) for n in range(20))))

    try:
        assert asyncio.run(scenario()) == list(range(20))
        with db.store.engine.connect() as conn:
            assert conn.execute(sa.select(feeds.c.interval)).scalar_one() == 19
    finally:
        db.close()
    assert len(set(threads)) == 1


def test_an_in_memory_sqlite_database_reads_on_its_writer() -> None:
    """Each connection to `sqlite://` is a database of its own: reads must use the writer's."""
    db = Database(Store.open("sqlite://"))
    try:
        assert db.readers is db.executor
    finally:
        db.close()
