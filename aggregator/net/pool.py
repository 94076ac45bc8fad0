"""httpcore's connection pool with a cheaper request-assignment pass.

httpcore 1.0 runs `_assign_requests_to_connections` on every request start and end. It is
quadratic in the number of pooled connections (it counts all connections once per idle one and
rescans them per queued request) and polls the socket of every idle connection each time to see
whether the server closed it. With 30 mostly idle keep-alive connections that bookkeeping took
more CPU than the requests themselves. This is the same policy, as proposed upstream
(encode/httpcore#1035, #924), with two changes in cost, not behaviour:

- one pass over the connections: drop closed and expired ones, close idle ones beyond the
  keep-alive limit, then give each queued request an available connection, a new one, or the
  place of an idle one;
- idle connections are swept for expiry at most every `SWEEP_INTERVAL` seconds, but a
  connection about to be reused is always checked first, so a connection the server closed is
  never handed to a request.
"""

from __future__ import annotations

import time
from typing import Any

import httpcore

SWEEP_INTERVAL = 1.0

Connection = httpcore.AsyncConnectionInterface


class ConnectionPool(httpcore.AsyncConnectionPool):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _assign_requests_to_connections(self) -> list[Connection]:
        closing: list[Connection] = []
        kept = self._sweep(closing)
        for pool_request in [r for r in self._requests if r.is_queued()]:
            origin = pool_request.request.url.origin
            connection = self._reusable(kept, origin, closing)
            if connection is None:
                if len(kept) >= self._max_connections:
                    idle = next((c for c in kept if c.is_idle()), None)
                    if idle is None:
                        continue
                    kept.remove(idle)
                    closing.append(idle)
                connection = self.create_connection(origin)
                kept.append(connection)
            pool_request.assign_to_connection(connection)
        self._connections = kept
        return closing

    def _sweep(self, closing: list[Connection]) -> list[Connection]:
        now = time.monotonic()
        check_expiry = now >= self._next_sweep
        if check_expiry:
            self._next_sweep = now + SWEEP_INTERVAL
        kept: list[Connection] = []
        for connection in self._connections:
            if connection.is_closed():
                continue
            if check_expiry and connection.has_expired():
                closing.append(connection)
            else:
                kept.append(connection)
        surplus = sum(1 for c in kept if c.is_idle()) - self._max_keepalive_connections
        if surplus <= 0:
            return kept
        survivors = []
        for connection in kept:
            if surplus > 0 and connection.is_idle():
                closing.append(connection)
                surplus -= 1
            else:
                survivors.append(connection)
        return survivors

    @staticmethod
    def _reusable(
        kept: list[Connection], origin: httpcore.Origin, closing: list[Connection]
    ) -> Connection | None:
        for connection in list(kept):
            if not (connection.can_handle_request(origin) and connection.is_available()):
                continue
            if connection.is_idle() and connection.has_expired():
                kept.remove(connection)
                closing.append(connection)
                continue
            return connection
        return None
