"""Serving the digest and the desk: requests/s of `/digest.atom` answered 200 and 304, of the
stub list (page and API, summaries and full stubs, unfiltered and filtered), against a static
route.

Run by hand: `.venv/bin/python bench/serve.py [--stubs 10000] [--seconds 10] [--concurrency 8]
[--quick] [--json figures.json]` (`--quick`: 3 s per figure). A temporary SQLite store gets
`--stubs` drafted stubs (feeds, items, articles and stubs rows inserted in bulk; parts shaped like
the finished example page, about 4 KB of JSON each), their changes spread over the last 30 days,
so the default 14-day window selects about half of them. The app is served by uvicorn on
127.0.0.1 in a child process, with one more route: `/static.atom`, the same bytes as the first
page prebuilt in memory (and a 304 for a matching If-None-Match), which is the baseline every
figure is divided by.

Measured with `--concurrency` httpx clients for `--seconds` each: the static route (200 and
304), `/digest.atom` unconditional (200: served from the recent builds), conditional (304:
one aggregate query, no build) and every page in turn (200 with a build per request, as the
pages outnumber the builds kept); the desk's list: `/stubs`, `/stubs` filtered by state and
category, `/api/stubs?limit=50` (summaries), the same filtered, and `?parts=1` (full stubs), each
with the size of one answer. Also the time to build the first page once, in this process: cold
(fresh engine, first query and first render) and warm (median of 5), split into the selection's
state, the page read and the writing of the document; and SQLite's query plans of the digest and
of the list.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from aggregator.app import utc_now
from aggregator.config import load_config
from aggregator.digest.build import DigestMaker
from aggregator.digest.cache import EntryCache
from aggregator.digest.views import DigestView
from aggregator.storage.desk import Desk, StubFilter
from aggregator.storage.digest import digest_page, digest_state
from aggregator.storage.store import Store
from aggregator.storage.tables import articles, feeds, items, stubs
from aggregator.stub_records import MACHINE_DRAFT, PREPARED, TO_WRITE, Entry, Part

FEEDS = 20
CATEGORIES = ("World", "Politics", "Environment", "Digital and AI", "Human Rights", "Economy")
STATES = ("draft",) * 12 + ("reviewed",) * 4 + ("approved",) * 3 + ("rejected",)
WORDS = (
    "river",
    "port",
    "council",
    "flood",
    "vote",
    "budget",
    "minister",
    "election",
    "protest",
    "court",
    "report",
    "data",
    "energy",
    "climate",
    "water",
    "market",
    "trade",
    "border",
    "health",
    "school",
    "city",
    "region",
    "government",
    "company",
    "network",
    "security",
    "rights",
    "press",
    "study",
    "survey",
    "million",
    "percent",
    "share",
    "growth",
    "policy",
    "plan",
    "week",
    "year",
)


DESK = {
    "/stubs": "/stubs",
    "/stubs filtered": "/stubs?state=reviewed&category=World",
    "/api/stubs?limit=50": "/api/stubs?limit=50",
    "/api/stubs filtered": "/api/stubs?limit=50&state=reviewed&category=World",
    "/api/stubs?limit=50&parts=1": "/api/stubs?limit=50&parts=1",
}
"""The desk's list as editors and scripts ask for it."""
FILTERED = StubFilter(states=("reviewed",), categories=("World",))


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"{text[0].upper()}{text[1:]} {rng.randint(2, 2000)}."


