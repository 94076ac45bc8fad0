"""Service benchmark: a backlog of new articles, and a feed that falls due while it is worked.

A loopback site (in this process, 127.0.0.1 only) serves one feed of `--articles` items (2,000)
and a page for each, made from the 100 CNN/DailyMail articles of
`../shared/data/summaries/cnndm_train_sample_100.json` (read in place, never copied): every
page mixes runs of sentences from three of them, so the pages differ and only some are related.
A second feed, `probe`, has one item and an interval of one minute. `aggregator run` (the real
service, in its own process, on a fresh SQLite file) fetches both on its first tick, extracts
and drafts the backlog, and the probe falls due every minute meanwhile.

From the service's log events (`--log-format json`): when the backlog was extracted and drafted
(articles/s, stubs/s over the drafting span and over the whole run), and for every later fetch of
the probe how long after its due time (`next_check` of the fetch before) it came. CPU is user+sys
of the service's process tree, sampled from /proc (parser processes included): CPU / wall is
the cores used.

    .venv/bin/python bench/stages.py [--articles 2000] [--quick] [--tick 5] [--tree PATH]
        [--timeout 1800] [--json figures.json]

`--tree PATH` runs the service from another checkout (`git worktree add /tmp/before <commit>`),
to measure before and after in the same sitting; `--quick` is 300 articles.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cluster import TreeCpu

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "summaries" / "cnndm_train_sample_100.json"
BYLINE = re.compile(r"^(By \. .*?\. )?(PUBLISHED: \..*?\| \. UPDATED: \. .*?\d{4} \. )?")


def sentences_of(text: str) -> list[str]:
    text = BYLINE.sub("", text).replace(" . ", ". ")
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text) if len(s) > 30]


def make_pages(count: int, seed: int = 17) -> list[tuple[str, str]]:
    """(title, html) of `count` article pages, each three runs of sentences from three
    different source articles."""
    if not SOURCE.is_file():
        sys.exit(f"article source not found: {SOURCE} (expected ../shared/data/summaries)")
    sources = [sentences_of(a["article"]) for a in json.loads(SOURCE.read_text("utf-8"))]
    sources = [s for s in sources if len(s) >= 8]
    rng = random.Random(seed)
    pages = []
    for number in range(count):
        paragraphs = []
        for source in rng.sample(sources, 3):
            start = rng.randrange(len(source) - 4)
            paragraphs.append(" ".join(source[start : start + rng.randint(3, 5)]))
        title = f"{paragraphs[0].split('. ')[0][:90]} ({number})"
        body = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
        pages.append(
            (
                title,
                f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}"
                f"</title></head><body><nav><a href=/>Home</a></nav><article><h1>"
                f"{escape(title)}</h1>\n{body}</article><footer>(c) News</footer></body></html>",
            )
        )
    return pages


class Site:
    """/backlog.xml (every page an item), /probe.xml (one item), /a/N (page N)."""

    def __init__(self, pages: list[tuple[str, str]]) -> None:
        self.pages = pages
        self.requests: list[tuple[float, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self, name: str, count: int) -> bytes:
        when = format_datetime(datetime(2026, 12, 1, 12, 0).astimezone())
        items = "".join(
            f"<item><title>{escape(self.pages[n][0])}</title><link>{self.base}/a/{n}</link>"
            f"<guid>{name}-{n}</guid><pubDate>{when}</pubDate></item>"
            for n in range(count)
        )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{name}</title><link>{self.base}/</link>{items}</channel></rss>"
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append((time.time(), self.path))
                kind, body = "text/html; charset=utf-8", b""
                if self.path == "/backlog.xml":
                    kind, body = "application/rss+xml", site.feed("backlog", len(site.pages))
                elif self.path == "/probe.xml":
                    kind, body = "application/rss+xml", site.feed("probe", 1)
                elif self.path.startswith("/a/") and self.path[3:].isdigit():
                    body = site.pages[int(self.path[3:]) % len(site.pages)][1].encode()
                status = 200 if body else 404
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def write_config(folder: Path, site: Site, args: argparse.Namespace) -> Path:
    path = folder / "feeds.toml"
    path.write_text(
        f"""[settings]
