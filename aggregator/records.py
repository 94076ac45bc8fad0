"""Small frozen records passed between the stages of the pipeline.

Nothing here does I/O; nothing here imports a third-party library.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One entry of a feed, normalised: plain-text title, sanitised HTML, absolute http(s) link."""

    guid: str | None
    link: str | None
    title: str | None
    author: str | None = None
    summary: str | None = None
    content: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    """The item's own categories or tags, as plain text, in feed order, without repeats."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed document after parsing; `problem` is set when it was malformed but readable."""

    format: str
    title: str | None
    link: str | None
    items: tuple[ParsedItem, ...]
    language: str | None = None
    ttl_minutes: int | None = None
    update_period_minutes: int | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class FeedToFetch:
    """What the fetcher needs to know about one feed: where it is and what we saw last time."""

    feed_id: int
    name: str
    url: str
    interval_minutes: int
    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0
    manual: bool = False
    """Asked for by hand (`fetch --feed`, `--all`, "Fetch now"): its failure is not counted."""
    never_fetched: bool = False
    """No fetch of this feed has succeeded yet."""


@dataclass(frozen=True, slots=True)
class CacheHints:
    """Freshness headers of a response, already interpreted."""

    max_age_seconds: int | None = None
    expires: datetime | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A 200 response with its decoded body."""

    status: int
    body: bytes
    url: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    cache: CacheHints = CacheHints()
    permanent_url: str | None = None


@dataclass(frozen=True, slots=True)
class NotModified:
    """A 304 response: nothing to parse; the validators stay or are refreshed."""

    url: str
    etag: str | None
    last_modified: str | None
    cache: CacheHints = CacheHints()
    permanent_url: str | None = None


@dataclass(frozen=True, slots=True)
class Gone:
    """A 410 response: the publisher says the feed is gone for good."""

    url: str


@dataclass(frozen=True, slots=True)
class RetryLater:
    """429 or 503 with a Retry-After: the server asked us to come back later (not an error)."""

    status: int
    url: str
    retry_at: datetime


@dataclass(frozen=True, slots=True)
class FetchFailed:
    """Anything else that did not give us a feed; `reason` is meant for people."""

    url: str
    reason: str
    status: int | None = None
    permanent_url: str | None = None


FetchResult = Fetched | NotModified | Gone | RetryLater | FetchFailed


class Outcome(enum.StrEnum):
    """How a refresh of one feed ended, as stored in `feeds.last_status`."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    RETRY_LATER = "retry_later"
    ERROR = "error"
    GONE = "gone"


@dataclass(frozen=True, slots=True)
class ScheduleInput:
    """Everything the scheduling decision depends on, besides `now` and the settings."""

    outcome: Outcome
    interval_minutes: int
    error_count: int = 0
    ttl_minutes: int | None = None
    update_period_minutes: int | None = None
    cache: CacheHints = CacheHints()
    retry_at: datetime | None = None
    manual: bool = False
    """The fetch was asked for by hand: its failure does not lengthen the backoff."""
    never_fetched: bool = False
    """No fetch has succeeded yet: errors are retried within minutes at first."""


@dataclass(frozen=True, slots=True)
class NextCheck:
    """When to look at a feed again and why; `at` is None once the feed is retired."""

    at: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """An item ready to be written: its identity key and its content hash are computed."""

    identity: str
    content_hash: str
    item: ParsedItem


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """The planner's decision for one fetched feed."""

    new: tuple[ItemRecord, ...] = ()
    changed: tuple[ItemRecord, ...] = ()
    unchanged: int = 0
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """Everything one refresh writes to the feed's row, decided before touching the store.

    `None` for a validator means "keep the stored one"; `moved_to` replaces the stored URL.
    """

    outcome: Outcome
    checked_at: datetime
    next_check: NextCheck
    error_count: int
    http_status: int | None = None
    error: str | None = None
    problem: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None
    title: str | None = None
    site_url: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one feed refresh did: the structured log event and the CLI summary are made of it."""

    feed: str
    outcome: Outcome
    new_items: int = 0
    changed_items: int = 0
    http_status: int | None = None
    error: str | None = None
    problem: str | None = None
    next_check: NextCheck | None = None
    moved_to: str | None = None
    seconds: float = 0.0
    new_item_ids: tuple[int, ...] = field(default=())
    """New items whose articles were queued (a first fetch holds back all but the newest)."""
    backlog_items: int = 0
    """New items of a first fetch stored without their articles (older than `backfill_items`)."""


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What one extractor (a site rule or the generic one) found in a page: raw, not cleaned."""

    text: str
    html: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Quality:
    """How far an extracted article can be trusted; `score` in [0, 1], 1 the best.

    `length_ratio` is the article's length over the feed summary's (None without a summary);
    `wall` names a detected paywall or consent wall; `notes` say what lowered the score.
    """

    score: float
    length_ratio: float | None = None
    link_density: float = 0.0
    language: str | None = None
    language_matches: bool | None = None
    wall: str | None = None
    notes: tuple[str, ...] = ()


class ExtractionMethod(enum.StrEnum):
    """What made a stored article, as stored in `articles.method`."""

    RULE = "rule"
    """The site rule matching its URL (articles/rules.py)."""
    GENERIC = "generic"
    """The generic extractor (articles/generic.py)."""
    FEED = "feed"
    """The feed's own text: the page gave nothing usable, or could not be had."""


@dataclass(frozen=True, slots=True)
class Article:
    """The stored form of an item's article: plain text, sanitised HTML and what made them."""

    method: ExtractionMethod
    text: str
    html: str
    quality: Quality
    content_hash: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article extracted and stored, made by `method`."""

    method: ExtractionMethod


@dataclass(frozen=True, slots=True)
class Retry:
    """The page could not be had for now (or extraction broke): the article is tried again
    later, `reason` stored with it."""

    reason: str


@dataclass(frozen=True, slots=True)
class GivenBack:
    """Its page was still loading when the run was stopped: given back untried, due now."""


ExtractionOutcome = Extracted | Retry | GivenBack
"""How one article's turn in the extraction queue ended."""


class DraftOutcome(enum.StrEnum):
    """How one stub's turn in the drafting queue ended (the label of the drafts metric)."""

    DRAFTED = "drafted"
    PENDING = "pending"
    """Drafted and stored, with a machine step (translation, writing) to try again."""
    FAILED = "failed"
    """Not stored: an error of ours, logged; the stub is tried again later."""


@dataclass(frozen=True, slots=True)
class SavedRefresh:
    """What the store did with one refresh (`StageStorage.save_refresh`)."""

    plan: ItemPlan
    new_item_ids: tuple[int, ...]
    queued_item_ids: tuple[int, ...] = ()
    """New items whose articles were queued: all of them, but on a first fetch the newest."""


@dataclass(frozen=True, slots=True)
class PendingArticle:
    """An item whose page is to be fetched and extracted, with what the chain needs of it."""

    item_id: int
    feed: str
    feed_language: str | None
    item: ParsedItem
    attempts: int
