"""The editors' desk: filters, edits kept across a redraft, transitions with who and when."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from aggregator.drafting.editing import edit_part
from aggregator.storage.desk import Desk, DeskError, StubFilter
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.storage.tables import stubs
from aggregator.stub_records import PREPARED, Part
from tests.helpers.storage import LEASE, NOW, PARTS, drafted, result


def test_filters_and_counts(store: Store) -> None:
    a, b = drafted(store, "a"), drafted(store, "b", "two")
    desk = Desk(store, edit=edit_part)
    assert desk.count(StubFilter()) == 2
    assert [s.item_id for s in desk.find(StubFilter(feeds=("two",)))] == [b]
    assert desk.count(StubFilter(states=("approved",))) == 0
    assert [s.item_id for s in desk.find(StubFilter(search="story a"))] == [a]
    assert desk.count(StubFilter(search="100%_")) == 0
    assert desk.count(StubFilter(min_quality=0.5, stale=False, languages=("en",))) == 2
    assert desk.facets()["feeds"] == ["one", "two"]
    assert desk.facets()["categories"] == ["World"]
    assert desk.source(a).text == "Text of a."
    assert desk.source(a).method == "generic"


def test_an_edit_is_recorded_and_survives_a_redraft(store: Store) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    stub = desk.edit(item_id, "summary", "  The editor's closing words.\r\n", "Ana", NOW)
    part = stub.part("summary")
    assert part is not None
    assert (part.content, part.edited, part.by) == (
        "The editor's closing words.",
        True,
        "editor Ana",
    )
    queue = StubQueue(store)
    queue.redo([item_id], NOW, stale_only=False)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    queue.save(job, result(PARTS), NOW + timedelta(minutes=1))
    assert desk.get(item_id).part("summary") == part
    (event,) = desk.events(item_id)
    assert (event.who, event.action, event.detail) == ("Ana", "edit", "summary")
    with pytest.raises(DeskError, match="unknown part"):
        desk.edit(item_id, "nonsense", "x", "Ana", NOW)
    with pytest.raises(DeskError, match="name is required"):
        desk.edit(item_id, "summary", "x", "   ", NOW)


def test_states_move_only_along_the_allowed_transitions(store: Store) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    with pytest.raises(DeskError, match="a draft stub can go to rejected, reviewed, not approved"):
        desk.move(item_id, "approved", "Ana", NOW)
    desk.move(item_id, "reviewed", "Ana", NOW)
    stub = desk.move(item_id, "approved", "Ben", NOW + timedelta(minutes=5))
    assert stub.state == "approved"
    assert stub.state_changed_by == "Ben"
    assert stub.state_changed_at == NOW + timedelta(minutes=5)
    moves = [json.loads(e.detail or "") for e in desk.events(item_id)]
    assert moves == [{"from": "draft", "to": "reviewed"}, {"from": "reviewed", "to": "approved"}]
    assert [s.item_id for s in desk.find(StubFilter(states=("approved",)))] == [item_id]
    with pytest.raises(DeskError, match="no drafted stub"):
        desk.move(item_id + 50, "reviewed", "Ana", NOW)


def test_editing_the_category_part_moves_the_stub_to_that_category(store: Store) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    with store.writing() as conn:
        parts = [*PARTS, Part("category", PREPARED, "World")]
        conn.execute(
            stubs.update()
            .where(stubs.c.item_id == item_id)
            .values(parts=[p.to_json() for p in parts])
        )
    stub = desk.edit(item_id, "category", "Environment", "Ana", NOW)
    assert stub.category == "Environment"
    assert [s.item_id for s in desk.find(StubFilter(categories=("Environment",)))] == [item_id]
