"""Named crash points: a test hook that kills the process at a chosen step of the write path.

Crash safety is a claim about what survives a process dying between two steps, so the tests
must be able to make it die exactly there. Each step that writes calls `crash_point(name)`;
when the environment variable `AGGREGATOR_CRASH_AT` holds that name, the process sends itself
SIGKILL: no cleanup, no `finally`, no flush, as with the OOM killer or a power cut of the
process. The variable is read at each call, never at import, and costs one dict lookup when it
is unset. Nothing else reads it; production never sets it.

The points: `refresh.after_fetch`, `refresh.in_transaction`, `refresh.after_commit`,
`extract.after_fetch`, `extract.in_transaction`, `draft.in_transaction`, `draft.after_commit`.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "AGGREGATOR_CRASH_AT"


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL when `AGGREGATOR_CRASH_AT` equals `name`."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
