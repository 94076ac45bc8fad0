"""Issue 14: an extractor module that does not import is an error of the run, not an ordinary
extraction failure recorded against every article (each stub then said "extracted by feed")."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Callable

import pytest
import sqlalchemy as sa
import structlog

from aggregator.app import App
from aggregator.articles.chain import extract_article
from aggregator.articles.rules import SiteRule
from aggregator.config import Config
from aggregator.errors import BrokenEnvironment
from aggregator.logs import configure_logging
from aggregator.storage.articles import PENDING
from aggregator.storage.tables import articles
from tests.helpers.cli import news_site
from tests.loopback import Loopback


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
    log = io.StringIO()
    configure_logging("info", json=True, stream=log)

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
            events = [json.loads(line) for line in log.getvalue().splitlines()]
            untried = [e for e in events if e["event"] == "article.not_tried"]
            assert [e["level"] for e in untried] == ["error", "error"]
            assert not [e for e in events if e["event"] == "article.extracted"]

            monkeypatch.delitem(sys.modules, "trafilatura")  # the installation mended
            report = await app.extract()
            assert dict(report.methods) == {"generic": 2}
            assert [r.method for r in rows(app)] == ["generic", "generic"]

    try:
        asyncio.run(scenario())
    finally:
        structlog.reset_defaults()


def test_code_error_in_an_extractor_is_raised_not_recorded_as_the_rule_failing() -> None:
    # A rule built wrongly by code (body must be a tuple of selectors): before, the chain wrote
    # "rule 'broken' failed (TypeError)" into the article and went on as if the page were odd.
    rule = SiteRule(name="broken", hosts=("example.org",), body=None)  # type: ignore[arg-type]
    html = "<html><body><article>" + "<p>The harbour reopened on Monday.</p>" * 8
    with pytest.raises(TypeError):
        extract_article(
            html + "</article></body></html>",
            "https://example.org/news/1",
            rules=(rule,),
            feed_item=None,
            feed_language=None,
        )
