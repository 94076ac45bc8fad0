from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.web.conftest import Web


def test_healthz_says_the_database_answers(web: Web) -> None:
    response = web.client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_healthz_fails_when_the_database_is_gone(
    web: Web, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gone = sa.create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")
    monkeypatch.setattr(web.ctx.app.store, "engine", gone)
    response = web.client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"


def test_metrics_in_prometheus_text_format(web: Web) -> None:
    web.ctx.metrics.count(web.ctx.metrics.fetches, {"ok": 3})
    web.ctx.metrics.record_tick(1.5)
    response = web.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert 'aggregator_fetches_total{outcome="ok"} 3' in text
    assert "aggregator_tick_seconds_count 1" in text
    assert 'aggregator_stubs{state="draft"} 2' in text
    assert 'aggregator_articles{state="done"} 2' in text
    for line in text.splitlines():
        assert line.startswith("#") or line.split(" ")[-1].replace(".", "").isdigit()
