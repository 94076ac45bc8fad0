"""The desk's API asks for an item a feed's first fetch held back: its article is queued, and
the next pass (the service's tick, here `aggregator fetch`) extracts and drafts it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.storage.tables import articles, items
from tests.helpers.drafting import serve
from tests.loopback import Loopback
from tests.web.conftest import Web, open_web

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def held_back(site: Loopback, make_config: Callable[..., Config]) -> Iterator[Web]:
    """Two stories fetched with `backfill_items = 1`: one drafted, one in the backlog."""
    serve(site)
    config = make_config([{"name": "city", "url": site.url("/feed")}], backfill_items=1)
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 stubs drafted" in result.output
    yield from open_web(config)


def article_states(web: Web) -> dict[int, str]:
    with web.ctx.app.store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(items.c.id, articles.c.state).join(articles, articles.c.item_id == items.c.id)
        )
        return {row.id: row.state for row in rows}


def test_an_item_of_the_backlog_is_queued_and_drafted_on_the_next_pass(held_back: Web) -> None:
    web = held_back
    states = article_states(web)
    (old,) = [item for item, state in states.items() if state == "backlog"]
    (drafted,) = [item for item, state in states.items() if state == "done"]

    asked = web.client.post(f"/api/items/{old}/draft", json={}, headers={"Origin": web.base_url})
    assert (asked.status_code, asked.json()) == (202, {"item_id": old, "article": "pending"})
    assert article_states(web)[old] == "pending"
    again = web.client.post(f"/api/items/{drafted}/draft", headers=JSON)
    assert (again.status_code, again.json()) == (202, {"item_id": drafted, "article": "done"})
    assert web.client.post("/api/items/999999/draft", headers=JSON).status_code == 404
    assert web.client.post("/api/items/x/draft", headers=JSON).status_code == 404
    assert web.client.post(f"/api/items/{old}/draft").status_code == 415  # JSON only

    result = CliRunner().invoke(cli, ["--config", str(web.config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 articles extracted" in result.output
    assert "1 stubs drafted" in result.output
    stub = web.client.get(f"/api/stubs/{old}")
    assert stub.status_code == 200, stub.text
