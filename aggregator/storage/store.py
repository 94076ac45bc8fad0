"""Queries and units of work over the tables. Synchronous: callers run it off the event loop."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from aggregator.database_kind import is_postgresql
from aggregator.faults import crash_point
from aggregator.records import (
    FeedToFetch,
    FeedUpdate,
    ItemPlan,
    ItemRecord,
    Outcome,
    SavedRefresh,
)
from aggregator.storage.articles import enqueue_articles
from aggregator.storage.engine import WRITE_OPTION, create_engine, migrate
from aggregator.storage.items import insert_items, update_items
from aggregator.storage.plan import newest, plan_items
from aggregator.storage.tables import articles, feeds, items


class ConfiguredFeed(Protocol):
    """A feed of the config as `sync_feeds` reads it (`aggregator.config.FeedConfig` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def interval(self) -> int | None: ...
    @property
    def language(self) -> str | None: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def enabled(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class FeedRow:
    """A feed as the `feeds` command shows it."""

    name: str
    url: str
    enabled: bool
    in_config: bool
    title: str | None
    last_status: str | None
    last_http_status: int | None
    last_error: str | None
    last_problem: str | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    error_count: int
    retired_at: datetime | None
    next_check_at: datetime | None
    next_check_reason: str | None
    items: int
    config_url: str | None = None
    """The URL in the config; `url` differs after a 301 or 308 until `feeds update-urls`."""


SYNC_LOCK = 0x61676773  # pg_advisory_xact_lock key held while the feeds follow the config
# Statements built once: SQLAlchemy then reuses their compiled form from its cache.
_UPDATE_FEED = feeds.update().where(feeds.c.id == sa.bindparam("feed_id"))


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        engine = create_engine(url)
        migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A connection for reads that need no transaction around them (one query, or several
        that need not agree). On PostgreSQL it runs in autocommit: no BEGIN and ROLLBACK round
        trips, and the ROLLBACK that would make psycopg drop its prepared statements is not
        sent, so the queries a worker repeats for every task are parsed and planned once."""
        conn = self.engine.connect()
        if is_postgresql(conn):
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        with conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """One write transaction: everything in it commits together or not at all."""
        with (
            self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn,
            conn.begin(),
        ):
            yield conn

    # -- feeds ---------------------------------------------------------------------------

    def sync_feeds(self, configured: Sequence[ConfiguredFeed], now: datetime) -> None:
        """Make the feeds table match the config. A changed URL in the config wins over a URL
        learnt from a permanent redirect; feeds gone from the config are kept, but not polled."""
        with self.writing() as conn:
            if is_postgresql(conn):  # workers starting together take turns
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK})
            existing = {
                row.name: row
                for row in conn.execute(
                    sa.select(feeds.c.id, feeds.c.name, feeds.c.config_url, feeds.c.in_config)
                )
            }
            for feed in configured:
                values: dict[str, object] = {
                    "interval": feed.interval,
                    "language": feed.language,
                    "tags": list(feed.tags),
                    "enabled": feed.enabled,
                    "in_config": True,
                }
                row = existing.pop(feed.name, None)
                if row is None:
                    conn.execute(
                        feeds.insert().values(
                            name=feed.name,
                            config_url=feed.url,
                            url=feed.url,
                            error_count=0,
                            created_at=now,
                            **values,
                        )
                    )
                    continue
                if row.config_url != feed.url:
                    values.update(
                        config_url=feed.url,
                        url=feed.url,
                        etag=None,
                        last_modified=None,
                        next_check_at=None,
                        retired_at=None,
                        retired_reason=None,
                        error_count=0,
                    )
                conn.execute(feeds.update().where(feeds.c.id == row.id).values(**values))
            for row in existing.values():
                if row.in_config:
                    conn.execute(feeds.update().where(feeds.c.id == row.id).values(in_config=False))

    def feeds_to_fetch(
        self,
        now: datetime,
        default_interval: int,
        *,
        names: Sequence[str] = (),
        ids: Sequence[int] = (),
        due_only: bool = True,
    ) -> list[FeedToFetch]:
        """Enabled, not retired feeds of the config; only those due unless `due_only` is off
        (or feeds are asked for by name)."""
        query = sa.select(feeds).where(
            feeds.c.enabled, feeds.c.in_config, feeds.c.retired_at.is_(None)
        )
        if ids:
            query = query.where(feeds.c.id.in_(list(ids)))
        if names:
            query = query.where(feeds.c.name.in_(list(names)))
        elif due_only:
            query = query.where(
                sa.or_(feeds.c.next_check_at.is_(None), feeds.c.next_check_at <= now)
            )
        query = query.order_by(feeds.c.next_check_at.is_not(None), feeds.c.next_check_at)
        with self.reading() as conn:
            return [
                FeedToFetch(
                    feed_id=row.id,
                    name=row.name,
                    url=row.url,
                    interval_minutes=row.interval or default_interval,
                    etag=row.etag,
                    last_modified=row.last_modified,
                    error_count=row.error_count,
                    manual=bool(names) or not due_only,
                    never_fetched=row.last_success_at is None,
                )
                for row in conn.execute(query)
            ]

    def feed_names(self) -> dict[str, bool]:
        """Every stored feed name, with whether it can be fetched now."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(feeds.c.name, feeds.c.enabled, feeds.c.in_config, feeds.c.retired_at)
            )
            return {r.name: bool(r.enabled and r.in_config and r.retired_at is None) for r in rows}

    def enable_feed(self, name: str) -> bool:
        """Undo a retirement (410) by hand; the feed is due at once."""
        with self.writing() as conn:
            result = conn.execute(
                feeds.update()
                .where(feeds.c.name == name)
                .values(
                    retired_at=None,
                    retired_reason=None,
                    error_count=0,
                    next_check_at=None,
                    next_check_reason="re-enabled by hand",
                )
            )
            return bool(result.rowcount)

    def feed_rows(self) -> list[FeedRow]:
        counts = (
            sa.select(items.c.feed_id, sa.func.count().label("n"))
            .group_by(items.c.feed_id)
            .subquery()
        )
        query = (
            sa.select(feeds, sa.func.coalesce(counts.c.n, 0).label("item_count"))
            .select_from(feeds.outerjoin(counts, counts.c.feed_id == feeds.c.id))
            .order_by(feeds.c.name)
        )
        with self.engine.connect() as conn:
            return [
                FeedRow(
                    name=r.name,
                    url=r.url,
                    enabled=r.enabled,
                    in_config=r.in_config,
                    title=r.title,
                    last_status=r.last_status,
                    last_http_status=r.last_http_status,
                    last_error=r.last_error,
                    last_problem=r.last_problem,
                    last_checked_at=r.last_checked_at,
                    last_success_at=r.last_success_at,
                    error_count=r.error_count,
                    retired_at=r.retired_at,
                    next_check_at=r.next_check_at,
                    next_check_reason=r.next_check_reason,
                    items=r.item_count,
                    config_url=r.config_url,
                )
                for r in conn.execute(query)
            ]

    # -- one refresh -----------------------------------------------------------------------

    def save_refresh(
        self,
        feed_id: int,
        update: FeedUpdate,
        records: Sequence[ItemRecord],
        backfill: int | None = None,
    ) -> SavedRefresh:
        """Items, validators, status and next check of one feed, in one transaction. On the
        feed's first fetch (no item of it stored yet) only the `backfill` newest new items get
        their articles queued, the others are stored as backlog; None queues every one."""
        with self.writing() as conn:
            plan = ItemPlan()
            new_ids: tuple[int, ...] = ()
            queued_ids: tuple[int, ...] = ()
            if records:
                stored: dict[str, str] = dict(
                    conn.execute(
                        sa.select(items.c.identity, items.c.content_hash).where(
                            items.c.feed_id == feed_id
                        )
                    ).all()
                )
                plan = plan_items(records, stored)
                new_ids = insert_items(conn, feed_id, plan.new, update.checked_at)
                changed_ids = update_items(conn, feed_id, plan.changed, update.checked_at)
                queued_ids, backlog_ids = new_ids, new_ids[:0]
                if backfill is not None and not stored:
                    chosen = newest(plan.new, backfill)
                    queued_ids = tuple(i for n, i in enumerate(new_ids) if n in chosen)
                    backlog_ids = tuple(i for n, i in enumerate(new_ids) if n not in chosen)
                enqueue_articles(
                    conn,
                    queued_ids,
                    changed_ids,
                    update.checked_at,
                    backlog_ids=backlog_ids,
                    backfill=backfill or 0,
                )
            conn.execute(_UPDATE_FEED, {"feed_id": feed_id, **_feed_values(update)})
            crash_point("refresh.in_transaction")
            return SavedRefresh(plan=plan, new_item_ids=new_ids, queued_item_ids=queued_ids)

    # -- reading items -----------------------------------------------------------------------

    def iter_items(
        self,
        feed_names: Sequence[str] = (),
        *,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Items in the order they were first seen; `since` by when they were first seen,
        `limit` keeps the newest."""
        query = (
            sa.select(
                items.c.id,
                feeds.c.name.label("feed"),
                items.c.guid,
                items.c.url,
                items.c.title,
                items.c.author,
                items.c.published,
                items.c.updated,
                items.c.content_hash,
                items.c.revision,
                items.c.first_seen_at,
                items.c.summary,
                items.c.content,
                articles.c.text,
                articles.c.method.label("extraction_method"),
                articles.c.reason.label("extraction_reason"),
                articles.c.quality,
                articles.c.language,
                articles.c.state.label("extraction_state"),
            )
            .select_from(
                items.join(feeds, feeds.c.id == items.c.feed_id).outerjoin(
                    articles, articles.c.item_id == items.c.id
                )
            )
            .order_by(items.c.id)
        )
        if feed_names:
            query = query.where(feeds.c.name.in_(list(feed_names)))
        if since is not None:
            query = query.where(items.c.first_seen_at >= since)
        if limit is not None:
            latest = query.order_by(None).order_by(items.c.id.desc()).limit(limit).subquery()
            query = sa.select(latest).order_by(latest.c.id)
        with self.engine.connect() as conn:
            for row in conn.execute(query.execution_options(yield_per=500)):
                yield row._asdict()


def _feed_values(update: FeedUpdate) -> dict[str, object]:
    values: dict[str, object] = {
        "last_checked_at": update.checked_at,
        "last_status": update.outcome.value,
        "last_http_status": update.http_status,
        "last_error": update.error,
        "last_problem": update.problem,
        "error_count": update.error_count,
        "next_check_at": update.next_check.at,
        "next_check_reason": update.next_check.reason,
    }
    if update.outcome in (Outcome.OK, Outcome.NOT_MODIFIED):
        values["last_success_at"] = update.checked_at
    if update.outcome is Outcome.GONE:
        values["retired_at"] = update.checked_at
        values["retired_reason"] = update.next_check.reason
    if update.outcome is Outcome.OK:
        # A full response replaces the validators, also when it no longer sends them.
        values["etag"] = update.etag
        values["last_modified"] = update.last_modified
    for key in ("etag", "last_modified", "title", "site_url"):
        if getattr(update, key) is not None:
            values[key] = getattr(update, key)
    if update.language is not None:
        values["feed_language"] = update.language
    if update.moved_to is not None:
        values["url"] = update.moved_to
    return values
