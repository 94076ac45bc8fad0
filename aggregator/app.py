"""Wiring: from a loaded config to the running parts, opened and closed together."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from aggregator.articles.worker import ArticleWorker, ExtractionReport
from aggregator.config import Config, Settings
from aggregator.database_kind import is_sqlite
from aggregator.drafting.backends.base import BackendSettings, Translator
from aggregator.drafting.backends.registry import open_backend
from aggregator.drafting.backends.retry import RetryPolicy
from aggregator.drafting.drafter import Drafter, DraftReport
from aggregator.drafting.machine import MachineDrafter
from aggregator.drafting.settings import DraftingSettings
from aggregator.errors import ConfigError
from aggregator.feeds.refresh import Refresher
from aggregator.feeds.sandbox import ParserPool
from aggregator.feeds.schedule import SchedulePolicy
from aggregator.logs import get_logger
from aggregator.net.client import ClientSettings, HttpClient
from aggregator.net.robots import RobotsCache
from aggregator.records import DraftOutcome, ExtractionOutcome, FeedToFetch, RefreshReport
from aggregator.stopping import Stop
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.engine import sqlite_file
from aggregator.storage.ledger import Ledger
from aggregator.storage.opening import open_store
from aggregator.storage.related import RelatedIndex
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.storage.work import take_turn

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Database:
    """Runs store calls off the event loop, which never waits on the database. `run` is for
    anything that may write: on one thread for SQLite (a single writer; the writes keep their
    order), on a few for PostgreSQL. `read` is for calls that only read: on a small pool of
    their own, so the desk's pages neither queue behind a draft pass's writes nor behind each
    other (SQLite in WAL mode lets readers run beside the writer)."""

    READERS = 4

    def __init__(self, store: Store) -> None:
        self.store = store
        # SQLite: one writer at a time anyway. PostgreSQL: a worker's tasks overlap their
        # queries (the engine's pool holds 5 connections, and may open 10 more).
        sqlite = is_sqlite(store.engine)
        threads = 1 if sqlite else 4
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="aggregator-db")
        # An in-memory SQLite database is one connection's own: its reads stay on the writer.
        shared = not sqlite or sqlite_file(store.engine.url) is not None
        self.readers = (
            ThreadPoolExecutor(max_workers=self.READERS, thread_name_prefix="aggregator-db-read")
            if shared
            else self.executor
        )

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def read(self, fn: Callable[..., T], /, *args: Any) -> T:
        """`fn(*args)`, which only reads, on a reader thread."""
        return await asyncio.get_running_loop().run_in_executor(self.readers, fn, *args)

    def close(self) -> None:
        self.readers.shutdown(wait=True)
        self.executor.shutdown(wait=True)
        self.store.close()


def client_settings(settings: Settings) -> ClientSettings:
    return ClientSettings(
        contact_url=settings.contact_url,
        allow_private_networks=settings.allow_private_networks,
        max_connections=settings.max_connections,
        per_host_connections=settings.per_host_connections,
        per_host_gap=settings.per_host_gap,
        max_body_bytes=settings.max_body_bytes,
        deadline=settings.request_deadline,
        max_redirects=settings.max_redirects,
    )


def backfill_of(config: Config) -> Callable[[str], int]:
    """How many items of a feed's first fetch get articles: its own `backfill_items`, else
    `[settings].backfill_items`."""
    own = {f.name: f.backfill_items for f in config.feeds if f.backfill_items is not None}
    default = config.settings.backfill_items
    return lambda name: own.get(name, default)


def schedule_policy(settings: Settings) -> SchedulePolicy:
    return SchedulePolicy(
        min_interval=settings.min_interval,
        max_interval=settings.max_interval,
        max_backoff=settings.max_backoff,
        jitter=settings.jitter,
    )


def backend_settings(config: Config, environ: Mapping[str, str]) -> BackendSettings:
    """The backend's settings with its API key read from the variable the config names."""
    drafting: DraftingSettings = config.drafting
    api_key = None
    if drafting.api_key_env:
        api_key = environ.get(drafting.api_key_env)
        if not api_key:
            raise ConfigError(
                str(config.path),
                "[drafting].api_key_env",
                f"the environment variable {drafting.api_key_env} is not set; export the "
                "backend's API key in it, or remove api_key_env for a server without keys",
            )
    return BackendSettings(
        backend=drafting.backend,
        base_url=drafting.base_url,
        model=drafting.model,
        api_key=api_key,
        timeout=drafting.timeout,
        max_attempts=drafting.max_attempts,
        structured_output=drafting.structured_output,
        price_input_per_million=drafting.price_input_per_million,
        price_output_per_million=drafting.price_output_per_million,
        price_per_million_chars=drafting.price_per_million_chars,
    )


def stubs_directory(config: Config) -> Path | None:
    """`[drafting].stubs_dir`, else `var/stubs` beside a SQLite database under `var/`."""
    if config.drafting.stubs_dir is not None:
        return config.drafting.stubs_dir
    var = var_directory(config)
    return var / "stubs" if var is not None else None


def var_directory(config: Config) -> Path | None:
    """`var/` of an embedded SQLite database: where stubs and the digest file are written."""
    url = config.settings.database_url
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).parent
    return None