database_url = "sqlite:///{folder / "var" / "bench.db"}"
contact_url = "https://example.org/contact"
allow_private_networks = ["127.0.0.1/32"]
per_host_connections = 16
per_host_gap = 0.0
jitter = 0.0
min_interval = 1
tick_seconds = {args.tick}
backfill_items = {args.articles}
listen = "127.0.0.1:0"

[[feeds]]
name = "backlog"
url = "{site.base}/backlog.xml"

[[feeds]]
name = "probe"
url = "{site.base}/probe.xml"
interval = 1
""",
        encoding="utf-8",
    )
    return path


def stamp(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(event["timestamp"]).replace("Z", "+00:00")).timestamp()


def run(args: argparse.Namespace) -> dict[str, Any]:
    site = Site(make_pages(args.articles))
    tree = Path(args.tree).resolve() if args.tree else REPO
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        folder = Path(tmp)
        (folder / "var").mkdir()
        config = write_config(folder, site, args)
        command = [sys.executable, "-m", "aggregator", "--config", str(config)]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        process = subprocess.Popen(
            [*command, "--log-format", "json", "run"],
            cwd=tree,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        cpu = TreeCpu()
        cpu.roots = [process.pid]
        cpu.start()
        started = time.time()
        events: list[dict[str, Any]] = []
        drafted = 0
        assert process.stderr is not None
        try:
            for line in process.stderr:
                if not line.startswith("{"):
                    continue
                event = json.loads(line)
                events.append(event)
                drafted += event["event"] == "stub.drafted"
                if drafted >= args.articles or time.time() - started > args.timeout:
                    break
        finally:
            wall = time.time() - started
            seconds = cpu.sample()
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=120)
            cpu.stop()
    return figures(events, site, args, wall, seconds)


def figures(
    events: list[dict[str, Any]], site: Site, args: argparse.Namespace, wall: float, cpu: float
) -> dict[str, Any]:
    def times(name: str) -> list[float]:
        return [stamp(e) for e in events if e["event"] == name]

    start = times("service.started")[0]
    extracted, drafted = times("article.extracted"), times("stub.drafted")
    probes = [e for e in events if e["event"] == "feed.refreshed" and e["feed"] == "probe"]
    late = []
    for before, after in itertools.pairwise(probes):
        if before.get("next_check"):
            late.append(round(stamp(after) - stamp({"timestamp": before["next_check"]}), 1))
    if probes and probes[-1].get("next_check"):
        due = stamp({"timestamp": probes[-1]["next_check"]})
        if due + args.tick < (drafted[-1] if drafted else start):
            late.append(round((drafted[-1] if drafted else start) - due, 1))  # still not fetched
    span = (drafted[-1] - drafted[0]) if len(drafted) > 1 else 0.0
    return {
        "articles": args.articles,
        "tick_seconds": args.tick,
        "tree": args.tree or str(REPO),
        "extracted": len(extracted),
        "extraction_seconds": round(extracted[-1] - start, 1) if extracted else None,
        "drafted": len(drafted),
        "first_stub_after_s": round(drafted[0] - start, 1) if drafted else None,
        "stubs_per_s_drafting": round(len(drafted) / span, 2) if span else None,
        "stubs_per_s_whole": round(len(drafted) / (drafted[-1] - start), 2) if drafted else None,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "cores_used": round(cpu / wall, 2) if wall else None,
        "probe_fetches": len(probes),
        "probe_late_seconds": late,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="300 articles")
    parser.add_argument("--tick", type=int, default=5, help="[settings].tick_seconds")
    parser.add_argument("--tree", help="run the service from this checkout instead")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    if args.quick:
        args.articles = 300
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
