"""`aggregator --log-format json run` in a subprocess, its log events read as they come."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from aggregator.config import Config

RUN_JSON = ("--log-format", "json", "run")


class LoggedService:
    def __init__(self, config: Config) -> None:
        self.events: list[dict[str, Any]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "--config", str(config.path), *RUN_JSON],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "error"},
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if line.startswith("{"):
                self.events.append(json.loads(line))

    def named(self, event: str, **fields: Any) -> list[dict[str, Any]]:
        """The `event`s logged so far, with these field values."""
        return [
            e
            for e in list(self.events)
            if e["event"] == event and all(e.get(k) == v for k, v in fields.items())
        ]

    def after(self, first: str, event: str) -> list[dict[str, Any]]:
        """The `event`s logged after the first `first` event."""
        seen = False
        found = []
        for e in list(self.events):
            seen = seen or e["event"] == first
            if seen and e["event"] == event:
                found.append(e)
        return found

    def wait(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"the service ended while waiting for {what}"
            assert time.monotonic() < deadline, f"no {what} in {timeout:.0f} s"
            time.sleep(0.1)

    def stop(self, timeout: float = 60) -> tuple[int, float]:
        """SIGTERM; the exit code and the seconds until the process exited."""
        signalled = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
            return code, time.monotonic() - signalled
        finally:
            self.reader.join(timeout=5)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        assert self.process.stderr is not None
        self.process.stderr.close()
