"""A not-modified refresh writes one row: the feed's, in one UPDATE; no item, article or change
row, on SQLite and on PostgreSQL. The statements are counted on the real engine."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from aggregator.app import App
from aggregator.config import Config
from aggregator.records import Outcome, RefreshReport
from tests.loopback import Loopback, Reply, Request

TABLES = ("feeds", "items", "articles", "item_changes", "stubs")
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><guid>a</guid><title>A</title><link>http://127.0.0.1/a</link></item>
<item><guid>b</guid><title>B</title><link>http://127.0.0.1/b</link></item>
</channel></rss>"""


def conditional(request: Request) -> Reply:
    if request.headers.get("if-none-match") == '"v1"':
        return Reply(304, {"ETag": '"v1"'})
    return Reply(200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, FEED)


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """Every statement the engine sends while the block runs, transaction control left out."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def test_a_304_refresh_is_one_update_of_the_feed_row(
    site: Loopback, make_config: Callable[..., Config], database_url: str
) -> None:
    site.route("/f", conditional)
    config = make_config([{"name": "f", "url": site.url("/f")}], database_url=database_url)

    async def scenario() -> tuple[RefreshReport, list[str], dict[str, int], dict[str, int]]:
        async with App(config) as app:
            (first,) = await app.fetch(due_only=False)
            assert first.outcome is Outcome.OK
            (feed,) = await app.select_feeds(due_only=False)
            before = await app.db.run(counts, app.store.engine)
            with statements(app.store.engine) as seen:
                report = await app.refresher.refresh(feed)
            return report, seen, before, await app.db.run(counts, app.store.engine)

    report, seen, before, after = asyncio.run(scenario())
    assert report.outcome is Outcome.NOT_MODIFIED
    assert len(seen) == 1, seen
    assert seen[0].startswith("UPDATE feeds SET "), seen
    assert after == before, "no row added or removed by a 304"
    assert len(site.hits("/f")) == 2
