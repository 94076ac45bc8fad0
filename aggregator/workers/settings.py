"""The `[workers]` table of `config/feeds.toml`: how `aggregator worker` processes behave.

Workers need PostgreSQL (`[settings].database_url = "postgresql://..."`); with the embedded SQLite
default the service does all the work in one process and this table is not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator.config_fields import key_names, read_plain, setting
from aggregator.config_reader import TableReader


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """The `[workers]` table; each key's range and meaning are defined here once."""

    concurrency: int = setting(
        16,
        1,
        512,
        help="tasks one worker runs at once (they wait on the network, not the CPU)",
    )
    enqueue_seconds: int = setting(10, 1, 3600, help="how often due work is looked for and queued")
    heartbeat_seconds: float = setting(
        10.0, 0.1, 600, help="how often a worker tells the others it is alive"
    )
    stalled_seconds: float = setting(
        30.0,
        0.5,
        86_400,
        help="a worker silent this long is taken for dead; its running tasks are queued again "
        "(longer than `heartbeat_seconds`)",
    )
    drain_seconds: float = setting(
        30.0, 0, 3600, help="on SIGTERM, how long running tasks get to finish"
    )
    poll_seconds: float = setting(
        1.0,
        0.05,
        600,
        help="longest wait before looking for tasks again (a task waiting for a lane lock is "
        "not announced when the lock is released)",
    )
    lanes: int = setting(
        64,
        1,
        65_536,
        help="hosts are hashed into this many lanes (`lane_of`); one refresh task of a lane "
        "runs at a time, cluster-wide (keep it a few times the workers' total `concurrency`)",
    )
    feeds_per_task: int = setting(
        16,
        1,
        1000,
        help="most feeds one refresh task carries (of one lane, fetched host by host concurrently)",
    )
    in_service: bool = setting(
        False, help="`aggregator run` on PostgreSQL also runs a worker, in the same process"
    )
    metrics_listen: str = setting(
        "",
        help='`"host:port"` where `aggregator worker` serves its own `/metrics` (its '
        "refreshes, extractions and drafts; one port per worker on a host)",
        shown='`""` (off)',
        allowed='`"host:port"` or `""`',
    )


def parse_workers(table: Mapping[str, Any], path: Path) -> WorkerSettings:
    r = TableReader(table, path, "[workers]")
    r.check_keys(key_names(WorkerSettings))
    values = read_plain(WorkerSettings, r)
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
