"""Counters of the work done, exposed through `prometheus_client` (text format 0.0.4).

Each `Metrics` has its own registry (never the library's global one), so two apps in one
process, or two tests, do not share counters. Counters live in the process and restart at zero,
as Prometheus expects: the service's at `/metrics` of the web desk, a worker's on its own port
(`[workers].metrics_listen`). The numbers that are state (stubs by state, articles by state,
feeds, the workers' queue) are read from the store when `/metrics` is scraped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Summary,
    disable_created_metrics,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

Label = TypeVar("Label", bound=str)
"""A label value: a string, or a closed set's StrEnum (`ExtractionMethod`, `DraftOutcome`)."""

RETRY_LABEL = "retry"
"""The extractions' `method` label of the articles that wait for another try."""


class Metrics:
    """The service's (or a worker's) counters, in a registry of their own."""

    def __init__(self) -> None:
        # No `_created` series (a process-wide switch): the series scraped stay as they were.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.fetches = Counter(
            "aggregator_fetches", "Feed refreshes by outcome.", ["outcome"], registry=r
        )
        self.items = Counter(
            "aggregator_items", "Items stored, new or changed.", ["kind"], registry=r
        )
        self.extractions = Counter(
            "aggregator_extractions", "Articles extracted, by method.", ["method"], registry=r
        )
        self.drafts = Counter(
            "aggregator_drafts", "Stubs drafted, by outcome.", ["outcome"], registry=r
        )
        self.ticks = Summary(
            "aggregator_tick_seconds", "Duration of the service's ticks.", registry=r
        )
        self.last_tick = Gauge(
            "aggregator_last_tick_seconds", "Duration of the last tick.", registry=r
        )

    def count(
        self, counter: Counter, values: Mapping[Label, int] | Iterable[tuple[Label, int]]
    ) -> None:
        """Adds `values` (label value -> how many) to a labelled counter; zeros are skipped."""
        for label, n in values.items() if isinstance(values, Mapping) else values:
            if n:
                counter.labels(label).inc(n)

    def record_refreshes(self, outcomes: Mapping[str, int], new: int, changed: int) -> None:
        self.count(self.fetches, outcomes)
        self.count(self.items, {"new": new, "changed": changed})

    def record_tick(self, seconds: float) -> None:
        self.ticks.observe(seconds)
        self.last_tick.set(seconds)

    def render(self, state: Mapping[str, Mapping[str, int]]) -> str:
        """The exposition text: the counters, then the gauges `state` holds (read from the
        store, by metric name)."""
        gauges = CollectorRegistry(auto_describe=False)
        gauges.register(_StateCollector(state))
        return (generate_latest(self.registry) + generate_latest(gauges)).decode("utf-8")

    def serve(self, listen: str) -> MetricsServer:
        """Serves this registry at `http://<listen>/metrics` from a thread of its own."""
        host, _, port = listen.rpartition(":")
        server, thread = start_http_server(int(port), host or "127.0.0.1", registry=self.registry)
        return MetricsServer(server, thread)


@dataclass(frozen=True, slots=True)
class MetricsServer:
    """A worker's metrics endpoint; `close()` stops it."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class _StateCollector(Collector):
    def __init__(self, state: Mapping[str, Mapping[str, int]]) -> None:
        self.state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, (help_text, label, values) in _gauges(self.state).items():
            family = GaugeMetricFamily(name, help_text, labels=[label])
            for key, value in sorted(values.items()):
                family.add_metric([key], value)
            yield family


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
