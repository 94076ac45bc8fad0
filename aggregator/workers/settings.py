"""The `[workers]` table of `config/feeds.toml`: how `aggregator worker` processes behave.

Workers need PostgreSQL (`[settings].database_url = "postgresql://..."`); with the embedded SQLite
default the service does all the work in one process and this table is not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator.config_reader import TableReader


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    concurrency: int = 16
    """Tasks one worker runs at once (they wait on the network, not the CPU)."""
    enqueue_seconds: int = 10
    """How often due feeds, articles and stubs are looked for and queued."""
    heartbeat_seconds: float = 10.0
    """How often a worker tells the others it is alive."""
    stalled_seconds: float = 30.0
    """A worker silent this long is taken for dead; its running tasks are queued again."""
    drain_seconds: float = 30.0
    """On SIGTERM, how long running tasks get to finish before they are cancelled."""
    poll_seconds: float = 1.0
    """Longest wait before looking for tasks again: a task waiting for a lane lock is not
    announced when the lock is released."""
    lanes: int = 64
    """Groups the hosts are hashed into (`lane_of`). A refresh task carries due feeds of one
    lane and holds its lock: at most this many refresh tasks run at once, cluster-wide; more
    lanes, fewer hosts waiting on each other's, fewer feeds to a task."""
    feeds_per_task: int = 16
    """Most feeds one refresh task carries (of one lane, fetched host by host concurrently)."""
    in_service: bool = False
    """`aggregator run` on PostgreSQL also runs a worker, in the same process."""
    metrics_listen: str = ""
    """"host:port" where `aggregator worker` serves its own `/metrics` (its refreshes,
    extractions and drafts); empty: not served. One port per worker on a host."""


_NUMBERS: dict[str, tuple[float, float, bool]] = {
    "concurrency": (1, 512, True),
    "enqueue_seconds": (1, 3600, True),
    "heartbeat_seconds": (0.1, 600, False),
    "stalled_seconds": (0.5, 86_400, False),
    "drain_seconds": (0, 3600, False),
    "poll_seconds": (0.05, 600, False),
    "lanes": (1, 65_536, True),
    "feeds_per_task": (1, 1000, True),
}


def parse_workers(table: Mapping[str, Any], path: Path) -> WorkerSettings:
    r = TableReader(table, path, "[workers]")
    r.check_keys(set(_NUMBERS) | {"in_service", "metrics_listen"})
    values = r.numbers(_NUMBERS)
    in_service = r.get("in_service", bool, "true or false")
    if in_service is not None:
        values["in_service"] = in_service
    listen = r.get("metrics_listen", str, '"host:port", such as "127.0.0.1:9101"')
    if listen:
        port = listen.rpartition(":")[2]
        if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
            raise r.fail("metrics_listen", '"host:port", such as "127.0.0.1:9101"')
        values["metrics_listen"] = listen
    settings = WorkerSettings(**values)
    if settings.stalled_seconds <= settings.heartbeat_seconds:
        raise r.fail(
            "stalled_seconds",
            f"must be longer than heartbeat_seconds ({settings.heartbeat_seconds:g}), or live "
            "workers are taken for dead; three heartbeats is a good margin",
        )
    return settings