def parts(rng: random.Random, n: int, url: str) -> list[dict[str, Any]]:
    summary = " ".join(sentence(rng) for _ in range(4))
    points = [sentence(rng, 10) for _ in range(4)]
    related = [
        Entry(text=sentence(rng, 6), title=sentence(rng, 6), url=f"https://news.example/{n}/{i}")
        for i in range(4)
    ]
    made = (
        Part("title", MACHINE_DRAFT, f"Story {n}: {sentence(rng, 8)}", original=sentence(rng, 8)),
        Part("category", PREPARED, rng.choice(CATEGORIES), by="feed rules"),
        Part("disclaimer", PREPARED, "[Disclaimer] Reconstructed from external sources."),
        Part("news_summary", MACHINE_DRAFT, summary, original=summary, by="deepl"),
        Part("source", PREPARED, f"Source: feed\nPublished: 2026-11-01\n{url}", by="source"),
        Part(
            "background", PREPARED, "", prompt="Explain the background.", entries=tuple(related[:2])
        ),
        Part("expert_analysis", TO_WRITE, "", prompt="Analyse what it means."),
        Part("key_points", PREPARED, "\n".join(points), entries=tuple(Entry(p) for p in points)),
        Part("additional_data", PREPARED, "Figures:", entries=(Entry(sentence(rng, 8)),)),
        Part("related_news", PREPARED, "", by="archive", entries=tuple(related)),
        Part("summary", MACHINE_DRAFT, sentence(rng), by="openai:model", flags=(sentence(rng, 5),)),
    )
    return [p.to_json() for p in made]


