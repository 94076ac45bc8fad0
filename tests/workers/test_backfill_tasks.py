"""Workers on PostgreSQL: a first fetch queues extraction tasks for its newest items only."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from aggregator.config import Config
from aggregator.storage.tables import articles
from aggregator.workers.tasks import Tasks
from tests.helpers.service import feeds_on
from tests.helpers.workers import WORKERS, drain, jobs, with_tasks
from tests.loopback import Loopback


def test_a_first_fetch_queues_the_newest_items_only(
    site: Loopback, make_config: Callable[..., Config], postgresql_url: str
) -> None:
    config = make_config(feeds_on(site, 3), WORKERS, database_url=postgresql_url, backfill_items=1)

    async def scenario(tasks: Tasks) -> tuple[list[str], dict[str, int]]:
        await tasks.enqueue_due(0)
        await drain(tasks)
        await tasks.enqueue_due(0)  # the backlog is not due work either
        done = [name for name, status, _ in await jobs(tasks) if status != "todo"]

        def states() -> dict[str, int]:
            with tasks.app.store.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(articles.c.state, sa.func.count()).group_by(articles.c.state)
                )
                return {str(state): int(n) for state, n in rows}

        assert not [name for name, status, _ in await jobs(tasks) if status == "todo"]
        return done, await tasks.app.db.run(states)

    done, states = with_tasks(config, scenario)
    assert (done.count("refresh_feed"), done.count("extract_article")) == (1, 1), "one lane"
    assert done.count("draft_stub") == 3
    assert states == {"done": 3, "backlog": 6}
