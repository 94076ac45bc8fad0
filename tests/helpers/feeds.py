"""Feeds to serve, a clock to move and a harness that fetches them through the whole app."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aggregator.app import App
from aggregator.config import Config
from aggregator.records import ParsedFeed, RefreshReport
from aggregator.storage.store import FeedRow


def rss(entries: Sequence[tuple[str, str]], extra: str = "") -> bytes:
    """A feed whose item links are relative, so they lead back to the loopback site."""
    items = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title>"
        f"<link>/item/{guid}</link><description>About {title}</description></item>"
        for guid, title in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test feed</title><link>http://example.org/</link>{extra}{items}"
        "</channel></rss>"
    ).encode()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class CountingParser:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    async def parse(self, body: bytes, *, url: str, content_type: str | None) -> ParsedFeed:
        self.calls += 1
        result: ParsedFeed = await self.inner.parse(body, url=url, content_type=content_type)
        return result


class Harness:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.clock = Clock()

    def fetch(self, names: Sequence[str] = (), *, due_only: bool = False) -> list[RefreshReport]:
        async def go() -> list[RefreshReport]:
            async with App(self.config, clock=self.clock) as app:
                return await app.fetch(names, due_only=due_only)

        return asyncio.run(go())

    def fetch_counting(self) -> tuple[list[RefreshReport], int]:
        async def go() -> tuple[list[RefreshReport], int]:
            async with App(self.config, clock=self.clock) as app:
                counting = CountingParser(app.parser)
                app.refresher = dataclasses.replace(app.refresher, parser=counting)
                return await app.fetch(due_only=False), counting.calls

        return asyncio.run(go())

    def rows(self) -> dict[str, FeedRow]:
        async def go() -> list[FeedRow]:
            async with App(self.config, clock=self.clock) as app:
                return app.store.feed_rows()

        return {row.name: row for row in asyncio.run(go())}