def seed(store: Store, count: int, now: datetime) -> None:
    """`count` drafted stubs in bulk: one transaction, executemany per table."""
    rng = random.Random(7)
    with store.writing() as conn:
        conn.execute(
            feeds.insert(),
            [
                {
                    "name": f"feed{f}",
                    "config_url": f"https://e{f}.example/feed",
                    "tags": [],
                    "url": f"https://e{f}.example/feed",
                    "enabled": True,
                    "in_config": True,
                    "error_count": 0,
                    "created_at": now,
                }
                for f in range(FEEDS)
            ],
        )
        rows_items, rows_articles, rows_stubs = [], [], []
        for n in range(1, count + 1):
            url = f"https://e{n % FEEDS}.example/story/{n}"
            when = now - timedelta(seconds=rng.uniform(0, 30 * 86_400))
            rows_items.append(
                {
                    "id": n,
                    "feed_id": n % FEEDS + 1,
                    "identity": url,
                    "identity_hash": f"{n:064x}",
                    "guid": url,
                    "url": url,
                    "title": f"Story {n}",
                    "categories": [],
                    "content_hash": "0" * 64,
                    "revision": 1,
                    "first_seen_at": when,
                    "last_changed_at": when,
                }
            )
            rows_articles.append(
                {
                    "item_id": n,
                    "state": "done",
                    "attempts": 0,
                    "url": url,
                    "method": "generic",
                    "text": "Text.",
                    "author": f"Author {n % 97}" if n % 10 < 7 else None,
                    "published": when - timedelta(hours=2),
                    "queued_at": when,
                }
            )
            rows_stubs.append(
                {
                    "item_id": n,
                    "state": rng.choice(STATES),
                    "work": "drafted",
                    "attempts": 0,
                    "stale": False,
                    "category": rng.choice(CATEGORIES),
                    "source_language": "en",
                    "target_language": "ja",
                    "parts": parts(rng, n, url),
                    "errors": [],
                    "provenance": {
                        "feed": f"feed{n % FEEDS}",
                        "target_language": "ja",
                        "source_language": "en",
                        "backends": ["deepl"],
                    },
                    "queued_at": when,
                    "drafted_at": when,
                    "updated_at": when,
                }
            )
        conn.execute(items.insert(), rows_items)
        conn.execute(articles.insert(), rows_articles)
        conn.execute(stubs.insert(), rows_stubs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(folder: Path, port: int) -> Path:
    path = folder / "feeds.toml"
    (folder / "var").mkdir(exist_ok=True)  # aggregator makes only the default var/aggregator.db's
    path.write_text(
        "[settings]\n"
        f'database_url = "sqlite:///{folder / "var" / "bench.db"}"\n'
        f'listen = "127.0.0.1:{port}"\nparse_workers = 0\n',
        encoding="utf-8",
    )
    return path


def serve(config_path: Path) -> None:
    """The child process: the app on [settings].listen plus the static baseline route."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route

    from aggregator.app import App
    from aggregator.drafting.editing import edit_part
    from aggregator.service.metrics import Metrics
    from aggregator.storage.desk import Desk
    from aggregator.web.app import create_web_app
    from aggregator.web.context import WebContext

    config = load_config(config_path)
    app = App(config)
    desk = Desk(app.store, edit=edit_part)
    ctx = WebContext(app, desk, Metrics(), lambda names: None, secret=b"bench")
    maker, view = DigestMaker.of(config), DigestView("atom")
    prebuilt = maker.render(digest_page(app.store, maker.query(view, utc_now())), view)
    headers = {"ETag": prebuilt.etag, "Cache-Control": "public, max-age=300"}

    async def static(request: Request) -> Response:
        if request.headers.get("if-none-match") == prebuilt.etag:
            return Response(status_code=304, headers=headers)
        return Response(prebuilt.body, media_type=prebuilt.media_type, headers=headers)

    root = Starlette(routes=[Route("/static.atom", static), Mount("/", create_web_app(ctx))])
    host, _, port = config.settings.listen.rpartition(":")
    uvicorn.run(
        root, host=host, port=int(port), log_level="warning", access_log=False, lifespan="off"
    )


async def load(
    base: str, paths: Callable[[int], str], headers: dict[str, str], seconds: float, workers: int
) -> dict[str, Any]:
    """`workers` clients asking for `paths(n)` (n counts requests) until `seconds` pass."""
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    counter = iter(range(10**9))
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker(deadline: float) -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(paths(next(counter)), headers=headers)
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] += 1

        await asyncio.gather(*(worker(time.perf_counter() + 0.5) for _ in range(workers)))
        statuses.clear()
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds) for _ in range(workers)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "statuses": dict(statuses),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 2),
    }


def captured_sql(store: Store, run: Callable[[], object]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, params))

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    return seen


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, 1000 * (time.perf_counter() - started)


def build_figures(config_path: Path) -> dict[str, Any]:
    """Builds of the first page in this process (the first one cold: fresh engine, first
    query, first render; then the median of 5 warm ones), the last page, and the plans."""
    config = load_config(config_path)
    maker, view = DigestMaker.of(config), DigestView("atom")
    store = Store.open(config.settings.database_url)
    try:
        rounds: list[dict[str, float]] = []
        cache = EntryCache()
        for _ in range(6):
            query = maker.query(view, utc_now())
            state, state_ms = timed(lambda q=query: digest_state(store, q))
            page, page_ms = timed(lambda q=query: digest_page(store, q))
            rendered, write_ms = timed(lambda p=page: maker.render(p, view))
            _, cached_ms = timed(lambda p=page: maker.render(p, view, cache))
            rounds.append(
                {
                    "state": state_ms,
                    "page": page_ms,
                    "write": write_ms,
                    "write, entries kept": cached_ms,
                }
            )
        ms = {
            key: {
                "cold": round(rounds[0][key], 1),
                "warm": round(statistics.median(r[key] for r in rounds[1:]), 1),
            }
            for key in rounds[0]
        }
        last = DigestView("atom", page=max(1, -(-state.count // config.digest.limit)))
        last_query = maker.query(last, utc_now())
        _, last_page_ms = timed(lambda: digest_page(store, last_query))
        plans = {}
        names = iter(("state", "page ids", "page rows"))
        for statement, params in captured_sql(store, lambda: digest_page(store, query)):
            with store.engine.connect() as conn:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            plans[next(names, "other")] = [row[-1] for row in rows]
        return {
            "entries": rendered.entries,
            "bytes": len(rendered.body),
            "selected": state.count,
            "ms": ms,
            "last_page_read_ms": round(last_page_ms, 1),
            "plans": plans,
        }
    finally:
        store.close()


def list_plans(config_path: Path) -> dict[str, list[str]]:
    """SQLite's plans of the statements one `/stubs` request runs, unfiltered and filtered."""
    from aggregator.web.pages.stubs import read_listing

    store = Store.open(load_config(config_path).settings.database_url)
    desk = Desk(store)
    plans: dict[str, list[str]] = {}
    try:
        for label, where in (("", StubFilter()), ("filtered ", FILTERED)):
            statements = captured_sql(store, lambda w=where: read_listing(desk, w, 1))
            for n, (statement, params) in enumerate(statements):
                with store.engine.connect() as conn:
                    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
                plans[f"{label}/stubs {n + 1}"] = [row[-1] for row in rows]
        return plans
    finally:
        store.close()


def measure(
    config_path: Path, port: int, seconds: float, workers: int, pages: int
) -> dict[str, Any]:
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(config_path)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or child.poll() is not None:
                raise SystemExit("the benchmark server did not start")
            time.sleep(0.1)

        def run(paths: Callable[[int], str], headers: dict[str, str]) -> dict[str, Any]:
            return asyncio.run(load(base, paths, headers, seconds, workers))

        def etag(path: str) -> dict[str, str]:
            """The current tag, asked just before a conditional run (the window moves on)."""
            return {"If-None-Match": httpx.get(base + path, timeout=30).headers["etag"]}

        figures = {"static 200": run(lambda n: "/static.atom", {})}
        figures["static 304"] = run(lambda n: "/static.atom", etag("/static.atom"))
        figures["digest 200 (recent build)"] = run(lambda n: "/digest.atom", {})
        figures["digest 304"] = run(lambda n: "/digest.atom", etag("/digest.atom"))
        figures["digest 200 (built, pages 1..N)"] = run(
            lambda n: f"/digest.atom?page={n % pages + 1}", {}
        )
        for scenario, path in DESK.items():
            figures[scenario] = run(lambda n, p=path: p, {})
            figures[scenario]["bytes"] = len(httpx.get(base + path, timeout=30).content)
        return figures
    finally:
        child.terminate()
        child.wait(timeout=30)


def report(build: dict[str, Any], served: dict[str, Any]) -> None:
    print(
        f"selection {build['selected']} stubs; first page {build['entries']} entries, "
        f"{build['bytes'] / 1024:.0f} KiB; reading the last page {build['last_page_read_ms']} ms"
    )
    for key, ms in build["ms"].items():
        print(f"  {key:>20}: cold {ms['cold']:7.1f} ms   warm {ms['warm']:7.1f} ms")
    for kind, plan in build["plans"].items():
        print(f"  plan ({kind}): " + "; ".join(plan))
    for kind, plan in build["list_plans"].items():
        print(f"  plan ({kind}): " + "; ".join(plan))
    for scenario, figures in served.items():
        baseline = served["static 304" if "304" in scenario else "static 200"]["rps"]
        size = f"  {figures['bytes'] / 1024:.0f} KiB" if "bytes" in figures else ""
        print(
            f"  {scenario:<34} {figures['rps']:7.1f} req/s  x{figures['rps'] / baseline:5.2f} "
            f"of static  p50 {figures['p50_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  "
            f"{figures['statuses']}{size}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stubs", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="3 s per figure")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    seconds = 3.0 if args.quick else args.seconds
    with tempfile.TemporaryDirectory(prefix="aggregator-serve-") as folder:
        port = free_port()
        config_path = write_config(Path(folder), port)
        store = Store.open(load_config(config_path).settings.database_url)
        started = time.perf_counter()
        seed(store, args.stubs, datetime.now(UTC))
        store.close()
        print(
            f"{args.stubs} stubs stored in {time.perf_counter() - started:.1f} s; "
            f"{args.concurrency} clients, {seconds:g} s per figure"
        )
        build = build_figures(config_path)
        build["list_plans"] = list_plans(config_path)
        pages = -(-build["selected"] // load_config(config_path).digest.limit)
        served = measure(config_path, port, seconds, args.concurrency, pages)
        report(build, served)
    if args.json is not None:
        figures = {"build": build, "served": served}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
