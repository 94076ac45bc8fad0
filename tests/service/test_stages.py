"""Fetching keeps its schedule while a backlog of new articles is extracted and drafted: the
real `aggregator run` against a loopback site serving 4,000 article pages."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from aggregator.config import Config
from tests.helpers.logged_service import LoggedService
from tests.loopback import Loopback, Reply

BACKLOG = 4_000
"""Twice the issue's 2,000: drafting ran at 17 stubs/s beside another test (1,007 stubs drafted
when the probe fell due, a minute in), so a quiet machine can finish 2,000 first."""
TICK = 2
JITTER = max(1, TICK // 10)  # the tick job's jitter (aggregator.service.jobs)
LATE = TICK + JITTER + 2.0
"""How late after its due time a fetch may start and be saved: one tick and its jitter, and
two seconds for the fetch itself on a loaded machine. Before, it waited for the backlog."""
VOCABULARY = (
    "council budget river harbour election minister school vaccine market energy wind solar "
    "court appeal festival museum drought rainfall bridge railway strike union farmers wheat "
    "export tariff hospital nurses bank rates inflation housing rents mayor police protest "
    "library orchestra theatre airport runway ferry storm coast fishing quota forest fire"
)
WORDS = VOCABULARY.split()


def article_page(number: int, rng: random.Random) -> bytes:
    title = " ".join(rng.sample(WORDS, 5)).capitalize() + f" ({number})"
    paragraphs = "".join(
        "<p>"
        + " ".join(
            " ".join(rng.sample(WORDS, rng.randint(8, 14))).capitalize() + "."
            for _ in range(rng.randint(3, 5))
        )
        + "</p>"
        for _ in range(4)
    )
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def feed(site: Loopback, name: str, paths: list[str]) -> dict[str, Any]:
    items = "".join(
        f"<item><guid>{name}:{p}</guid><title>{p}</title><link>{site.url(p)}</link></item>"
        for p in paths
    )
    site.route(
        f"/{name}.xml",
        Reply(
            headers={"Content-Type": "application/rss+xml"},
            body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
            f"{items}</channel></rss>".encode(),
        ),
    )
    return {"name": name, "url": site.url(f"/{name}.xml")}


def at(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


@pytest.mark.slow
def test_a_feed_falling_due_during_a_backlog_is_fetched_within_a_tick(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    rng = random.Random(7)
    for number in range(BACKLOG):
        site.route(f"/a/{number}", Reply(body=article_page(number, rng)))
    backlog = feed(site, "backlog", [f"/a/{n}" for n in range(BACKLOG)])
    site.route("/probe/1", Reply(body=article_page(BACKLOG, rng)))
    probe = {**feed(site, "probe", ["/probe/1"]), "interval": 1}  # due a minute after a fetch
    config = make_config(
        [backlog, probe],
        tick_seconds=TICK,
        min_interval=1,
        backfill_items=BACKLOG,  # every item of the first fetch gets its article and stub
        per_host_connections=16,
        parse_workers=2,
    )
    service = LoggedService(config)
    try:
        service.wait(lambda: len(service.named("feed.refreshed")) == 2, 60, "first fetches")
        first = service.named("feed.refreshed", feed="probe")[0]
        assert service.named("feed.refreshed", feed="backlog")[0]["new"] == BACKLOG
        due = at(first["next_check"])
        service.wait(
            lambda: len(service.named("feed.refreshed", feed="probe")) == 2,
            150,
            "second probe fetch",
        )
        fetched = at(service.named("feed.refreshed", feed="probe")[1]["timestamp"])
        drafted_by_then = [
            e for e in service.named("stub.drafted") if at(e["timestamp"]) <= fetched
        ]
        # The backlog was being worked when the probe fell due, and still is.
        service.wait(
            lambda: len(service.named("stub.drafted")) > len(drafted_by_then),
            30,
            "stub drafted after the probe's fetch",
        )
        code, _ = service.stop()
    finally:
        service.kill()
    assert code == 0
    assert 0 <= fetched - due <= LATE, f"fetched {fetched - due:.1f} s after its due time"
    assert drafted_by_then, "drafting had begun before the probe fell due"
    assert len(drafted_by_then) < BACKLOG
    stub_items = [e["item"] for e in service.named("stub.drafted")]
    assert len(stub_items) == len(set(stub_items)), "no stub was drafted twice"
