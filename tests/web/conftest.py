"""The web app over a real store with drafted stubs, served by uvicorn on a loopback port and
spoken to over real HTTP."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from aggregator.app import App
from aggregator.cli import cli
from aggregator.config import Config
from aggregator.drafting.editing import edit_part
from aggregator.service.metrics import Metrics
from aggregator.storage.desk import Desk
from aggregator.web.app import create_web_app
from aggregator.web.context import WebContext
from tests.helpers.browser import chromium_or_skip, launched_chromium
from tests.helpers.drafting import serve
from tests.loopback import Loopback

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@dataclass
class FetchRecorder:
    """Stands in for the service's background fetch: remembers what was asked."""

    calls: list[tuple[str, ...]] = field(default_factory=list)

    def __call__(self, names: Sequence[str]) -> None:
        self.calls.append(tuple(names))


@dataclass
class Web:
    client: httpx.Client
    ctx: WebContext
    config: Config
    fetches: FetchRecorder
    base_url: str


class LiveServer:
    """uvicorn serving an ASGI app on 127.0.0.1 (a free port) in a thread of its own."""

    def __init__(self, asgi: object) -> None:
        config = uvicorn.Config(asgi, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test web server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def config_extra() -> str:
    """TOML appended to the `drafted` config; a test parametrizes it to change settings."""
    return ""


@pytest.fixture
def drafted(site: Loopback, make_config: Callable[..., Config], config_extra: str) -> Config:
    """A config whose store holds two fetched, extracted and drafted stories."""
    serve(site)
    config = make_config(
        [{"name": "city", "url": site.url("/feed")}], config_extra, target_language="ja"
    )
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    return config


def open_web(config: Config) -> Iterator[Web]:
    app = App(config)
    fetches = FetchRecorder()
    ctx = WebContext(
        app, Desk(app.store, edit=edit_part), Metrics(), fetches, secret=b"test-secret"
    )
    try:
        with (
            LiveServer(create_web_app(ctx)) as base_url,
            httpx.Client(base_url=base_url, follow_redirects=False) as client,
        ):
            yield Web(client, ctx, config, fetches, base_url)
    finally:
        asyncio.run(app.__aexit__(None, None, None))


@pytest.fixture
def web(drafted: Config) -> Iterator[Web]:
    yield from open_web(drafted)


# The browser tests' fixtures (tests marked `browser`): Chromium over the live server above.


@pytest.fixture
def chromium() -> Path:
    return chromium_or_skip()


@pytest.fixture
def browser(chromium: Path, web: Web) -> Iterator[Browser]:
    """Chromium, started after the live server and stopped before it: Playwright's sync API
    runs an asyncio loop on this thread while it is open, and the server's fixture needs
    `asyncio.run` on it to set up and to close."""
    with launched_chromium(chromium) as launched:
        yield launched


@pytest.fixture
def watched() -> dict[str, list[str]]:
    """What the page did that it must not: dialogs opened, scripts refused by the CSP."""
    return {"dialogs": [], "csp": []}


@pytest.fixture
def page(browser: Browser, watched: dict[str, list[str]]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.on("dialog", lambda dialog: _dismissed(dialog, watched))
    opened.on(
        "console",
        lambda message: (
            watched["csp"].append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield opened
    finally:
        context.close()


def _dismissed(dialog: Any, watched: dict[str, list[str]]) -> None:
    watched["dialogs"].append(dialog.message)
    dialog.dismiss()
