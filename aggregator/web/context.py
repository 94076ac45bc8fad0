"""What every web handler may use: the app's parts, the editors' desk and the service's hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aggregator.app import App
    from aggregator.service.metrics import Metrics
    from aggregator.storage.desk import Desk


@dataclass(frozen=True)
class WebContext:
    app: App
    desk: Desk
    metrics: Metrics
    fetch_now: Callable[[Sequence[str]], Awaitable[Any] | None]
    """Starts a fetch of the named feeds (all when empty) in the background, or queues it for
    the workers (PostgreSQL); returns at once."""
    secret: bytes
    """Signs the forms' anti-forgery tokens; random per process unless configured."""

    async def db(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        """Run a store call on the database thread: handlers never block the event loop."""
        return await self.app.db.run(fn, *args)

    async def read(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        """Run a store call that only reads on a reader thread (`Database.read`)."""
        return await self.app.db.read(fn, *args)
