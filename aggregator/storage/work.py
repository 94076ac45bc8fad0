"""The store as workers see it: what is due (feeds, articles, stubs, each with the host a task
would send requests to) and the turns that keep requests to one host apart across workers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from aggregator.database_kind import is_postgresql
from aggregator.net.hosts import host_of
from aggregator.storage.articles import PENDING as ARTICLE_PENDING
from aggregator.storage.store import Store
from aggregator.storage.stubs import draftable
from aggregator.storage.tables import articles, feeds, host_turns, items, stubs


@dataclass(frozen=True, slots=True)
class Due:
    """One piece of due work: a feed id or an item id, and the host its requests go to."""

    id: int
    host: str | None


@dataclass(frozen=True, slots=True)
class DueWork:
    feeds: tuple[Due, ...]
    articles: tuple[Due, ...]
    stubs: tuple[Due, ...]


UnqueuedFilter = Callable[[str, sa.ColumnElement[int]], sa.ColumnElement[bool]]
"""Given a kind of work (`feeds`, `articles`, `stubs`) and its id column, the condition that no
task waiting or running already does it: the queue's knowledge, handed in by the workers."""


def due_work(
    store: Store,
    now: datetime,
    limit: int,
    unqueued: UnqueuedFilter | None = None,
    *,
    feeds_only: bool = False,
) -> DueWork:
    """Up to `limit` of each kind of work that is due now, the longest waiting first; with
    `unqueued`, only work no task does already, filtered by the database (a backlog of thousands
    of queued articles is then not read back on every pass); `feeds_only` reads no articles or
    stubs."""
    due_feeds = (
        sa.select(feeds.c.id, feeds.c.url)
        .where(
            feeds.c.enabled,
            feeds.c.in_config,
            feeds.c.retired_at.is_(None),
            sa.or_(feeds.c.next_check_at.is_(None), feeds.c.next_check_at <= now),
        )
        .order_by(feeds.c.next_check_at.is_not(None), feeds.c.next_check_at)
        .limit(limit)
    )
    due_articles = (
        sa.select(articles.c.item_id, items.c.url)
        .select_from(articles.join(items, items.c.id == articles.c.item_id))
        .where(articles.c.state == ARTICLE_PENDING, articles.c.next_attempt_at <= now)
        .order_by(articles.c.next_attempt_at)
        .limit(limit)
    )
    due_stubs = (
        sa.select(stubs.c.item_id)
        .select_from(stubs.join(articles, articles.c.item_id == stubs.c.item_id))
        .where(draftable(), stubs.c.next_attempt_at <= now)
        .order_by(stubs.c.next_attempt_at)
        .limit(limit)
    )
    if unqueued is not None:
        due_feeds = due_feeds.where(unqueued("feeds", feeds.c.id))
        due_articles = due_articles.where(unqueued("articles", articles.c.item_id))
        due_stubs = due_stubs.where(unqueued("stubs", stubs.c.item_id))
    with store.engine.connect() as conn:
        due = tuple(Due(r.id, host_of(r.url)) for r in conn.execute(due_feeds))
        if feeds_only:
            return DueWork(feeds=due, articles=(), stubs=())
        return DueWork(
            feeds=due,
            articles=tuple(Due(r.item_id, host_of(r.url)) for r in conn.execute(due_articles)),
            stubs=tuple(Due(r.item_id, None) for r in conn.execute(due_stubs)),
        )


def item_hosts(store: Store, item_ids: tuple[int, ...]) -> tuple[Due, ...]:
    """The hosts of these items' links, for tasks deferred right after a refresh."""
    if not item_ids:
        return ()
    query = sa.select(items.c.id, items.c.url).where(items.c.id.in_(list(item_ids)))
    with store.reading() as conn:
        return tuple(Due(r.id, host_of(r.url)) for r in conn.execute(query))


def take_turn(store: Store, host: str, now: datetime, gap: float) -> float:
    """Book the next start for `host`, `gap` seconds after the last one booked by any worker;
    returns how many seconds to wait before starting. The booking is made at once, so two
    workers asking together get starts one gap apart instead of the same start."""
    with store.writing() as conn:
        insert = (postgresql.insert if is_postgresql(conn) else sqlite.insert)(host_turns)
        conn.execute(
            insert.values(host=host, next_start_at=now).on_conflict_do_nothing(
                index_elements=[host_turns.c.host]
            )
        )
        booked = conn.execute(
            sa.select(host_turns.c.next_start_at).where(host_turns.c.host == host).with_for_update()
        ).scalar_one()
        start: datetime = max(now, booked)
        conn.execute(
            host_turns.update()
            .where(host_turns.c.host == host)
            .values(next_start_at=start + timedelta(seconds=gap))
        )
    return (start - now).total_seconds()


def forget_turns(store: Store, before: datetime) -> int:
    """Drop turns that lie in the past: a host not visited lately needs no row."""
    with store.writing() as conn:
        return int(
            conn.execute(host_turns.delete().where(host_turns.c.next_start_at < before)).rowcount
        )
