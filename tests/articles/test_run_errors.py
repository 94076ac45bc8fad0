"""Issue 14: an extractor module that does not import is an error of the run, not an ordinary
extraction failure recorded against every article (each stub then said "extracted by feed")."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from aggregator.app import App
from aggregator.config import Config
from aggregator.errors import BrokenEnvironment
from aggregator.storage.articles import PENDING
from aggregator.storage.tables import articles
from tests.loopback import Loopback
from tests.test_startup import news_site


def rows(app: App) -> list[sa.Row[object]]:
    with app.store.engine.connect() as conn:
        query = sa.select(
            articles.c.state, articles.c.method, articles.c.attempts, articles.c.last_error
        ).order_by(articles.c.item_id)
        return list(conn.execute(query))


def test_import_error_in_the_generic_extractor_stops_the_pass_and_fails_no_article(
    site: Loopback, make_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = news_site(site, make_config)

    async def scenario() -> None:
        async with App(config) as app:
            await app.fetch()
            # trafilatura made unimportable after start, as a worker process with a broken
            # installation would find it: the generic extractor imports it on first use.
            monkeypatch.setitem(sys.modules, "trafilatura", None)
            with pytest.raises(BrokenEnvironment, match="article extraction stopped: "):
                await app.extract()
            held = rows(app)
            assert [(r.state, r.method, r.attempts) for r in held] == [(PENDING, None, 0)] * 2
            assert all(r.last_error.startswith("not tried: ") for r in held)

            monkeypatch.delitem(sys.modules, "trafilatura")  # the installation mended
            report = await app.extract()
            assert dict(report.methods) == {"generic": 2}
            assert [r.method for r in rows(app)] == ["generic", "generic"]

    asyncio.run(scenario())
