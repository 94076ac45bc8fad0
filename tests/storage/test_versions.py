"""A stub's version (`storage/versions.py`) on SQLite and PostgreSQL, below the desk: the check
of a named version, the compare-and-set that writes only over the expected version and raises
it by one, and the locked read of a drafted stub. The desk's use of them: test_desk_versions.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aggregator.storage.store import Store
from aggregator.storage.tables import stubs
from aggregator.storage.versions import StaleVersion, check, compare_and_set, locked_row
from tests.helpers.storage import NOW, drafted, stored_item


def version_and_state(store: Store, item_id: int) -> tuple[int, str]:
    with store.reading() as conn:
        row = conn.execute(
            sa.select(stubs.c.version, stubs.c.state).where(stubs.c.item_id == item_id)
        ).one()
    return row.version, row.state


def test_check_passes_the_current_version_or_none() -> None:
    check(1, None, 5)
    check(1, 5, 5)
    with pytest.raises(StaleVersion) as raised:
        check(1, 4, 5)
    assert (raised.value.item_id, raised.value.expected, raised.value.current) == (1, 4, 5)
    assert "changed since version 4" in str(raised.value)
    assert "version 5" in str(raised.value)


def test_compare_and_set_writes_over_the_expected_version_and_raises_it(store: Store) -> None:
    item_id = drafted(store, "a")
    version, _ = version_and_state(store, item_id)
    with store.writing() as conn:
        assert compare_and_set(conn, item_id, version, {"state": "reviewed"}) == version + 1
    assert version_and_state(store, item_id) == (version + 1, "reviewed")


def test_a_stale_write_changes_nothing_and_says_the_current_version(store: Store) -> None:
    item_id = drafted(store, "a")
    version, state = version_and_state(store, item_id)
    with pytest.raises(StaleVersion) as raised, store.writing() as conn:
        compare_and_set(conn, item_id, version - 1, {"state": "rejected"})
    assert raised.value.current == version
    assert version_and_state(store, item_id) == (version, state)
    with pytest.raises(StaleVersion) as missing, store.writing() as conn:
        compare_and_set(conn, item_id + 1000, 1, {"state": "rejected"})
    assert missing.value.current is None


def test_two_writers_over_one_version_one_wins(store: Store) -> None:
    item_id = drafted(store, "a")
    version, _ = version_and_state(store, item_id)
    with store.writing() as conn:
        compare_and_set(conn, item_id, version, {"state": "reviewed", "updated_at": NOW})
    with pytest.raises(StaleVersion), store.writing() as conn:
        compare_and_set(conn, item_id, version, {"state": "rejected", "updated_at": NOW})
    assert version_and_state(store, item_id) == (version + 1, "reviewed")


def test_locked_row_reads_only_drafted_stubs(store: Store) -> None:
    item_id = drafted(store, "a")
    waiting = stored_item(store, "b")
    with store.writing() as conn:
        row = locked_row(conn, item_id, stubs.c.state)
        assert row is not None
        assert (row.state, row.version) == version_and_state_in(conn, item_id)
        assert locked_row(conn, waiting, stubs.c.state) is None
        assert locked_row(conn, item_id + 1000) is None


def version_and_state_in(conn: sa.Connection, item_id: int) -> tuple[str, int]:
    row = conn.execute(
        sa.select(stubs.c.state, stubs.c.version).where(stubs.c.item_id == item_id)
    ).one()
    return row.state, row.version
