"""Digest makers over a config without a file, and pages of example stubs."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

from aggregator.config import Config, FeedConfig, Settings, SourceInfo
from aggregator.digest.build import DigestMaker
from aggregator.digest.settings import DigestSettings
from aggregator.storage.digest import DigestPage, DigestState
from aggregator.stub_records import Stub
from tests.drafting.examples import example_stub

BASE = "https://desk.example.org"


def maker(**settings: Any) -> DigestMaker:
    config = Config(
        path=Path("feeds.toml"),
        settings=Settings(database_url="sqlite://"),
        feeds=(
            FeedConfig(
                "globalvoices", "https://globalvoices.org/feed/", source=SourceInfo("Global Voices")
            ),
        ),
        digest=DigestSettings(**{"base_url": BASE, **settings}),
    )
    return DigestMaker.of(config)


def stubs(count: int, **changes: Any) -> tuple[Stub, ...]:
    """`count` example stubs, the first the newest, each an hour older than the one before."""
    newest = example_stub().updated_at
    return tuple(
        example_stub(
            item_id=100 + i,
            guid=f"https://globalvoices.org/?p={i}",
            url=f"https://globalvoices.org/story-{i}",
            updated_at=newest - timedelta(hours=i),
            **changes,
        )
        for i in range(count)
    )


def page(found: tuple[Stub, ...], count: int | None = None) -> DigestPage:
    newest = max((s.updated_at for s in found), default=None)
    return DigestPage(DigestState(len(found) if count is None else count, newest), found)


def titled(stub: Stub, title: str) -> Stub:
    parts = tuple(
        dataclasses.replace(p, content=title) if p.name == "title" else p for p in stub.parts
    )
    return dataclasses.replace(stub, parts=parts)
