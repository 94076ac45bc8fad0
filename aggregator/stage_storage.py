"""What the stages need of the store, as Protocols: the stages depend on these, the store's
classes satisfy them (mypy checks that where the app hands them over), so a stage imports no
storage module and can be given any store that keeps the same promises.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from aggregator.records import Article, FeedUpdate, ItemRecord, PendingArticle, SavedRefresh


class RefreshStorage(Protocol):
    """What a feed's refresh writes (`storage.store.Store`)."""

    def save_refresh(
        self,
        feed_id: int,
        update: FeedUpdate,
        records: Sequence[ItemRecord],
        backfill: int | None = None,
    ) -> SavedRefresh:
        """Items, validators, status and next check of one feed, in one transaction."""
        ...


class ArticleStorage(Protocol):
    """The queue of articles to extract (`storage.articles.ArticleQueue`)."""

    def claim_due(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        *,
        item_ids: Sequence[int] | None = None,
        leased_too: bool = False,
    ) -> list[PendingArticle]:
        """Take up to `limit` due articles and lease them for `lease`."""
        ...

    def save(self, item_id: int, article: Article, url: str | None, now: datetime) -> None:
        """The extracted article, its stub queued for drafting."""
        ...

    def retry_later(self, item_id: int, error: str, at: datetime) -> None:
        """A transient failure: count the attempt and come back at `at`."""
        ...

    def release(self, item_id: int, error: str, at: datetime) -> None:
        """Give a claimed article back, due at `at`, without counting an attempt: the run
        could not work on it, the article is not at fault."""
        ...

    def give_back(self, item_ids: Sequence[int], now: datetime) -> None:
        """End the lease of claimed articles not worked on (the run is stopping)."""
        ...
