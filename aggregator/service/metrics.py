"""Counters of the work done, in the Prometheus text format (version 0.0.4).

Counters live in the process (they restart at zero, as Prometheus expects); the numbers that
are state (stubs by state, articles by state, feeds) are read from the store when scraped.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class Metrics:
    fetches: Counter[str] = field(default_factory=Counter)
    """Feed refreshes by outcome ("ok", "not_modified", "error", ...)."""
    items: Counter[str] = field(default_factory=Counter)
    """Items stored: "new" and "changed"."""
    extractions: Counter[str] = field(default_factory=Counter)
    """Articles extracted by method, and "retry"."""
    drafts: Counter[str] = field(default_factory=Counter)
    ticks: int = 0
    tick_seconds_sum: float = 0.0
    last_tick_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record_tick(self, seconds: float) -> None:
        with self._lock:
            self.ticks += 1
            self.tick_seconds_sum += seconds
            self.last_tick_seconds = seconds

    def render(self, state: Mapping[str, Mapping[str, int]]) -> str:
        """The exposition text; `state` holds gauges read from the store, by metric name."""
        lines: list[str] = []
        _counter(
            lines, "aggregator_fetches_total", "Feed refreshes by outcome.", "outcome", self.fetches
        )
        _counter(
            lines, "aggregator_items_total", "Items stored, new or changed.", "kind", self.items
        )
        _counter(
            lines,
            "aggregator_extractions_total",
            "Articles extracted, by method.",
            "method",
            self.extractions,
        )
        _counter(
            lines, "aggregator_drafts_total", "Stubs drafted, by outcome.", "outcome", self.drafts
        )
        lines += [
            "# HELP aggregator_tick_seconds Duration of the service's ticks.",
            "# TYPE aggregator_tick_seconds summary",
            f"aggregator_tick_seconds_sum {self.tick_seconds_sum:.6f}",
            f"aggregator_tick_seconds_count {self.ticks}",
            "# HELP aggregator_last_tick_seconds Duration of the last tick.",
            "# TYPE aggregator_last_tick_seconds gauge",
            f"aggregator_last_tick_seconds {self.last_tick_seconds:.6f}",
        ]
        for name, (help_text, label, values) in _gauges(state).items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
            lines += [f'{name}{{{label}="{_escape(k)}"}} {v}' for k, v in sorted(values.items())]
        return "\n".join(lines) + "\n"


def _gauges(
    state: Mapping[str, Mapping[str, int]],
) -> dict[str, tuple[str, str, Mapping[str, int]]]:
    return {
        "aggregator_stubs": ("Stubs by editorial state.", "state", state.get("stubs", {})),
        "aggregator_stub_work": ("Stubs by drafting work.", "work", state.get("stub_work", {})),
        "aggregator_articles": (
            "Articles by extraction state.",
            "state",
            state.get("articles", {}),
        ),
        "aggregator_feeds": ("Feeds by last status.", "status", state.get("feeds", {})),
        **{
            f"aggregator_tasks_{name}": (
                f"Workers' tasks {name}, by kind (PostgreSQL).",
                "task",
                state[f"tasks_{name}"],
            )
            for name in ("waiting", "running", "failed")
            if f"tasks_{name}" in state
        },
    }


def _counter(
    lines: list[str],
    name: str,
    help_text: str,
    label: str,
    values: Iterable[tuple[str, int]] | Counter[str],
) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
    items = values.items() if isinstance(values, Counter) else values
    lines += [f'{name}{{{label}="{_escape(k)}"}} {v}' for k, v in sorted(items)]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
