"""The storage tests' store: an SQLite file and a PostgreSQL schema, feeds one and two synced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aggregator.config import FeedConfig
from aggregator.storage.store import Store
from tests.helpers.storage import NOW


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store.open(database_url)
    s.sync_feeds(
        [FeedConfig("one", "https://e.org/one"), FeedConfig("two", "https://e.org/two")], NOW
    )
    try:
        yield s
    finally:
        s.close()
