"""A refresh task's feeds, fetched by a real refresher over SQLite from loopback hosts that
answer slowly: the hosts at once, one host's feeds in turn, a failing feed one report among
the others."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator

import pytest

from aggregator.app import App
from aggregator.config import Config
from aggregator.records import FeedToFetch, Outcome
from aggregator.workers.refresh_batch import by_host, refresh_batch
from tests.workers.site import FeedSite

LATENCY = 0.2


@pytest.fixture
def farm() -> Iterator[FeedSite]:
    server = FeedSite(6, 2, items=1, latency=LATENCY).start()
    try:
        yield server
    finally:
        server.stop()


def test_feeds_are_grouped_by_host_in_the_order_given() -> None:
    feeds = [
        FeedToFetch(n, f"f{n}", f"http://{host}/{n}", 60)
        for n, host in enumerate(["a.example", "b.example", "a.example", "c.example:8080"])
    ]
    assert [[f.feed_id for f in group] for group in by_host(feeds)] == [[0, 2], [1], [3]]


def test_hosts_are_fetched_at_once_and_a_host_s_feeds_in_turn(
    farm: FeedSite, make_config: Callable[..., Config]
) -> None:
    """Two hosts, three feeds each, one of host 0's answering 500; the client would allow
    four requests to a host at once (the tests' `per_host_connections`)."""
    listed = [{"name": f"n{n}", "url": farm.feed_url(n)} for n in range(1, 6)]
    listed.append({"name": "n0", "url": farm.broken_url(0)})
    config = make_config(listed)

    async def scenario() -> list[str]:
        async with App(config) as app:
            feeds = await app.select_feeds()
            reports = await refresh_batch(app.refresher, feeds)
            return [f"{r.feed} {r.outcome.value}" for r in reports]

    reports = asyncio.run(scenario())
    assert sorted(reports) == [f"n0 {Outcome.ERROR.value}"] + [
        f"n{n} {Outcome.OK.value}" for n in range(1, 6)
    ]
    assert set(farm.most_in_flight.values()) == {1}, "one host's feeds in turn"
    zero, one = (
        [h for h in farm.hits if h.host == farm.host(n)] for n in range(2)
    )  # feed n is on host n % 2
    assert len(zero) == len(one) == 3
    overlapping = [
        (a, b) for a, b in itertools.product(zero, one) if a.start < b.end and b.start < a.end
    ]
    assert overlapping, "the two hosts' feeds were fetched at the same time"
