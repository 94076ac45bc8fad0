"""A service's feeds and ports, and waiting for what it does in another thread or process."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from aggregator.config import Config
from aggregator.storage.store import Store
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def feeds_on(site: Loopback, count: int) -> list[dict[str, Any]]:
    for i in range(count):
        site.route(f"/f{i}", Reply(body=rss([(f"urn:{i}:{j}", f"Item {j}") for j in range(3)])))
    return [{"name": f"f{i}", "url": site.url(f"/f{i}")} for i in range(count)]


def item_count(config: Config) -> int:
    store = Store.open(config.settings.database_url)
    try:
        return sum(row.items for row in store.feed_rows())
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
