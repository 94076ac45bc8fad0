"""A real HTTP server on 127.0.0.1 for tests, with full control over what it sends.

Routes map a path to a function of the request that returns a `Reply`. A reply can drip its
bytes slowly, lie about its length or be raw bytes written to the socket as they are.
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    raw_headers: list[tuple[str, str]]
    at: float
    client: str = ""
    body: bytes = b""


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drip: float | None = None
    """Seconds between single bytes of the whole response (status line included)."""
    drip_body: float | None = None
    """Seconds between single bytes of the body only: the headers arrive at once."""
    delay: float = 0.0
    """Seconds to wait before answering."""
    raw: bytes | None = None
    """Bytes written to the socket instead of a generated response."""
    content_length: int | None = None
    """A Content-Length to announce (lying is allowed); None sends the true length."""
    hang_up: bool = False
    """Close the connection after this response without saying so (no `Connection: close`)."""


Handler = Callable[[Request], Reply]


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up on purpose (deadline, byte cap) is part of the tests.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Loopback:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.active = 0
        self.connections: set[tuple[str, int]] = set()
        self.max_active = 0
        self.server = _Server(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, handler: Handler | Reply) -> None:
        self.routes[path] = handler if callable(handler) else (lambda _r, h=handler: h)

    def hits(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> Loopback:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                raw = [(k, v) for k, v in self.headers.raw_items()]
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=method,
                    path=self.path,
                    headers={k.lower(): v for k, v in raw},
                    raw_headers=raw,
                    at=time.monotonic(),
                    client=self.client_address[0],
                    body=self.rfile.read(length) if length else b"",
                )
                with site.lock:
                    site.requests.append(request)
                    site.connections.add(self.client_address)
                    site.active += 1
                    site.max_active = max(site.max_active, site.active)
                try:
                    handler = site.routes.get(self.path.split("?", 1)[0])
                    reply = handler(request) if handler else Reply(404, body=b"not found")
                    if reply.delay:
                        time.sleep(reply.delay)
                    self._send(reply)
                    if reply.hang_up:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with site.lock:
                        site.active -= 1

            def _send(self, reply: Reply) -> None:
                if reply.raw is not None:
                    data = reply.raw
                else:
                    length = (
                        len(reply.body) if reply.content_length is None else reply.content_length
                    )
                    lines = [f"HTTP/1.1 {reply.status} {_reason(reply.status)}"]
                    headers = {"Content-Length": str(length), **reply.headers}
                    lines += [f"{k}: {v}" for k, v in headers.items()]
                    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body
                if reply.drip is None and reply.drip_body is None:
                    self.wfile.write(data)
                    self.wfile.flush()
                    return
                start = 0
                if reply.drip is None:  # headers at once, then the body byte by byte
                    start = len(data) - len(reply.body)
                    self.wfile.write(data[:start])
                    self.wfile.flush()
                for i in range(start, len(data)):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    time.sleep(reply.drip if reply.drip is not None else reply.drip_body or 0)

        return _Handler


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
