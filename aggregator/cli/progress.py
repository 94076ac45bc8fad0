"""`fetch`'s progress over the whole job: feeds, extraction and drafting, each its own count."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

STAGES = ("feeds", "extraction", "drafting")


@dataclass
class StageCount:
    done: int = 0
    total: int = 0
    started: float | None = None
    seconds: float = 0.0


def progress_line(counts: Mapping[str, StageCount], stage: str, elapsed: float) -> str:
    """One line for a pipe: the stage under way first, then the stages before it."""
    shown = [stage] + [s for s in STAGES if s != stage and counts[s].started is not None]
    parts = [f"{s} {counts[s].done}/{counts[s].total}" for s in shown]
    return f"progress: {', '.join(parts)} ({elapsed:.0f} s)"


class JobProgress:
    """`fetch`'s progress over its three stages, each with its own counts: rich bars on a
    terminal; else (piped, or JSON logs) one line every `every` seconds, as text or as a
    JSON object. It also keeps each stage's time for the summary."""

    def __init__(self, stream: TextIO, *, every: float, json_lines: bool) -> None:
        self.stream = stream
        self.every = every
        self.json_lines = json_lines
        self.counts = {stage: StageCount() for stage in STAGES}
        self.stage = STAGES[0]
        self.began = time.perf_counter()
        self.bars: Any = None
        self.tasks: dict[str, Any] = {}

    @property
    def live(self) -> bool:
        return self.stream.isatty() and not self.json_lines

    def start(self, stage: str, total: int) -> None:
        self.finish()
        self.stage = stage
        count = self.counts[stage]
        count.total, count.started = total, time.perf_counter()
        if self.live and total > 0:
            self._bar(stage, total)

    def advance(self, stage: str, label: str | None = None) -> None:
        count = self.counts[stage]
        count.done += 1
        count.total = max(count.total, count.done)
        if stage in self.tasks:
            description = f"{stage}: {label[:30]}" if label else stage
            self.bars.update(
                self.tasks[stage], completed=count.done, total=count.total, description=description
            )

    def finish(self) -> None:
        """The stage under way is over: its time is kept."""
        count = self.counts[self.stage]
        if count.started is not None and not count.seconds:
            count.seconds = time.perf_counter() - count.started

    def seconds(self) -> dict[str, float]:
        """Each stage's time so far (0 for one not started)."""
        now = time.perf_counter()
        return {
            stage: round(c.seconds or (now - c.started if c.started is not None else 0.0), 3)
            for stage, c in self.counts.items()
        }

    def line(self) -> None:
        """The periodic line (when there are no bars)."""
        if self.live:
            return
        elapsed = time.perf_counter() - self.began
        if self.json_lines:
            count = self.counts[self.stage]
            record = {
                "event": "fetch.progress",
                "level": "info",
                "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "stage": self.stage,
                "done": count.done,
                "total": count.total,
                "seconds": round(elapsed, 1),
                **{f"{s}_done": self.counts[s].done for s in STAGES if s != self.stage},
            }
            text = json.dumps(record)
        else:
            text = progress_line(self.counts, self.stage, elapsed)
        self.stream.write(text + "\n")
        self.stream.flush()

    async def every_interval(self) -> None:
        """Write the periodic line every `every` seconds until cancelled."""
        while True:
            await asyncio.sleep(self.every)
            self.line()

    def _bar(self, stage: str, total: int) -> None:
        if self.bars is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bars = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self.bars.start()
        self.tasks[stage] = self.bars.add_task(stage, total=total)

    def stop(self) -> None:
        self.finish()
        if self.bars is not None:
            self.bars.stop()


@contextmanager
def job_progress(stream: TextIO, *, every: float, json_lines: bool) -> Iterator[JobProgress]:
    shown = JobProgress(stream, every=every, json_lines=json_lines)
    try:
        yield shown
    finally:
        shown.stop()
