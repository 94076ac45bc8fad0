"""A loopback feed site for the fetch benchmark: real feed files, fixed latency, 304s.

Serves N feeds at /feed/1 .. /feed/N, cycling through the real corpus in
../shared/data/feeds/real/ (read in place, never copied). Every response waits
`--latency` seconds first. Each feed has a strong ETag and a Last-Modified date; a
request whose If-None-Match matches (or, without If-None-Match, whose
If-Modified-Since equals Last-Modified) gets a 304. /_stats answers at once with
JSON counters. HTTP/1.1 keep-alive on asyncio streams, responses precomputed.

    python bench/feedsite.py --port 0 --feeds 1000 --latency 0.05 [--hosts 1]

The first line on stdout is the base URL, e.g. http://127.0.0.1:40123. With `--hosts H` the
site listens on H ports (H hosts to a client that tells hosts apart by `hostname:port`), each
serving the same pages and sharing one set of counters: stdout starts with the H base URLs,
one per line. A line that is not a URL follows them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

HOST = "127.0.0.1"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feeds" / "real"
LAST_MODIFIED_BASE = 1_704_067_200  # 2024-01-01T00:00:00Z; feed i is i minutes later


@dataclass(frozen=True, slots=True)
class Page:
    """One feed as served: the 200 head (without its blank line), the body, validators."""

    head: bytes
    body: bytes
    content_type: str
    etag: str
    last_modified: str


def content_type_for(version: str) -> str:
    """The Content-Type a typical server sends for a feed of this feedparser version."""
    if version.startswith("atom"):
        return "application/atom+xml"
    if version.startswith("rss") and version != "rss10":
        return "application/rss+xml"
    return "application/xml"


def corpus_files(corpus: Path = CORPUS) -> list[tuple[Path, str]]:
    """(path, content type) of every corpus file listed in index.csv, in its order."""
    index = corpus / "index.csv"
    if not index.is_file():
        sys.exit(f"feed corpus not found: {index} is missing (expected ../shared/data/feeds/real)")
    with index.open(newline="", encoding="utf-8") as f:
        return [
            (corpus / row["path"], content_type_for(row["version"])) for row in csv.DictReader(f)
        ]


def build_pages(count: int, corpus: Path = CORPUS) -> dict[int, Page]:
    """Feed number (1-based) -> Page, cycling through the corpus files."""
    files = corpus_files(corpus)
    bodies: dict[Path, bytes] = {}
    pages: dict[int, Page] = {}
    for i in range(1, count + 1):
        path, content_type = files[(i - 1) % len(files)]
        body = bodies.setdefault(path, path.read_bytes())
        etag = f'"{hashlib.sha1(body).hexdigest()}-{i}"'
        last_modified = formatdate(LAST_MODIFIED_BASE + 60 * i, usegmt=True)
        head = (
            "HTTP/1.1 200 OK\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"ETag: {etag}\r\n"
            f"Last-Modified: {last_modified}\r\n"
        ).encode("ascii")
        pages[i] = Page(head, body, content_type, etag, last_modified)
    return pages


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match semantics (weak comparison): '*' or any listed tag equal to ours."""
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


class FeedSite:
    """The request handler: minimal HTTP/1.1 parsing, one response per request."""

    def __init__(self, pages: dict[int, Page], latency: float) -> None:
        self.pages = pages
        self.latency = latency
        self.stats: Counter[str] = Counter()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats["connections"] += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                method, target, version, headers = parse_head(head)
                close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
                if target != "/_stats":
                    await asyncio.sleep(self.latency)
                writer.writelines(self.respond(method, target, headers, close))
                await writer.drain()
                if close:
                    return
        except ConnectionError:
            return
        finally:
            writer.close()

    def respond(
        self, method: str, target: str, headers: dict[str, str], close: bool
    ) -> list[bytes]:
        """The response as chunks; counts it in self.stats."""
        end = b"Connection: close\r\n\r\n" if close else b"\r\n"
        date = f"Date: {formatdate(usegmt=True)}\r\n".encode("ascii")
        if method != "GET":
            self.stats["other"] += 1
            return [b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n", date, end]
        if target == "/_stats":
            body = json.dumps(self.stats).encode()
            return [simple_head(200, "application/json", len(body)), date, end, body]
        self.stats["requests"] += 1
        page = self.pages.get(feed_number(target))
        if page is None:
            self.stats["not_found"] += 1
            return [simple_head(404, "text/plain", 9), date, end, b"not found"]
        if not_modified(headers, page):
            self.stats["not_modified"] += 1
            validators = f"ETag: {page.etag}\r\nLast-Modified: {page.last_modified}\r\n"
            return [b"HTTP/1.1 304 Not Modified\r\n", validators.encode("ascii"), date, end]
        self.stats["ok"] += 1
        return [page.head, date, end, page.body]


def parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    """Request line and headers (names lower-cased) of one request head."""
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = [*lines[0].split(" ", 2), "", ""][:3]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return method, target, version, headers


def feed_number(target: str) -> int:
    """1000 for '/feed/1000' (query ignored), 0 for anything else."""
    path = target.partition("?")[0]
    number = path.removeprefix("/feed/")
    return int(number) if path.startswith("/feed/") and number.isdigit() else 0


def not_modified(headers: dict[str, str], page: Page) -> bool:
    """RFC 9110: If-None-Match decides when present, else If-Modified-Since (exact match)."""
    if "if-none-match" in headers:
        return etag_matches(headers["if-none-match"], page.etag)
    return headers.get("if-modified-since") == page.last_modified


def simple_head(status: int, content_type: str, length: int) -> bytes:
    reason = {200: "OK", 404: "Not Found"}[status]
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n"
    ).encode("ascii")


async def serve(port: int, feeds: int, latency: float, hosts: int = 1) -> None:
    """Listen on `hosts` ports: `port`, `port + 1`, ... (or free ones when `port` is 0)."""
    site = FeedSite(build_pages(feeds), latency)
    servers = []
    for offset in range(hosts):
        wanted = port + offset if port else 0
        servers.append(await asyncio.start_server(site.handle, HOST, wanted, backlog=1024))
    for server in servers:
        print(f"http://{HOST}:{server.sockets[0].getsockname()[1]}")
    on = f" on {hosts} ports" if hosts > 1 else ""
    print(f"feedsite: {feeds} feeds, {latency * 1000:.0f} ms latency{on}", flush=True)
    async with contextlib.AsyncExitStack() as stack:
        for server in servers:
            await stack.enter_async_context(server)
        await asyncio.gather(*(server.serve_forever() for server in servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--hosts", type=int, default=1, help="ports to listen on, same pages")
    args = parser.parse_args()
    if args.hosts < 1:
        parser.error("--hosts must be at least 1")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.feeds, args.latency, args.hosts))


if __name__ == "__main__":
    main()
