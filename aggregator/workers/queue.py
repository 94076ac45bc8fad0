"""The job queue shared by workers: procrastinate on the same PostgreSQL database as the store.

Names of queues, tasks and locks live here so that the tasks, the command that shows the queue
and the web page that asks for a fetch agree on them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from aggregator.database_kind import url_kind
from aggregator.errors import ConfigError

PERIODIC = "periodic"
"""Enqueueing, stalled-task recovery, digest and cleanup: never behind a backlog of fetches."""
FEEDS = "feeds"
ARTICLES = "articles"
STUBS = "stubs"
QUEUES = (PERIODIC, FEEDS, ARTICLES, STUBS)

REFRESH = "aggregator.refresh_feed"
EXTRACT = "aggregator.extract_article"
DRAFT = "aggregator.draft_stub"
ENQUEUE = "aggregator.enqueue_due"
RECOVER = "aggregator.recover_stalled"
DIGEST = "aggregator.write_digest"
CLEANUP = "aggregator.clean_up"

PERIODIC_PRIORITY = 100
"""Higher runs first: a periodic task jumps any queue of fetches."""
REFRESH_PRIORITY = 10
"""Above extraction: tasks sharing a lane lock run in priority order, so a feed's refresh never
waits behind the backlog of article pages on its lane (nor forever, on workers that leave
articles to others)."""


FEED_LOCK, ARTICLE_LOCK, STUB_LOCK = "feed:", "article:", "stub:"
"""Queueing locks are these prefixes and an id."""


def feed_lock(feed_id: int) -> str:
    """A refresh queued one feed at a time, as before tasks carried `feed_ids`."""
    return f"{FEED_LOCK}{feed_id}"


def article_lock(item_id: int) -> str:
    """Extraction queued one item at a time, as before tasks carried `item_ids`."""
    return f"{ARTICLE_LOCK}{item_id}"


def stub_lock(item_id: int) -> str:
    return f"{STUB_LOCK}{item_id}"


def host_lock(host: str) -> str:
    """The lock tasks queued before lanes hold: one host's."""
    return f"host:{host}"


def lane_lock(lane: int) -> str:
    """Tasks that send requests to the hosts of one lane (`lanes.lane_of`) never run at the
    same time, on any worker: refreshes and extractions alike."""
    return f"lane:{lane}"


def conninfo(database_url: str, path: str = "", key: str = "database_url") -> str:
    """libpq's form of a SQLAlchemy PostgreSQL URL (`postgresql+psycopg://` and the like)."""
    url = sa.make_url(database_url)
    if url_kind(url) != "postgresql":
        raise ConfigError(
            path,
            f"[settings].{key}",
            "workers share their work through PostgreSQL; set a postgresql:// URL (the "
            "embedded SQLite default does all the work in `aggregator run` instead)",
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def open_queue(database_url: str, path: str = "", pool_size: int = 8) -> Any:
    """A procrastinate app on `database_url`; open it with `async with app.open_async()`.

    Its connections run in autocommit: each of procrastinate's queries is one statement (most
    call one of its functions), and the pool would otherwise wrap every one in a transaction of
    its own, two more round trips (BEGIN, COMMIT) for each fetch, finish and deferral."""
    import procrastinate

    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(database_url, path),
        min_size=1,
        max_size=pool_size,
        configure=_autocommit,
    )
    return procrastinate.App(connector=connector)


async def _autocommit(connection: Any) -> None:
    await connection.set_autocommit(True)