class App:
    """Everything a command or the service needs; `async with App(config) as app: ...`."""

    def __init__(
        self,
        config: Config,
        clock: Callable[[], datetime] = utc_now,
        environ: Mapping[str, str] = os.environ,
        retry_policy: RetryPolicy | None = None,
        shared_politeness: bool = False,
    ) -> None:
        """`shared_politeness`: book every request's start in the database, so that the gap
        between requests to a host holds across the workers sharing it."""
        backend = backend_settings(config, environ)  # before anything is opened: it may fail
        self.config = config
        self.settings = config.settings
        self.clock = clock
        self.log = get_logger("aggregator")
        self.stop = Stop()
        """Set to stop: every stage claims no more work (see aggregator.stopping)."""
        self.store = open_store(
            config,
            create=True,
            on_created=lambda path: self.log.info("database.created", path=str(path)),
        )
        self.db = Database(self.store)
        shared = shared_politeness and self.settings.per_host_gap > 0
        self.http = HttpClient(client_settings(self.settings), self._book_turn if shared else None)
        self.parser = ParserPool(
            workers=self.settings.parse_workers,
            time_budget=self.settings.parse_time_budget,
            memory_budget_bytes=self.settings.parse_memory_mb * 1024 * 1024,
            max_items=self.settings.max_items_per_feed,
        )
        self.refresher = Refresher(
            http=self.http,
            parser=self.parser,
            store=self.store,
            db=self.db,
            policy=schedule_policy(self.settings),
            clock=clock,
            spread=random.random,
            log=self.log,
            backfill=backfill_of(config),
        )
        self.robots = RobotsCache(self.http)
        self.article_queue = ArticleQueue(self.store)
        """The articles to extract, for the commands and pages that queue or take one."""
        self.articles = ArticleWorker(
            http=self.http,
            robots=self.robots,
            pool=self.parser,
            queue=self.article_queue,
            db=self.db,
            rules=lambda: config.rules,
            clock=clock,
            log=get_logger("aggregator.articles"),
            max_attempts=self.settings.extract_attempts,
            concurrency=self.settings.extract_concurrency,
            lease=timedelta(seconds=self.settings.extract_lease_seconds),
        )
        self.backend: Translator | None = open_backend(backend, retry_policy)
        self.stubs = StubQueue(self.store)
        self.drafter = Drafter(
            config=config,
            queue=self.stubs,
            index=RelatedIndex(self.store, in_memory=not shared_politeness),
            machine=MachineDrafter(
                backend=self.backend,
                settings=config.drafting,
                ledger=Ledger(self.store),
                db=self.db,
                clock=clock,
            ),
            pool=self.parser,
            db=self.db,
            clock=clock,
            log=get_logger("aggregator.drafting"),
            stubs_dir=stubs_directory(config),
            lease=timedelta(seconds=self.settings.draft_lease_seconds),
        )

    async def __aenter__(self) -> App:
        await self.db.run(self.store.sync_feeds, self.config.feeds, self.clock())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.http.aclose()
        if self.backend is not None:
            await self.backend.aclose()
        self.parser.close()
        self.db.close()

    async def _book_turn(self, host: str) -> float:
        return await self.db.run(
            take_turn, self.store, host, self.clock(), self.settings.per_host_gap
        )

    async def select_feeds(
        self, names: Sequence[str] = (), *, due_only: bool = True
    ) -> list[FeedToFetch]:
        return await self.db.run(
            lambda: self.store.feeds_to_fetch(
                self.clock(), self.settings.default_interval, names=names, due_only=due_only
            )
        )

    async def fetch(
        self,
        names: Sequence[str] = (),
        *,
        due_only: bool = True,
        on_report: Callable[[RefreshReport], None] | None = None,
        on_selected: Callable[[int], None] | None = None,
    ) -> list[RefreshReport]:
        feeds = await self.select_feeds(names, due_only=due_only)
        if on_selected is not None:
            on_selected(len(feeds))
        return await self.refresher.refresh_all(feeds, on_report, stop=self.stop)

    async def extract(
        self, on_done: Callable[[ExtractionOutcome], None] | None = None
    ) -> ExtractionReport:
        """Extract every article that is due: the items just fetched and those to retry."""
        return await self.articles.run_due(self.stop, on_done)

    def digest_path(self) -> Path | None:
        if self.config.digest.file is not None:
            return self.config.digest.file
        var = var_directory(self.config)
        return var / "digest.atom" if var is not None else None

    async def draft(self, on_done: Callable[[DraftOutcome], None] | None = None) -> DraftReport:
        """Draft every stub that is due: new articles, redos, and machine steps to retry."""
        return await self.drafter.run_due(self.stop, on_done)

    async def due_counts(self) -> dict[str, int]:
        """How many articles and stubs are due now: the totals a progress display shows."""
        from aggregator.storage.due import due_counts

        return await self.db.run(due_counts, self.store, self.clock())

    async def write_digest(self) -> dict[str, Any]:
        """Rewrite the digest file; what was done, for the log event."""
        from aggregator.digest.build import write_digest

        path = self.digest_path()
        if path is None:
            return {"skipped": "no [digest].file is set for a database that is not SQLite"}
        entries = await self.db.run(write_digest, self.store, self.config, self.clock(), path)
        return {"path": str(path), "entries": entries}

    async def clean_up(self) -> dict[str, Any]:
        """Let go of what is older than the retention period; counts, for the log event."""
        from aggregator.drafting.files import remove_stub_files
        from aggregator.storage.cleanup import clean_up

        report = await self.db.run(clean_up, self.store, self.clock(), self.settings.retention_days)
        directory = stubs_directory(self.config)
        if directory is not None:
            for feed, item_id in report.stubs:
                remove_stub_files(directory, feed, item_id)
        return {
            "articles": report.articles,
            "stubs": len(report.stubs),
            "changes": report.changes,
            "ledger": report.ledger,
        }
