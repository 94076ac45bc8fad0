"""A store on SQLite or PostgreSQL with feeds one and two, items in it, and drafted stubs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator.feeds.plan import keyed
from aggregator.records import Article, FeedUpdate, NextCheck, Outcome, ParsedItem, Quality
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.store import Store
from aggregator.storage.stubs import DraftResult, StubQueue
from aggregator.stub_records import PREPARED, TO_WRITE, Part, Provenance

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def update(outcome: Outcome = Outcome.OK, **kw: object) -> FeedUpdate:
    values: dict[str, object] = {
        "outcome": outcome,
        "checked_at": NOW,
        "next_check": NextCheck(NOW + timedelta(hours=1), "interval of 60 min"),
        "error_count": 0,
        "http_status": 200,
        **kw,
    }
    return FeedUpdate(**values)  # type: ignore[arg-type]


def feed_id(store: Store, name: str) -> int:
    return next(f.feed_id for f in store.feeds_to_fetch(NOW, 60, due_only=False) if f.name == name)


LEASE = timedelta(minutes=5)


def article(text: str, title: str = "Title", digest: str = "h1") -> Article:
    return Article(
        method="generic",
        text=text,
        html="",
        quality=Quality(score=1.0),
        content_hash=digest,
        title=title,
    )


def stored_item(store: Store, guid: str = "g1", feed: str = "one") -> int:
    report = store.save_refresh(
        feed_id(store, feed),
        update(),
        keyed([ParsedItem(guid=guid, link=f"https://e.org/{guid}", title=guid, categories=("X",))]),
    )
    (item_id,) = report.new_item_ids
    return item_id


def result(parts: tuple[Part, ...], retry: bool = False) -> DraftResult:
    return DraftResult(
        category="World",
        source_language="en",
        target_language="ja",
        parts=parts,
        provenance=Provenance(
            feed="one",
            fetched_at=None,
            extraction_method="generic",
            content_hash="h1",
            source_language="en",
            target_language="ja",
        ),
        pending="translation pending: budget" if retry else None,
        errors=(),
        retry_at=NOW + timedelta(hours=1) if retry else None,
    )


PARTS = (Part("title", PREPARED, "Title"), Part("summary", TO_WRITE, "", prompt="Write it."))


def drafted(store: Store, guid: str, feed: str = "one") -> int:
    item_id = stored_item(store, guid, feed)
    ArticleQueue(store).save(item_id, article(f"Text of {guid}.", title=f"Story {guid}"), None, NOW)
    queue = StubQueue(store)
    for job in queue.claim_due(NOW, 10, LEASE):
        queue.save(job, result(PARTS), NOW)
    return item_id
