"""A news site spread over many hosts on loopback, for workers to share: one HTTP server per
host (hosts are told apart by port), every request logged with its start and end, and the most
requests ever in flight at once per host."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORDS = (
    *("harbour", "council", "budget", "river", "school", "market", "election", "bridge"),
    *("festival", "court", "museum", "railway", "hospital", "library", "farmers", "energy"),
    *("drought", "vote", "port", "tariff", "mayor", "protest", "coalition", "summit"),
)


@dataclass(frozen=True)
class Hit:
    host: str
    path: str
    start: float
    end: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a worker killed mid-request hangs up; that is part of the test


class FeedSite:
    """`feeds` RSS feeds on `hosts` hosts, each listing `items` items that link to article pages
    on the feed's host. Every response waits `latency` seconds."""

    def __init__(self, feeds: int, hosts: int, items: int = 2, latency: float = 0.0) -> None:
        self.feeds = feeds
        self.items = items
        self.latency = latency
        self.lock = threading.Lock()
        self.hits: list[Hit] = []
        self.in_flight: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()
        self.servers = [_Server(("127.0.0.1", 0), self._handler()) for _ in range(hosts)]
        self.threads: list[threading.Thread] = []

    # -- addresses ---------------------------------------------------------------------------

    def host(self, feed: int) -> str:
        return f"127.0.0.1:{self.servers[feed % len(self.servers)].server_address[1]}"

    def feed_url(self, feed: int) -> str:
        return f"http://{self.host(feed)}/feeds/{feed}.xml"

    def broken_url(self, feed: int) -> str:
        """A feed of the same host that answers 500."""
        return f"http://{self.host(feed)}/broken/{feed}.xml"

    def garbage_url(self, feed: int) -> str:
        """A feed of the same host that answers 200 with bytes that are no feed."""
        return f"http://{self.host(feed)}/garbage/{feed}.xml"

    def article_url(self, feed: int, item: int) -> str:
        return f"http://{self.host(feed)}/articles/{feed}/{item}.html"

    # -- what was asked --------------------------------------------------------------------

    def hits_of(self, prefix: str) -> Counter[str]:
        with self.lock:
            return Counter(h.path for h in self.hits if h.path.startswith(prefix))

    def starts_by_host(self) -> dict[str, list[float]]:
        starts: dict[str, list[float]] = defaultdict(list)
        with self.lock:
            for hit in self.hits:
                starts[hit.host].append(hit.start)
        return {host: sorted(times) for host, times in starts.items()}

    def overlaps(self) -> list[tuple[Hit, Hit]]:
        """Pairs of requests to one host that were in flight at the same time."""
        by_host: dict[str, list[Hit]] = defaultdict(list)
        with self.lock:
            for hit in self.hits:
                by_host[hit.host].append(hit)
        pairs = []
        for hits in by_host.values():
            hits.sort(key=lambda hit: hit.start)
            for a, b in itertools.pairwise(hits):
                if b.start < a.end:
                    pairs.append((a, b))
        return pairs

    # -- serving ---------------------------------------------------------------------------

    def start(self) -> FeedSite:
        for server in self.servers:
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def feed_body(self, feed: int) -> bytes:
        now = datetime(2026, 11, 1, tzinfo=UTC)
        entries = "".join(
            f"<item><title>Story {n} of feed {feed}</title>"
            f"<link>{self.article_url(feed, n)}</link><guid>f{feed}-{n}</guid>"
            f"<pubDate>{format_datetime(now + timedelta(hours=n))}</pubDate>"
            f"<description>Story {n} of feed {feed}.</description></item>"
            for n in range(self.items)
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
            f"<link>http://{self.host(feed)}/</link><description>d</description>"
            f"{entries}</channel></rss>"
        ).encode()

    @staticmethod
    def article_body(feed: int, item: int) -> bytes:
        paragraphs = "".join(
            "<p>"
            + " ".join(WORDS[(feed * 7 + item * 3 + p * 5 + w) % len(WORDS)] for w in range(40))
            + f". Reported for story {item} of feed {feed}, paragraph {p}.</p>"
            for p in range(6)
        )
        return (
            f"<html><head><title>Story {item}</title></head><body><nav>Home</nav>"
            f"<article><h1>Story {item} of feed {feed}</h1>{paragraphs}</article>"
            "<footer>Contact</footer></body></html>"
        ).encode()

    def _reply(self, path: str) -> tuple[int, str, bytes]:
        parts = path.strip("/").split("/")
        try:
            if parts[0] == "broken":
                return 500, "text/plain", b"down for maintenance"
            if parts[0] == "garbage":
                return 200, "application/rss+xml", b"\x00\xff<rss <<< no feed here \xfe"
            if parts[0] == "feeds" and len(parts) == 2:
                return 200, "application/rss+xml", self.feed_body(int(parts[1].split(".")[0]))
            if parts[0] == "articles" and len(parts) == 3:
                feed, item = int(parts[1]), int(parts[2].split(".")[0])
                return 200, "text/html; charset=utf-8", self.article_body(feed, item)
        except ValueError:
            pass
        return 404, "text/plain", b"not here"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                host = f"127.0.0.1:{self.server.server_address[1]}"
                start = time.monotonic()
                with site.lock:
                    site.in_flight[host] += 1
                    site.most_in_flight[host] = max(site.most_in_flight[host], site.in_flight[host])
                try:
                    if site.latency:
                        time.sleep(site.latency)
                    status, kind, body = site._reply(self.path)
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with site.lock:
                        site.in_flight[host] -= 1
                        site.hits.append(Hit(host, self.path, start, time.monotonic()))

        return Handler
