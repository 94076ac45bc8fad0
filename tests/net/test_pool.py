"""Connection reuse: keep-alive where the server allows it, never a connection it closed."""

from __future__ import annotations

import asyncio

from aggregator.net.client import HttpClient
from tests.helpers.net import settings
from tests.loopback import Loopback, Reply


def test_sequential_requests_reuse_one_connection(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x"))
    site.route("/nm", Reply(304))

    async def go() -> None:
        async with HttpClient(settings()) as client:
            for path in ("/f", "/nm", "/f", "/nm"):
                await client.get(site.url(path))

    asyncio.run(go())
    assert len(site.connections) == 1


def test_a_connection_the_server_closed_is_never_reused(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x", hang_up=True))

    async def go() -> list[bytes]:
        async with HttpClient(settings()) as client:
            bodies = []
            for _ in range(5):
                bodies.append((await client.get(site.url("/f"))).body)
                await asyncio.sleep(0.05)
            return bodies

    assert asyncio.run(go()) == [b"x"] * 5
    assert len(site.connections) == 5


def test_many_concurrent_requests_complete_with_a_small_pool(site: Loopback) -> None:
    site.route("/f", Reply(body=b"x", delay=0.01))

    async def go() -> int:
        async with HttpClient(settings(max_connections=3, per_host_connections=3)) as client:
            results = await asyncio.gather(*(client.get(site.url("/f")) for _ in range(60)))
            return sum(1 for r in results if r.body == b"x")

    assert asyncio.run(go()) == 60
    assert site.max_active <= 3
    assert len(site.connections) <= 6
