"""`aggregator run` in a process of its own, for tests that need the real service."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from aggregator.config import Config

RUN = ("--log-format", "json", "run")


@contextmanager
def running_service(config: Config, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """`aggregator run` on `config` until the block ends; yields the URL its start-up line
    gives. SIGTERM ends it, and it must exit 0."""
    with subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--config", str(config.path), *RUN],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})},
    ) as process:
        try:
            assert process.stderr is not None
            url = None
            for line in process.stderr:
                event = json.loads(line) if line.startswith("{") else {}
                if event.get("event") == "service.started":
                    url = str(event["url"])
                    break
            assert url is not None, "the service did not start"
            yield url
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=40)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0
