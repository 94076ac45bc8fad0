"""httpcore's connection pool with a linear request-assignment pass.

httpcore 1.0's `_assign_requests_to_connections` runs on every request start and end and is
quadratic in the number of pooled connections (it counts all connections once per idle one,
and rescans them per queued request); with 30 mostly idle keep-alive connections it took more
CPU than the requests themselves. This is the same policy in one pass, as proposed upstream
(encode/httpcore#1035): drop closed and expired connections, close idle ones beyond the
keep-alive limit, then give each queued request an available connection, a new one, or the
place of an idle one.
"""

from __future__ import annotations

import httpcore


class ConnectionPool(httpcore.AsyncConnectionPool):
    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        kept: list[httpcore.AsyncConnectionInterface] = []
        for connection in self._connections:
            if connection.is_closed():
                continue
            if connection.has_expired():
                closing.append(connection)
            else:
                kept.append(connection)
        surplus = sum(1 for c in kept if c.is_idle()) - self._max_keepalive_connections
        if surplus > 0:
            survivors = []
            for connection in kept:
                if surplus > 0 and connection.is_idle():
                    closing.append(connection)
                    surplus -= 1
                else:
                    survivors.append(connection)
            kept = survivors
        self._connections = kept

        for pool_request in [r for r in self._requests if r.is_queued()]:
            origin = pool_request.request.url.origin
            reusable = next(
                (c for c in kept if c.can_handle_request(origin) and c.is_available()), None
            )
            if reusable is not None:
                pool_request.assign_to_connection(reusable)
                continue
            if len(kept) >= self._max_connections:
                idle = next((c for c in kept if c.is_idle()), None)
                if idle is None:
                    continue
                kept.remove(idle)
                closing.append(idle)
            connection = self.create_connection(origin)
            kept.append(connection)
            pool_request.assign_to_connection(connection)
        return closing
