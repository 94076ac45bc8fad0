"""The network backend that connects only to allowed addresses (`net/guard.py`), against a
loopback server: loopback refused unless allowed, the checked address itself connected to,
no unix sockets, and an httpx transport that uses it."""

from __future__ import annotations

import asyncio
import ipaddress

import httpcore
import httpx
import pytest

from aggregator.errors import BlockedAddress
from aggregator.net.guard import GuardedBackend, guarded_transport
from tests.loopback import Loopback, Reply

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)
ELSEWHERE = (ipaddress.ip_network("10.0.0.0/8"),)


def connect(allow: tuple[ipaddress.IPv4Network, ...] | bool, host: str, port: int) -> str:
    async def go() -> str:
        stream = await GuardedBackend(allow).connect_tcp(host, port, timeout=5)
        try:
            peer = stream.get_extra_info("server_addr")
            return str(peer[0])
        finally:
            await stream.aclose()

    return asyncio.run(go())


def test_an_allowed_network_is_connected_to(site: Loopback) -> None:
    assert connect(LOOPBACK, "127.0.0.1", site.port) == "127.0.0.1"
    assert connect(LOOPBACK, "localhost", site.port) == "127.0.0.1"


@pytest.mark.parametrize("allow", [ELSEWHERE, ()], ids=["other-network", "none"])
def test_loopback_is_refused_unless_allowed(
    site: Loopback, allow: tuple[ipaddress.IPv4Network, ...]
) -> None:
    with pytest.raises(BlockedAddress, match=r"resolves to 127\.0\.0\.1.*allow_private_networks"):
        connect(allow, "127.0.0.1", site.port)


def test_an_unresolvable_name_is_a_connect_error() -> None:
    with pytest.raises(httpcore.ConnectError, match="cannot resolve"):
        connect(LOOPBACK, "no-such-host.invalid", 80)


def test_a_refused_connection_to_an_allowed_address_is_reported_as_such(site: Loopback) -> None:
    port = site.port
    site.stop()
    with pytest.raises(httpcore.ConnectError):
        connect(LOOPBACK, "127.0.0.1", port)


def test_unix_sockets_are_never_opened() -> None:
    async def go() -> None:
        await GuardedBackend(True).connect_unix_socket("/run/docker.sock")

    with pytest.raises(BlockedAddress, match="unix sockets"):
        asyncio.run(go())


def test_the_transport_fetches_through_the_guard(site: Loopback) -> None:
    site.route("/page", Reply(body=b"hello"))

    async def get(allow: tuple[ipaddress.IPv4Network, ...]) -> httpx.Response:
        async with httpx.AsyncClient(transport=guarded_transport(allow, 2)) as client:
            return await client.get(site.url("/page"))

    assert asyncio.run(get(LOOPBACK)).content == b"hello"
    with pytest.raises(BlockedAddress):
        asyncio.run(get(ELSEWHERE))
    assert len(site.hits("/page")) == 1
