"""What the storage modules ask of the store, as a type: its engine, and a connection to read
with or one write transaction. `Store` is one; the modules take this Protocol rather than
importing `Store`, which imports them (`Store.save_refresh` queues articles, the queues claim
through `leases`), so that no storage module imports `store.py` back."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

import sqlalchemy as sa


class Database(Protocol):
    @property
    def engine(self) -> sa.Engine: ...

    def reading(self) -> AbstractContextManager[sa.Connection]:
        """A connection for reads that need no transaction around them."""
        ...

    def writing(self) -> AbstractContextManager[sa.Connection]:
        """One write transaction: everything in it commits together or not at all."""
        ...
