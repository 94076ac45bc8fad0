"""The `[workers]` table: defaults, and errors that name the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import load_config
from aggregator.errors import ConfigError
from aggregator.workers.settings import WorkerSettings
from tests.conftest import write_config


def test_defaults_and_values(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path / "a.toml", [])).workers == WorkerSettings()
    extra = "[workers]\nconcurrency = 4\nheartbeat_seconds = 2\nin_service = true\n"
    workers = load_config(write_config(tmp_path / "b.toml", [], extra=extra)).workers
    assert (workers.concurrency, workers.heartbeat_seconds, workers.in_service) == (4, 2.0, True)
    assert isinstance(workers.heartbeat_seconds, float)
    assert (workers.lanes, workers.feeds_per_task) == (64, 16)
    extra = "[workers]\nlanes = 256\nfeeds_per_task = 4\n"
    workers = load_config(write_config(tmp_path / "c.toml", [], extra=extra)).workers
    assert (workers.lanes, workers.feeds_per_task) == (256, 4)


@pytest.mark.parametrize(
    ("table", "where", "says"),
    [
        ("concurrency = 0", "[workers].concurrency", "between 1 and 512"),
        ("lanes = 0", "[workers].lanes", "between 1 and 65536"),
        ("feeds_per_task = 1001", "[workers].feeds_per_task", "between 1 and 1000"),
        ("lanes = 2.5", "[workers].lanes", "between 1 and 65536"),
        ("in_service = 1", "[workers].in_service", "true or false"),
        ("queues = []", "[workers].queues", "unknown key"),
        ("heartbeat_seconds = 30", "[workers].stalled_seconds", "longer than heartbeat"),
    ],
)
def test_errors(tmp_path: Path, table: str, where: str, says: str) -> None:
    path = write_config(tmp_path / "bad.toml", [], extra=f"[workers]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert where in message
    assert says in message
