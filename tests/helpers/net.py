"""An HTTP client with the tests' settings: loopback allowed, no gap between requests."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Coroutine
from typing import Any, TypeVar

from aggregator.net.client import ClientSettings, HttpClient, HttpResponse

T = TypeVar("T")
LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)


def settings(**overrides: Any) -> ClientSettings:
    base: dict[str, Any] = {
        "contact_url": "https://example.org/contact",
        "allow_private_networks": LOOPBACK_ONLY,
        "per_host_connections": 4,
        "per_host_gap": 0.0,
        "deadline": 5.0,
    }
    return ClientSettings(**{**base, **overrides})


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def get(url: str, headers: dict[str, str] | None = None, **overrides: Any) -> HttpResponse:
    async with HttpClient(settings(**overrides)) as client:
        return await client.get(url, headers)
