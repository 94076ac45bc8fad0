"""Stories for the search tests: four drafted stubs (English, Japanese, French accents) and
queries that are not what FTS5 or tsquery syntax expects."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aggregator.storage import search
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.stub_records import PREPARED, TO_WRITE, Part
from tests.helpers.storage import LEASE, NOW, article, result, stored_item

HOSTILE = [
    '"',
    '"unclosed phrase',
    "NEAR(port flood",
    "port NEAR/2 flood",
    "port OR council",
    "title:port",
    "*",
    "^port",
    "port AND",
    "-",
    "--port",
    "'; DROP TABLE stubs; --",
    "(((",
    "\\",
    "%_",
    "\x00",
    "port\u202e",
    "ポ" * 300,
    " ".join(["word"] * 200),
]


def drafted_story(store: Store, guid: str, title: str, text: str, summary: str = "") -> int:
    item_id = stored_item(store, guid)
    ArticleQueue(store).save(item_id, article(text, title=title), None, NOW)
    parts = (
        Part("title", PREPARED, title),
        Part("summary", TO_WRITE, summary, prompt="Write it."),
    )
    queue = StubQueue(store)
    for job in queue.claim_due(NOW, 10, LEASE):
        queue.save(job, result(parts), NOW)
    return item_id


def found(store: Store, query: str) -> set[int]:
    """The item ids `search.match` gives for `query`."""
    with store.engine.connect() as conn:
        hits = search.match(query).subquery()
        return set(conn.execute(sa.select(hits.c.item_id)).scalars())


@pytest.fixture
def stories(store: Store) -> dict[str, int]:
    return {
        "port": drafted_story(store, "a", "Floods close the river port", "Water rose overnight."),
        "vote": drafted_story(
            store,
            "b",
            "Council votes on flood defences",
            "The port authority was not asked.",
        ),
        "tokyo": drafted_story(store, "c", "東京で大雨、電車が止まる", "東京都心で記録的な大雨。"),
        "cafe": drafted_story(store, "d", "Café owners protest", "Prices of coffee rose sharply."),
    }
