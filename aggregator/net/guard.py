"""A network backend for httpcore that only connects to addresses we allow.

The host name is resolved here, each answer is checked with `addresses.is_allowed`, and the
connection is opened to the checked address itself, so there is no second lookup for a DNS
rebinding attack to race. TLS still verifies the certificate against the original host name,
because httpcore passes the URL's host, not ours, to `start_tls`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from aggregator.errors import BlockedAddress
from aggregator.net.addresses import Network, is_allowed
from aggregator.net.pool import ConnectionPool


class _Stream(httpcore.AsyncNetworkStream):
    """Delegates to the anyio stream, answering the pool's frequent "is_readable" cheaply.

    httpcore asks every idle connection whether its socket is readable each time it assigns a
    request; anyio answers by building a dict of all socket attributes (with a getpeername
    call) every time. Here the answer is one poll on a poll object made once.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self.poller: Any = None
        sock = inner.get_extra_info("socket")
        if sock is not None and hasattr(select, "poll"):
            self.poller = select.poll()
            self.poller.register(sock.fileno(), select.POLLIN)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self.inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self.poller is not None:
            return bool(self.poller.poll(0))
        return self.inner.get_extra_info(info)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, allow: tuple[Network, ...] | bool) -> None:
        self.allow = allow
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            answers = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        refused: list[str] = []
        failure: Exception | None = None
        for _family, _type, _proto, _name, sockaddr in answers:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if not is_allowed(address, self.allow):
                refused.append(str(address))
                continue
            try:
                stream = await self.inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if peer is not None and not is_allowed(ipaddress.ip_address(peer[0]), self.allow):
                await stream.aclose()
                raise BlockedAddress(f"{host} connected to {peer[0]}, which is not allowed")
            return _Stream(stream)
        if failure is not None:
            raise failure
        raise BlockedAddress(
            f"{host} resolves to {', '.join(dict.fromkeys(refused))}: a private, loopback or "
            "reserved address (see [settings].allow_private_networks)"
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def guarded_transport(
    allow: tuple[Network, ...] | bool, connections: int
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connection pool uses `GuardedBackend`.

    httpx does not take a network backend as an argument, so the pool it builds is replaced by
    an equivalent one that does; tests over loopback servers pin this behaviour.
    """
    transport = httpx.AsyncHTTPTransport(retries=0, http1=True, http2=False, trust_env=False)
    transport._pool = ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=connections,
        max_keepalive_connections=connections,
        keepalive_expiry=30.0,
        http1=True,
        http2=False,
        retries=0,
        network_backend=GuardedBackend(allow),
    )
    return transport
