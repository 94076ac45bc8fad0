"""Drafted stubs put straight into a real store (feed, item, article, stub rows), with the
parts of the example stub and the title, state, category and dates a test asks for."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa

from aggregator.config import FeedConfig
from aggregator.storage.store import Store
from aggregator.storage.stubs import DRAFTED
from aggregator.storage.tables import articles, feeds, items, stubs
from aggregator.stub_records import DRAFT, MACHINE_DRAFT, Part
from tests.drafting.examples import example_parts, example_stub

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
FEEDS = (FeedConfig("one", "https://e.org/one"), FeedConfig("two", "https://e.org/two"))


def open_store(url: str) -> Store:
    store = Store.open(url)
    store.sync_feeds(FEEDS, NOW)
    return store


def seed_stub(
    store: Store,
    guid: str,
    *,
    title: str | None = None,
    feed: str = "one",
    state: str = DRAFT,
    category: str | None = "World",
    updated_at: datetime = NOW,
    author: str | None = None,
    published: datetime | None = None,
    url: str | None = "default",
) -> int:
    """One drafted stub; returns its item id. `url` defaults to https://e.org/<guid>."""
    link = f"https://e.org/{guid}" if url == "default" else url
    parts = tuple(
        Part("title", MACHINE_DRAFT, title if title is not None else f"Story {guid}", by="deepl")
        if p.name == "title"
        else p
        for p in example_parts()
    )
    provenance = replace(example_stub().provenance, feed=feed)
    identity = f"guid:{guid}"
    with store.writing() as conn:
        feed_id = conn.execute(sa.select(feeds.c.id).where(feeds.c.name == feed)).scalar_one()
        item_id = conn.execute(
            items.insert().values(
                feed_id=feed_id,
                identity=identity,
                identity_hash=hashlib.sha256(identity.encode()).hexdigest(),
                guid=guid,
                url=link,
                title=f"Original {guid}",
                categories=[],
                content_hash="0" * 64,
                revision=1,
                first_seen_at=updated_at,
                last_changed_at=updated_at,
            )
        ).inserted_primary_key[0]
        conn.execute(
            articles.insert().values(
                item_id=item_id,
                state="done",
                attempts=0,
                url=link,
                method="generic",
                text="Text.",
                title=f"Original {guid}",
                author=author,
                published=published,
                queued_at=updated_at,
            )
        )
        conn.execute(
            stubs.insert().values(
                item_id=item_id,
                state=state,
                work=DRAFTED,
                attempts=0,
                stale=False,
                category=category,
                source_language="en",
                target_language="ja",
                parts=[p.to_json() for p in parts],
                provenance=provenance.to_json(),
                errors=[],
                queued_at=updated_at,
                drafted_at=updated_at,
                updated_at=updated_at,
            )
        )
    return int(item_id)
