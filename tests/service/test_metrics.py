"""The service's counters through prometheus_client, each `Metrics` in a registry of its own."""

from __future__ import annotations

import urllib.request
from collections import Counter

from aggregator.records import DraftOutcome, ExtractionMethod
from aggregator.service.metrics import RETRY_LABEL, Metrics


def test_two_metrics_do_not_share_counters() -> None:
    one, two = Metrics(), Metrics()
    one.record_refreshes({"ok": 2, "error": 1}, new=5, changed=0)
    one.record_tick(0.25)
    text = one.render({"stubs": {"draft": 4}})
    assert 'aggregator_fetches_total{outcome="ok"} 2.0' in text
    assert 'aggregator_fetches_total{outcome="error"} 1.0' in text
    assert 'aggregator_items_total{kind="new"} 5.0' in text
    assert 'kind="changed"' not in text  # nothing counted, no series
    assert "aggregator_tick_seconds_count 1.0" in text
    assert "aggregator_last_tick_seconds 0.25" in text
    assert 'aggregator_stubs{state="draft"} 4.0' in text
    assert "# TYPE aggregator_tasks_waiting gauge" not in text
    assert "aggregator_fetches_total{" not in two.render({})


def test_state_gauges_escape_their_labels() -> None:
    text = Metrics().render({"feeds": {'a "b"\\c': 1}, "tasks_waiting": {"refresh_feed": 3}})
    assert 'aggregator_feeds{status="a \\"b\\"\\\\c"} 1.0' in text
    assert 'aggregator_tasks_waiting{task="refresh_feed"} 3.0' in text


def test_a_worker_registry_is_served_over_http() -> None:
    metrics = Metrics()
    metrics.count(metrics.drafts, {"drafted": 2})
    server = metrics.serve("127.0.0.1:0")
    try:
        url = f"http://127.0.0.1:{server.port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode("utf-8")
    finally:
        server.close()
    assert 'aggregator_drafts_total{outcome="drafted"} 2.0' in text


def test_closed_sets_count_under_their_stored_names() -> None:
    metrics = Metrics()
    metrics.count(metrics.extractions, Counter({ExtractionMethod.GENERIC: 2}))
    metrics.count(metrics.extractions, {RETRY_LABEL: 1})
    metrics.count(metrics.drafts, {DraftOutcome.PENDING: 1})
    text = metrics.render({})
    assert 'aggregator_extractions_total{method="generic"} 2.0' in text
    assert 'aggregator_extractions_total{method="retry"} 1.0' in text
    assert 'aggregator_drafts_total{outcome="pending"} 1.0' in text
