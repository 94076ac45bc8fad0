"""What digest builds keep for the next ones: recent documents by entity tag (one build at a
time per tag), and recent entries by stub version.

A strong entity tag names one representation, so a document built for a tag can be served
again for as long as the selection's state gives that tag. Readers polling at the same moment
share one build instead of each starting their own. An entry depends only on its stub, and any
change to a stub moves its `updated_at`, so a new page (one stub changed, a reader on page 2,
the JSON of the same page, a category) reuses the entries of the stubs that did not change.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aggregator.digest.model import DigestEntry
    from aggregator.stub_records import Stub

DEFAULT_DOCUMENTS = 16
DEFAULT_ENTRIES = 1000


@dataclass(frozen=True, slots=True)
class Rendered:
    """A built document as it is served, and kept under its entity tag."""

    body: bytes
    media_type: str
    etag: str
    last_modified: datetime | None
    entries: int


class DocumentCache:
    def __init__(self, documents: int = DEFAULT_DOCUMENTS) -> None:
        self.documents = documents
        self._kept: OrderedDict[str, Rendered] = OrderedDict()
        self._building: dict[str, asyncio.Future[Rendered]] = {}

    def get(self, etag: str) -> Rendered | None:
        found = self._kept.get(etag)
        if found is not None:
            self._kept.move_to_end(etag)
        return found

    def keep(self, rendered: Rendered) -> None:
        self._kept[rendered.etag] = rendered
        self._kept.move_to_end(rendered.etag)
        while len(self._kept) > self.documents:
            self._kept.popitem(last=False)

    async def get_or_build(self, etag: str, build: Callable[[], Awaitable[Rendered]]) -> Rendered:
        """The document kept for `etag`, else the one being built for it, else a new build.
        (A build may find the selection changed meanwhile: it is kept under its own tag.)"""
        found = self.get(etag)
        if found is not None:
            return found
        future = self._building.get(etag)
        if future is None:
            future = asyncio.ensure_future(self._build(etag, build))
            future.add_done_callback(_seen)
            self._building[etag] = future
        return await asyncio.shield(future)

    async def _build(self, etag: str, build: Callable[[], Awaitable[Rendered]]) -> Rendered:
        try:
            rendered = await build()
            self.keep(rendered)
            return rendered
        finally:
            del self._building[etag]


def _seen(future: asyncio.Future[Rendered]) -> None:
    """A failed build whose readers all left is still looked at (and not reported as lost)."""
    if not future.cancelled():
        future.exception()


class EntryCache:
    """Entries by stub version, the most recently used kept; safe to share between threads."""

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self.entries = entries
        self._kept: OrderedDict[Hashable, DigestEntry] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, stub: Stub, make: Callable[[Stub], DigestEntry]) -> DigestEntry:
        # The article's author and date come from another table: they are part of the key.
        key = (stub.item_id, stub.updated_at, stub.author, stub.published, stub.state)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        entry = make(stub)  # outside the lock: two threads may make one entry, both right
        with self._lock:
            self._kept[key] = entry
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return entry
