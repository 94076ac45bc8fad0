"""The CLI in a process of its own, as an operator runs it, and a news site for it to fetch."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from aggregator.config import Config
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply


def aggregator(
    *args: str, config: Path | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    env.pop("AGGREGATOR_CONFIG", None)
    if config is not None:
        env["AGGREGATOR_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "aggregator", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


PAGE = (
    "<html><body><article><h1>Harbour</h1>"
    + "<p>The harbour reopened on Monday after three weeks of repairs to the sea wall.</p>" * 6
    + "</article></body></html>"
).encode()


def command(
    *args: str, config: Path, pythonpath: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error", "AGGREGATOR_CONFIG": str(config)}
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "aggregator", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def news_site(site: Loopback, make_config: Callable[..., Config]) -> Config:
    site.route("/feed", Reply(body=rss([("urn:a", "Harbour"), ("urn:b", "Wall")])))
    for guid in ("urn:a", "urn:b"):
        site.route(f"/item/{guid}", Reply(body=PAGE, headers={"Content-Type": "text/html"}))
    return make_config([{"name": "news", "url": site.url("/feed")}])
