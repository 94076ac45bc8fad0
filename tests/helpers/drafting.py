"""Drafting through the whole app against loopback backends: two stories, their feed, a run."""

from __future__ import annotations

import asyncio
import html as html_lib
from typing import Any

import sqlalchemy as sa

from aggregator.app import App
from aggregator.config import Config
from aggregator.drafting.backends.retry import RetryPolicy
from aggregator.storage.tables import backend_calls
from aggregator.stub_records import Stub
from tests.conftest import toml_value
from tests.helpers.feeds import Clock
from tests.loopback import Loopback, Reply

STORIES = {
    "dam": (
        "Floods close the river port",
        "Heavy rain on Monday pushed the Sava river 2.4 metres above its usual level. "
        "The port authority closed the harbour to 120 barges until Friday. "
        "Farmers upstream said 3,500 hectares of maize were under water. "
        "The city council approved an emergency fund of €4 million on Tuesday. "
        "Engineers from the Danube Commission inspected the old dam at Brod. "
        "They said the structure was safe but needed repairs costing 15% of the fund.",
    ),
    "vote": (
        "Council votes on flood defences",
        "The city council voted 31 to 9 for new flood defences along the Sava river. "
        "The plan, drafted after the floods of May 2014, raises the embankments by one metre. "
        "Work begins in March and should take two years. "
        "Residents of the lower town asked for the pumping stations to be renewed first. "
        "The mayor, Ana Horvat, promised a public hearing within 30 days. "
        "Opposition members called the budget of €22 million too small.",
    ),
}


def serve(site: Loopback) -> None:
    entries = []
    for slug, (title, text) in STORIES.items():
        page = (
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{html_lib.escape(s)}.</p>" for s in text.split(". "))
            + "</article></body></html>"
        )
        site.route(f"/{slug}", Reply(body=page.encode(), headers={"Content-Type": "text/html"}))
        entries.append(
            f"<item><guid>urn:{slug}</guid><title>{title}</title><link>{site.url('/' + slug)}"
            f"</link><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>"
        )
    feed = f"<rss version='2.0'><channel><title>City</title>{''.join(entries)}</channel></rss>"
    site.route("/feed", Reply(body=feed.encode(), headers={"Content-Type": "application/rss+xml"}))


def drafting(backend: str, base_url: str, **more: Any) -> str:
    lines = ["[drafting]", f'backend = "{backend}"', f'base_url = "{base_url}"']
    lines += [f"{k} = {toml_value(v)}" for k, v in more.items()]
    return "\n".join(lines) + "\n"


KEY = {"api_key_env": "TEST_OPENAI_KEY"}


ENV = {"TEST_OPENAI_KEY": "sk-test"}


class Run:
    """Fetch, extract and draft with one app, as `aggregator fetch` does; then read the stubs."""

    def __init__(self, config: Config, policy: RetryPolicy, environ: dict[str, str]) -> None:
        self.config, self.policy, self.environ = config, policy, environ
        self.clock = Clock()

    def __call__(self, redo: bool = False) -> dict[str, Stub]:
        async def go() -> dict[str, Stub]:
            async with App(self.config, self.clock, self.environ, self.policy) as app:
                await app.fetch(due_only=False)
                await app.extract()
                if redo:
                    await app.db.run(lambda: app.stubs.redo(None, self.clock(), stale_only=False))
                await app.draft()
                stubs = await app.db.run(app.stubs.list)
            return {s.url.rsplit("/", 1)[1]: s for s in stubs if s.url}

        return asyncio.run(go())


def ledger_rows(config: Config) -> list[sa.Row[Any]]:
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(backend_calls)))
    finally:
        engine.dispose()
