"""What the operator's feed commands change in the store: reset a feed's errors, forget a feed
with everything fetched from it, and the URLs that permanent redirects moved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from aggregator.storage.database import Database
from aggregator.storage.tables import feeds, items, stubs

RESET_REASON = "reset by hand"


@dataclass(frozen=True, slots=True)
class MovedFeed:
    """A feed a 301 or 308 moved: the config still says `config_url`, fetches go to `url`."""

    name: str
    config_url: str
    url: str


@dataclass(frozen=True, slots=True)
class Purged:
    items: int
    stubs: int


def reset_feed(store: Database, name: str) -> bool:
    """Forget the feed's errors and backoff; it is due at once. False: no such stored feed."""
    with store.writing() as conn:
        result = conn.execute(
            feeds.update()
            .where(feeds.c.name == name)
            .values(
                error_count=0,
                last_error=None,
                last_problem=None,
                next_check_at=None,
                next_check_reason=RESET_REASON,
            )
        )
        return bool(result.rowcount)


def count_feed(store: Database, name: str) -> Purged:
    """What purging the feed would delete."""
    with store.engine.connect() as conn:
        return _count(conn, name)


def _count(conn: sa.Connection, name: str) -> Purged:
    feed_items = (
        sa.select(items.c.id)
        .select_from(items.join(feeds, feeds.c.id == items.c.feed_id))
        .where(feeds.c.name == name)
    )
    n_items = conn.execute(sa.select(sa.func.count()).select_from(feed_items.subquery()))
    n_stubs = conn.execute(
        sa.select(sa.func.count()).select_from(stubs).where(stubs.c.item_id.in_(feed_items))
    )
    return Purged(items=int(n_items.scalar_one()), stubs=int(n_stubs.scalar_one()))


def purge_feed(store: Database, name: str) -> Purged:
    """Delete the feed with its items, articles, stubs and their histories (the foreign keys
    cascade), in one transaction. The backend ledger stays: it is what was paid for."""
    with store.writing() as conn:
        purged = _count(conn, name)
        conn.execute(feeds.delete().where(feeds.c.name == name))
    return purged


def moved_feeds(store: Database) -> list[MovedFeed]:
    """Feeds of the config whose fetches follow a permanent redirect, by name."""
    query = (
        sa.select(feeds.c.name, feeds.c.config_url, feeds.c.url)
        .where(feeds.c.in_config, feeds.c.url != feeds.c.config_url)
        .order_by(feeds.c.name)
    )
    with store.engine.connect() as conn:
        return [MovedFeed(r.name, r.config_url, r.url) for r in conn.execute(query)]


def adopt_urls(store: Database, moved: Sequence[MovedFeed]) -> None:
    """The config now says the new URLs: record them as the config's, so that the next sync
    sees no change (and keeps the validators and the schedule)."""
    with store.writing() as conn:
        for feed in moved:
            conn.execute(
                feeds.update()
                .where(feeds.c.name == feed.name, feeds.c.config_url == feed.config_url)
                .values(config_url=feed.url)
            )
