"""A stub's version: raised by every change, the editor's and the machine's, and the
compare-and-set that lets exactly one of two writers based on the same version win."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from aggregator.drafting.editing import edit_part
from aggregator.storage.desk import Desk
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.storage.tables import stub_events, stubs
from aggregator.storage.versions import StaleVersion, compare_and_set
from aggregator.stub_records import Part
from tests.helpers.storage import LEASE, NOW, PARTS, drafted, result

WRITERS = 6


def events(store: Store, item_id: int) -> int:
    with store.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(stub_events.c.item_id == item_id)
        return int(conn.execute(query).scalar_one())


def test_every_change_raises_the_version_by_one(store: Store) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    first = desk.get(item_id).version
    stub = desk.edit(item_id, "summary", "Ours.", "Ana", NOW, expected_version=first)
    assert stub.version == first + 1
    stub = desk.edit_parts(
        item_id,
        {"title": "A title", "summary": "Ours, again."},
        "Ana",
        NOW,
        expected_version=first + 1,
    )
    assert stub.version == first + 2, "one save of two parts is one version"
    assert [(e.action, e.detail) for e in desk.events(item_id)][-2:] == [
        ("edit", "title"),
        ("edit", "summary"),
    ], "and one history event per part, in page order"
    assert desk.move(item_id, "reviewed", "Ben", NOW).version == first + 3

    queue = StubQueue(store)  # the machine's changes count too: a redraft...
    queue.redo([item_id], NOW, stale_only=False)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    queue.save(job, result(PARTS), NOW + timedelta(minutes=1))
    assert desk.get(item_id).version == first + 4

    def later_news(stub: object) -> object:  # ...and later related news
        @dataclass(frozen=True)
        class Change:
            parts: tuple[Part, ...]
            detail: str = "1 later article"

        return Change((*PARTS, Part("related_news", "prepared", "Later: more.")))

    assert queue.refresh(item_id, later_news, NOW)  # type: ignore[arg-type]
    assert desk.get(item_id).version == first + 5


def test_a_save_based_on_an_older_version_changes_nothing(store: Store) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    read = desk.get(item_id).version
    desk.edit(item_id, "summary", "Ben's words.", "Ben", NOW, expected_version=read)
    before = desk.get(item_id)
    with pytest.raises(StaleVersion) as stale:
        desk.edit_parts(
            item_id,
            {"summary": "Ana's words.", "title": "Ana's title"},
            "Ana",
            NOW,
            expected_version=read,
        )
    assert (stale.value.expected, stale.value.current) == (read, read + 1)
    with pytest.raises(StaleVersion):
        desk.move(item_id, "reviewed", "Ana", NOW, expected_version=read)
    assert desk.get(item_id) == before
    assert events(store, item_id) == 1


@pytest.mark.parametrize("write", ["edit", "move"])
def test_of_writers_racing_on_one_version_exactly_one_wins(store: Store, write: str) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    read = desk.get(item_id).version
    start = threading.Barrier(WRITERS)
    won: list[str] = []
    refused: list[StaleVersion] = []
    failed: list[BaseException] = []

    def writer(n: int) -> None:
        who = f"Editor {n}"
        start.wait()
        try:
            if write == "edit":
                desk.edit(item_id, "summary", f"Text of {who}.", who, NOW, expected_version=read)
            else:
                desk.move(item_id, "reviewed", who, NOW, expected_version=read)
            won.append(who)
        except StaleVersion as exc:
            refused.append(exc)
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failed == []
    assert len(won) == 1
    assert len(refused) == WRITERS - 1
    stub = desk.get(item_id)
    assert stub.version == read + 1
    if write == "edit":
        part = stub.part("summary")
        assert part is not None
        assert part.content == f"Text of {won[0]}."
    else:
        assert (stub.state, stub.state_changed_by) == ("reviewed", won[0])
    assert events(store, item_id) == 1


def test_the_update_itself_refuses_a_version_another_transaction_replaced(store: Store) -> None:
    """Two connections: the first reads version v, the second saves over v and commits, then
    the first's compare-and-set matches no row and writes nothing."""
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    with store.engine.connect() as conn:
        read = conn.execute(
            sa.select(stubs.c.version).where(stubs.c.item_id == item_id)
        ).scalar_one()
        conn.rollback()  # SQLite: let the other connection write
        desk.edit(item_id, "summary", "Theirs.", "Ben", NOW, expected_version=read)
        with conn.begin(), pytest.raises(StaleVersion) as stale:
            compare_and_set(conn, item_id, read, {"updated_at": NOW, "stale": True})
    assert stale.value.current == read + 1
    stub = desk.get(item_id)
    assert (stub.version, stub.stale) == (read + 1, False)
    part = stub.part("summary")
    assert part is not None
    assert part.content == "Theirs."
