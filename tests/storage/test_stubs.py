"""The stub queue, staleness, edits kept across a redo, the ledger and the related index."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from aggregator.storage.articles import ArticleQueue
from aggregator.storage.ledger import Ledger, LedgerEntry, idempotency_key
from aggregator.storage.related import RelatedIndex
from aggregator.storage.store import Store
from aggregator.storage.stubs import DRAFTED, PENDING, QUEUED, StubQueue
from aggregator.storage.tables import stubs
from aggregator.stub_records import EDITED, MACHINE_DRAFT, PREPARED, Part
from tests.helpers.storage import LEASE, NOW, article, result, stored_item


def work(store: Store, item_id: int) -> sa.Row[object]:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(stubs).where(stubs.c.item_id == item_id)).one()


def test_a_stored_article_queues_its_stub_in_the_same_transaction(store: Store) -> None:
    item_id = stored_item(store)
    ArticleQueue(store).save(item_id, article("One. Two."), None, NOW)
    queue = StubQueue(store)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    assert job.item_id == item_id
    assert job.text == "One. Two."
    assert job.categories == ("X",)
    assert job.content_hash == "h1"
    assert job.current == ()
    assert queue.claim_due(NOW, 10, LEASE) == []  # leased
    assert [j.item_id for j in queue.claim_due(NOW + LEASE, 10, LEASE)] == [item_id]


def test_drafted_then_changed_text_marks_stale_without_redrafting(store: Store) -> None:
    item_id = stored_item(store)
    articles, queue = ArticleQueue(store), StubQueue(store)
    articles.save(item_id, article("First paragraph.\nSecond one."), None, NOW)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    queue.save(job, result((Part("title", PREPARED, "Title"),)), NOW)
    assert work(store, item_id).work == DRAFTED

    articles.save(item_id, article("First paragraph.\nA new second.", "New", "h2"), None, NOW)
    row = work(store, item_id)
    assert row.stale is True
    assert "title changed from 'Title' to 'New'" in row.stale_reason
    assert "1 paragraph added, 1 removed, 1 kept" in row.stale_reason
    assert queue.claim_due(NOW + LEASE, 10, LEASE) == []  # never redrafted by itself
    (stub,) = queue.list()
    assert stub.stale
    assert stub.parts[0].content == "Title"


LEGACY_EDITED = {
    "name": "summary",
    "kind": "prepared",
    "content": "The editor's words.",
    "by": "editor",
    "prompt": "Write it.",
    "edited": True,
}
"""An edited part as stored before the `edited` kind: a flag beside another kind."""


@pytest.mark.parametrize(
    "stored",
    [Part("summary", EDITED, "The editor's words.", by="editor").to_json(), LEGACY_EDITED],
    ids=["edited-kind", "legacy-flag"],
)
def test_redo_keeps_parts_an_editor_edited(store: Store, stored: dict[str, object]) -> None:
    item_id = stored_item(store)
    articles, queue = ArticleQueue(store), StubQueue(store)
    articles.save(item_id, article("Text."), None, NOW)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    queue.save(job, result((Part("title", PREPARED, "Title"), Part("summary", PREPARED, ""))), NOW)
    edited = Part("summary", EDITED, "The editor's words.", by="editor")
    with store.writing() as conn:
        conn.execute(
            stubs.update()
            .where(stubs.c.item_id == item_id)
            .values(parts=[Part("title", PREPARED, "Title").to_json(), stored])
        )
    articles.save(item_id, article("Changed text.", digest="h2"), None, NOW)
    assert queue.redo(None, NOW, stale_only=True) == 1
    (job,) = queue.claim_due(NOW, 10, LEASE)
    assert job.content_hash == "h2"
    assert job.stale
    fresh = (Part("title", MACHINE_DRAFT, "タイトル"), Part("summary", MACHINE_DRAFT, "Machine."))
    queue.save(dataclasses.replace(job), result(fresh), NOW)
    (stub,) = queue.list()
    assert stub.stale is False
    assert stub.part("title") == fresh[0]
    assert stub.part("summary") == edited


def test_pending_machine_steps_come_back_when_due(store: Store) -> None:
    item_id = stored_item(store)
    ArticleQueue(store).save(item_id, article("Text."), None, NOW)
    queue = StubQueue(store)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    queue.save(job, result((), retry=True), NOW)
    row = work(store, item_id)
    assert row.work == PENDING
    assert row.pending == "translation pending: budget"
    assert queue.claim_due(NOW + timedelta(minutes=59), 10, LEASE) == []
    (again,) = queue.claim_due(NOW + timedelta(hours=1), 10, LEASE)
    assert again.attempts == 1
    assert queue.work_of(item_id) == PENDING
    assert queue.work_of(item_id + 100) is None
    assert QUEUED != PENDING


def test_the_ledger_keeps_answers_once_and_sums_a_day(store: Store) -> None:
    ledger = Ledger(store)
    key = idempotency_key("h1", "openai", "m", "v1", "ja", "title")
    assert key != idempotency_key("h2", "openai", "m", "v1", "ja", "title")
    entry = LedgerEntry(
        key, "openai", "m", "title", "タイトル", input_tokens=10, output_tokens=5, cost=0.5
    )
    ledger.record([entry], NOW)
    ledger.record([dataclasses.replace(entry, result="other")], NOW)  # a replay is ignored
    assert ledger.lookup([key])[key].result == "タイトル"
    spent = ledger.spent("openai", NOW)
    assert (spent.cost, spent.tokens, spent.calls) == (0.5, 15, 1)
    assert ledger.spent("openai", NOW + timedelta(days=1)).calls == 0
    assert ledger.spent("deepl", NOW).calls == 0


def test_related_articles_share_weighted_terms_and_exist_in_the_store(store: Store) -> None:
    index, articles = RelatedIndex(store), ArticleQueue(store)
    texts = {
        "a": {"flood": 0.6, "river": 0.5, "rain": 0.4, "dam": 0.3},
        "b": {"flood": 0.5, "river": 0.5, "rain": 0.3, "farm": 0.2},
        "c": {"election": 0.7, "vote": 0.5, "river": 0.1},
        "d": {"flood": 0.6, "river": 0.5, "rain": 0.4},
    }
    ids = {}
    for guid, weights in texts.items():
        ids[guid] = stored_item(store, guid)
        if guid != "d":  # d has terms but no stored article text: never offered
            articles.save(ids[guid], article(f"Text of {guid}."), None, NOW)
        index.save_terms(ids[guid], weights)
    found = index.related(ids["a"], texts["a"], limit=5, min_score=0.0)
    assert [r.item_id for r in found] == [ids["b"]]
    assert found[0].url == "https://e.org/b"
    assert found[0].feed == "one"
    assert set(found[0].shared) == {"flood", "river", "rain"}
    assert found[0].text == "Text of b."
    assert 0.0 < found[0].score <= 1.0
    index.save_terms(ids["a"], {})
    assert index.related(ids["b"], texts["b"], limit=5, min_score=0.0) == []
