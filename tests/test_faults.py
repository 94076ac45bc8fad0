"""Named crash points (`faults.py`): a process dies by SIGKILL exactly at the point named in
`AGGREGATOR_CRASH_AT`, read at each call, and runs on at every other point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from aggregator.faults import CRASH_ENV, crash_point

SCRIPT = """
from aggregator.faults import crash_point
print("before", flush=True)
crash_point("refresh.after_fetch")
print("between", flush=True)
crash_point("refresh.after_commit")
print("after", flush=True)
"""


def run(crash_at: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_the_variable_every_point_is_passed() -> None:
    done = run(None)
    assert (done.returncode, done.stdout.split()) == (0, ["before", "between", "after"])


def test_the_named_point_kills_the_process_with_sigkill() -> None:
    done = run("refresh.after_commit")
    assert done.returncode == -signal.SIGKILL
    assert done.stdout.split() == ["before", "between"]


def test_another_name_kills_nothing() -> None:
    assert run("draft.in_transaction").returncode == 0


def test_the_variable_is_read_at_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CRASH_ENV, "not.this.one")
    crash_point("refresh.after_fetch")  # still alive
    monkeypatch.delenv(CRASH_ENV)
    crash_point("refresh.after_fetch")
