"""From the store to a finished digest document: the query for a view, its validators, the
document in either format, and `write_digest` for the file the service keeps up to date.

A `DigestMaker` is made once per config: it holds what every build of that config shares (the
settings and the feeds' credited source names) and a fingerprint of them, which goes into every
entity tag, so a changed `[digest]` table or credit changes the tags too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from aggregator.atomic import write_atomically
from aggregator.digest.atom import ATOM_TYPE, write_atom
from aggregator.digest.cache import EntryCache, Rendered
from aggregator.digest.conditional import strong_etag
from aggregator.digest.jsonfeed import JSON_FEED_TYPE, write_json_feed
from aggregator.digest.model import EPOCH, Digest, DigestEntry, category_slug, entry_of, feed_id
from aggregator.digest.settings import DigestSettings
from aggregator.digest.views import ATOM, JSON, DigestView, paging_links, view_url
from aggregator.storage.digest import DigestPage, DigestQuery, DigestState, digest_page
from aggregator.stub_records import Stub

if TYPE_CHECKING:
    from aggregator.config import Config
    from aggregator.storage.store import Store

DOCUMENT_VERSION = 2
"""Raised when the documents' shape changes, so cached copies are not taken for current."""
MEDIA_TYPES = {ATOM: f"{ATOM_TYPE}; charset=utf-8", JSON: JSON_FEED_TYPE}


@dataclass(frozen=True, slots=True)
class DigestMaker:
    settings: DigestSettings
    source_names: Mapping[str, str]
    """Feed name -> the source's name, credited when an article has no author."""
    categories: tuple[str, ...]
    """The categories the config names (its rules and the default)."""
    fingerprint: str

    @classmethod
    def of(cls, config: Config) -> DigestMaker:
        names = {f.name: f.source.name for f in config.feeds if f.source and f.source.name}
        rules = [rule.name for rule in config.drafting.categories]
        categories = tuple(dict.fromkeys([*rules, config.drafting.default_category]))
        fingerprint = strong_etag(DOCUMENT_VERSION, config.digest, sorted(names.items()))
        return cls(config.digest, names, categories, fingerprint)

    def query(self, view: DigestView, now: datetime) -> DigestQuery:
        return DigestQuery(
            states=self.settings.states,
            categories=view.categories,
            since=now - timedelta(days=self.settings.window_days),
            limit=self.settings.limit,
            offset=(view.page - 1) * self.settings.limit,
        )

    def etag(self, view: DigestView, state: DigestState) -> str:
        newest = state.newest.isoformat() if state.newest is not None else ""
        return strong_etag(
            self.fingerprint,
            view.format,
            view.slug,
            view.categories,
            view.page,
            state.count,
            newest,
            *([view.token] if view.token else []),  # each token's documents are its own
        )

    def entry(self, stub: Stub) -> DigestEntry:
        return entry_of(stub, self.source_names, self.settings.base_url)

    def digest(
        self, page: DigestPage, view: DigestView, entries: EntryCache | None = None
    ) -> Digest:
        settings, base = self.settings, self.settings.base_url
        title = settings.title
        if view.categories:
            title = f"{title}: {', '.join(view.categories)}"
        paging = paging_links(base, view, page.state.count, settings.limit)
        return Digest(
            id=feed_id(base, view.slug),
            title=title,
            author=settings.title,
            updated=page.state.newest or EPOCH,
            self_url=view_url(base, view),
            home_url=f"{base}/stubs",
            paging=paging,
            next_url=next((link.href for link in paging if link.rel == "next"), None),
            entries=tuple(
                self.entry(stub) if entries is None else entries.get_or_make(stub, self.entry)
                for stub in page.stubs
            ),
        )

    def render(
        self, page: DigestPage, view: DigestView, entries: EntryCache | None = None
    ) -> Rendered:
        """The document of `view` from `page`, with validators of the same snapshot; entries
        of unchanged stubs are taken from `entries` when given."""
        digest = self.digest(page, view, entries)
        body = write_atom(digest) if view.format == ATOM else write_json_feed(digest)
        return Rendered(
            body=body,
            media_type=MEDIA_TYPES[view.format],
            etag=self.etag(view, page.state),
            last_modified=page.state.newest,
            entries=len(digest.entries),
        )


def matching_categories(slug: str, names: Iterable[str]) -> tuple[str, ...]:
    """The category names among `names` whose slug is `slug` (usually one, or none)."""
    return tuple(sorted({name for name in names if category_slug(name) == slug}))


def write_digest(store: Store, config: Config, now: datetime, path: Path) -> int:
    """Write the first page of the Atom digest to `path` atomically; returns its entries."""
    maker = DigestMaker.of(config)
    view = DigestView(ATOM)
    rendered = maker.render(digest_page(store, maker.query(view, now)), view)
    write_atomically(path, rendered.body)
    return rendered.entries
