"""SIGTERM stops every stage at once: the real `aggregator run` against a loopback site."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.app import App
from aggregator.cli import cli
from aggregator.config import Config
from aggregator.storage.due import due_counts
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.storage.tables import articles
from tests.helpers.feeds import rss
from tests.helpers.logged_service import LoggedService
from tests.helpers.service import wait_for
from tests.helpers.translators import SlowTranslator, translator_config
from tests.loopback import Loopback, Reply

GRACE = 30.0
STORIES = 12


def news_feed(site: Loopback) -> dict[str, Any]:
    site.route("/news", Reply(body=rss([(f"urn:n:{i}", f"Story {i}") for i in range(STORIES)])))
    return {"name": "news", "url": site.url("/news")}


def stub_backlog(config: Config) -> None:
    """Every story fetched, extracted and drafted once, then queued to be drafted again."""
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    assert f"{STORIES} stubs drafted" in result.output
    store = Store.open(config.settings.database_url)
    try:
        assert StubQueue(store).redo(None, datetime.now(UTC), stale_only=False) == STORIES
    finally:
        store.close()


def queue_state(config: Config) -> tuple[dict[str, int], dict[str, int]]:
    """The stubs by work, and what is due now (a stub still leased is not)."""
    store = Store.open(config.settings.database_url)
    try:
        return StubQueue(store).counts(), due_counts(store, datetime.now(UTC))
    finally:
        store.close()


def test_sigterm_with_a_stub_backlog_and_a_hung_feed_exits_well_inside_the_grace(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    """The issue's case: before, the hung feed held the pass until the grace ran out (or the
    pass went on to draft the backlog after the signal)."""
    news = news_feed(site)
    stub_backlog(make_config([news]))
    site.route("/hung", Reply(body=rss([("urn:hung", "Hung")]), delay=120))
    # The request deadline as long as the grace: the hung feed alone would hold the drain.
    config = make_config([news, {"name": "hung", "url": site.url("/hung")}], request_deadline=GRACE)
    service = LoggedService(config)
    try:
        wait_for(lambda: len(site.hits("/hung")) == 1)
        time.sleep(0.5)
        _, seconds = service.stop(timeout=GRACE + 15)
    finally:
        service.kill()
    assert service.process.returncode == 0
    assert seconds < 10, f"exited {seconds:.1f} s after SIGTERM (grace {GRACE:.0f} s)"
    assert service.named("service.draining")
    assert service.named("feed.stopped") == [{**service.named("feed.stopped")[0], "feed": "hung"}]
    # Drafting does not wait for the hung feed; after the signal, only the stub in flight.
    assert len(service.after("service.draining", "stub.drafted")) <= 1
    assert not service.named("service.drain_timeout")
    drafted = len(service.named("stub.drafted"))
    by_work, due = queue_state(config)
    assert by_work.get("queued", 0) == STORIES - drafted
    assert due["stubs"] == STORIES - drafted


def test_sigterm_while_drafting_finishes_the_stub_in_flight_and_gives_back_the_batch(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    news = news_feed(site)
    stub_backlog(make_config([news]))
    translator = SlowTranslator(site, delay=0.3)
    config = make_config([news], extra=translator_config(translator), target_language="ja")
    service = LoggedService(config)
    try:
        wait_for(lambda: len(service.named("stub.drafted")) >= 2)
        _, seconds = service.stop(timeout=GRACE + 15)
    finally:
        service.kill()
    assert service.process.returncode == 0
    assert seconds < 10, f"exited {seconds:.1f} s after SIGTERM (grace {GRACE:.0f} s)"
    # At most the stub in flight is drafted after the signal (the service logs `draining`
    # when it has heard it).
    assert len(service.after("service.draining", "stub.drafted")) <= 1
    assert service.named("service.drained")
    drafted = len(service.named("stub.drafted"))
    by_work, due = queue_state(config)
    assert drafted < STORIES
    assert by_work.get("queued") == STORIES - drafted
    # The rest of the batch was given back: due now, not held by a 15-minute lease.
    assert due["stubs"] == STORIES - drafted


def test_a_quiet_service_exits_about_a_second_after_sigterm(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    service = LoggedService(make_config([news_feed(site)]))
    try:
        # Quiet: the fetch tick and the drafting of what it brought are done.
        wait_for(lambda: bool(service.named("tick.done")) and bool(service.named("drafting.done")))
        _, seconds = service.stop(timeout=GRACE + 15)
    finally:
        service.kill()
    assert service.process.returncode == 0
    assert seconds < 2.0, f"a quiet service took {seconds:.1f} s to exit"
    assert service.named("service.stopped")


def test_a_page_still_loading_when_the_stop_cuts_is_given_back_untried(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/news", Reply(body=rss([(f"urn:p:{i}", f"Page {i}") for i in range(3)])))
    for i in range(3):
        site.route(f"/item/urn:p:{i}", Reply(body=b"<html></html>", delay=60))
    config = make_config([{"name": "news", "url": site.url("/news")}], request_deadline=GRACE)
    result = CliRunner().invoke(
        cli, ["--config", str(config.path), "fetch", "--all", "--no-extract"]
    )
    assert result.exit_code == 0, result.output

    async def scenario() -> tuple[float, int]:
        async with App(config) as app:
            app.stop.settle = 0.5
            extraction = asyncio.create_task(app.extract())
            while len([r for r in site.requests if r.path.startswith("/item/")]) < 3:
                await asyncio.sleep(0.05)
            signalled = time.monotonic()
            app.stop.set()
            report = await asyncio.wait_for(extraction, 10)
            return time.monotonic() - signalled, report.stored + report.retrying

    seconds, worked = asyncio.run(scenario())
    assert seconds < 3
    assert worked == 0
    store = Store.open(config.settings.database_url)
    try:
        assert due_counts(store, datetime.now(UTC))["articles"] == 3  # due again, no lease held
        with store.engine.connect() as conn:
            attempts = conn.execute(sa.select(articles.c.attempts)).scalars().all()
        assert attempts == [0, 0, 0]  # no attempt counted against the articles
    finally:
        store.close()
