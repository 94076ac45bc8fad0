"""The desk's edits on both databases: a written part is stored as `edited`, kept by a redraft,
and a part saved empty is to write again with the prompt in the stub's language."""

from __future__ import annotations

import pytest

from aggregator.drafting.editing import edit_part
from aggregator.drafting.messages import messages
from aggregator.storage.desk import Desk, DeskError
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.stub_records import EDITED, MACHINE_DRAFT, PREPARED, TO_WRITE, Part
from tests.helpers.storage import LEASE, NOW, drafted, result

JAPANESE = messages("ja")


def test_a_written_part_is_stored_edited_and_a_redraft_keeps_it(store: Store) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store, edit=edit_part)
    stub = desk.edit(item_id, "summary", "編集者のまとめ。", "Ana", NOW)
    assert stub.part("summary") == Part("summary", EDITED, "編集者のまとめ。", by="editor Ana")
    queue = StubQueue(store)
    queue.redo([item_id], NOW, stale_only=False)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    redrafted = (
        Part("title", MACHINE_DRAFT, "タイトル", original="Title"),
        Part("summary", MACHINE_DRAFT, "機械のまとめ。", by="openai:m"),
    )
    queue.save(job, result(redrafted), NOW)
    again = desk.get(item_id)
    assert again.part("title") == redrafted[0]
    assert again.part("summary") == stub.part("summary")


def test_a_part_saved_empty_is_to_write_with_the_prompt_in_the_stubs_language(
    store: Store,
) -> None:
    item_id = drafted(store, "a")  # drafted into Japanese
    desk = Desk(store, edit=edit_part)
    desk.edit(item_id, "summary", "編集者のまとめ。", "Ana", NOW)
    emptied = desk.edit(item_id, "summary", " \r\n", "Ana", NOW).part("summary")
    assert emptied == Part("summary", TO_WRITE, "", prompt=JAPANESE("prompt.summary"))
    title = desk.edit(item_id, "title", "", "Ana", NOW).part("title")
    assert title == Part("title", TO_WRITE, "", prompt=JAPANESE("prompt.title"))
    assert [e.detail for e in desk.events(item_id)] == ["summary", "summary", "title"]
    # Emptied, a part is drafting's again: a redraft fills it.
    queue = StubQueue(store)
    queue.redo([item_id], NOW, stale_only=False)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    prepared = (Part("title", PREPARED, "Title"), Part("summary", PREPARED, "S."))
    queue.save(job, result(prepared), NOW)
    assert [p.kind for p in desk.get(item_id).parts] == [PREPARED, PREPARED]


def test_a_desk_opened_without_the_rule_for_edits_reads_and_refuses_to_save(
    store: Store,
) -> None:
    item_id = drafted(store, "a")
    desk = Desk(store)
    before = desk.get(item_id)
    with pytest.raises(DeskError, match="without the rule for edits"):
        desk.edit(item_id, "summary", "Text.", "Ana", NOW)
    with desk.snapshot() as reading, pytest.raises(DeskError):
        reading.edit(item_id, "summary", "Text.", "Ana", NOW)
    assert desk.get(item_id) == before
    with Desk(store, edit=edit_part).snapshot() as editing:
        assert editing.edit(item_id, "summary", "Text.", "Ana", NOW).part("summary") is not None
