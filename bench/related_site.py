"""The end-to-end half of bench/related.py: the articles served over loopback, fetched, drafted.

The headlines are dealt into FEEDS RSS 2.0 feeds by a hash of their publisher, one HTML page
each (the headline as title, `<h1>` and only paragraph; guids `uci:<ID>`); the distractor pages
are served as fetched, from one more feed. `aggregator fetch --all` (the real CLI, in its own
process) fetches, extracts and drafts everything; the Related News and Background entries are
read back from `aggregator stubs --format jsonl`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Sequence
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

FEEDS = 30
ENTRY_PARTS = ("related_news", "background")


class Doc(Protocol):
    key: str
    title: str
    url: str
    publisher: str

    @property
    def published(self) -> Any: ...

    @property
    def half(self) -> str: ...


def feed_of(doc: Doc) -> str:
    if doc.half == "distractor":
        return "pages"
    number = int(hashlib.sha1(doc.publisher.encode()).hexdigest(), 16) % FEEDS
    return f"uci-{number:02d}"


def page_path(doc: Doc) -> str:
    return "/" + doc.key.replace(":", "/")


def rss(name: str, base: str, docs: Sequence[Doc]) -> bytes:
    items = "".join(
        f"<item><title>{escape(d.title)}</title><link>{base}{page_path(d)}</link>"
        f'<guid isPermaLink="false">{escape(d.key)}</guid>'
        f"<pubDate>{format_datetime(d.published)}</pubDate></item>"
        for d in docs
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>{base}/</link><description>{name}</description>"
        f"{items}</channel></rss>"
    ).encode()


def page(doc: Doc, distractors: Path) -> bytes:
    if doc.half == "distractor":
        return gzip.decompress((distractors / f"{doc.key.split(':')[1]}.html.gz").read_bytes())
    title = escape(doc.title)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{title}</p></body></html>"
    ).encode()


def serve(routes: dict[str, tuple[str, bytes]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            found = routes.get(self.path)
            if found is None:
                self.send_error(404)
                return
            kind, body = found
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_end_to_end(
    docs: Sequence[Doc], distractors: Path, backfill: int | None = None
) -> dict[int, list[tuple[int, float]]]:
    """Entries per doc index; `backfill` None gives every item an article and a stub, a
    number is each feed's `backfill_items` (the default is 20)."""
    routes: dict[str, tuple[str, bytes]] = {}
    server = serve(routes)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    by_feed: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_feed[feed_of(doc)].append(doc)
        routes[page_path(doc)] = ("text/html; charset=utf-8", page(doc, distractors))
    for name, members in by_feed.items():
        routes[f"/feeds/{name}.xml"] = ("application/rss+xml", rss(name, base, members))
    position = {f"{base}{page_path(d)}": i for i, d in enumerate(docs)}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "feeds.toml"
        feeds = "".join(
            f'[[feeds]]\nname = "{name}"\nurl = "{base}/feeds/{name}.xml"\n'
            f"backfill_items = {backfill if backfill is not None else len(members)}\n\n"
            for name, members in sorted(by_feed.items())
        )
        config.write_text(
            "[settings]\n"
            f'database_url = "sqlite:///{tmp}/bench.db"\n'
            'allow_private_networks = ["127.0.0.1/32"]\n'
            "per_host_connections = 8\nper_host_gap = 0.0\n\n"
            f'[drafting]\nstubs_dir = "{tmp}/stubs"\n\n' + feeds,
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "aggregator", "--config", str(config)]
        subprocess.run([*command, "fetch", "--all"], check=True, stdout=subprocess.DEVNULL)
        listed = subprocess.run(
            [*command, "stubs", "--format", "jsonl"], check=True, capture_output=True, text=True
        ).stdout
    server.shutdown()
    entries: dict[int, list[tuple[int, float]]] = {}
    for line in listed.splitlines():
        stub = json.loads(line)
        q = position.get(stub.get("url"))
        if q is None:
            continue
        found = [
            (position[e["url"]], float(e.get("score") or 0.0))
            for part in stub["parts"]
            if part["name"] in ENTRY_PARTS
            for e in part.get("entries", ())
            if e.get("url") in position
        ]
        entries[q] = sorted(found, key=lambda e: -e[1])
    return entries
