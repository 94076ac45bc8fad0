"""The schema, as SQLAlchemy Core tables. Migrations in `migrations/versions` create the same."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from aggregator.database_kind import is_sqlite


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, whatever the backend stores."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if is_sqlite(dialect) else value

    def process_result_value(self, value: object, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("config_url", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("interval", sa.Integer),
    sa.Column("language", sa.Text),
    sa.Column("tags", sa.JSON, nullable=False, default=list),
    sa.Column("enabled", sa.Boolean, nullable=False, default=True),
    sa.Column("in_config", sa.Boolean, nullable=False, default=True),
    sa.Column("title", sa.Text),
    sa.Column("site_url", sa.Text),
    sa.Column("feed_language", sa.Text),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_checked_at", UTCDateTime),
    sa.Column("last_success_at", UTCDateTime),
    sa.Column("last_status", sa.Text),
    sa.Column("last_http_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("last_problem", sa.Text),
    sa.Column("error_count", sa.Integer, nullable=False, default=0),
    sa.Column("retired_at", UTCDateTime),
    sa.Column("retired_reason", sa.Text),
    sa.Column("next_check_at", UTCDateTime),
    sa.Column("next_check_reason", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index(None, "next_check_at"),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("identity", sa.Text, nullable=False),
    sa.Column("identity_hash", sa.String(64), nullable=False),
    sa.Column("guid", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("summary", sa.Text),
    sa.Column("content", sa.Text),
    sa.Column("published", UTCDateTime),
    sa.Column("updated", UTCDateTime),
    sa.Column("categories", sa.JSON, nullable=False, default=list),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False, default=1),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("last_changed_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("feed_id", "identity_hash"),
    sa.Index(None, "first_seen_at"),
)

item_changes = sa.Table(
    "item_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("changed_at", UTCDateTime, nullable=False),
    sa.Column("previous_hash", sa.String(64), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("previous_title", sa.Text),
    sa.Index(None, "item_id"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column(
        "item_id",
        sa.Integer,
        sa.ForeignKey("items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("method", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("text", sa.Text),
    sa.Column("html", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("published", UTCDateTime),
    sa.Column("language", sa.Text),
    sa.Column("quality", sa.Float),
    sa.Column("quality_details", sa.JSON),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("queued_at", UTCDateTime, nullable=False),
    sa.Column("extracted_at", UTCDateTime),
    sa.Index(None, "state", "next_attempt_at"),
)

stubs = sa.Table(
    "stubs",
    metadata,
    sa.Column(
        "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("work", sa.Text, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("stale", sa.Boolean, nullable=False, default=False),
    sa.Column("stale_reason", sa.Text),
    sa.Column("article_hash", sa.String(64)),
    sa.Column("category", sa.Text),
    sa.Column("source_language", sa.Text),
    sa.Column("target_language", sa.Text),
    sa.Column("parts", sa.JSON),
    sa.Column("provenance", sa.JSON),
    sa.Column("pending", sa.Text),
    sa.Column("errors", sa.JSON, nullable=False, default=list),
    sa.Column("queued_at", UTCDateTime, nullable=False),
    sa.Column("drafted_at", UTCDateTime),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("state_changed_at", UTCDateTime),
    sa.Column("state_changed_by", sa.Text),
    sa.Column("version", sa.Integer, nullable=False, default=1, server_default="1"),
    # Raised by every change of the stub; a desk save names the version it was based on.
    # The title part's content and how many parts are left to write, for the desk's list:
    # set from `parts` by triggers (migration 0009) on every insert and change of `parts`.
    sa.Column("title", sa.Text),
    sa.Column("to_write", sa.Integer, nullable=False, server_default="0"),
    sa.Index(None, "work", "next_attempt_at"),
    # The digest's selection: newest changes first, by state and category, index-only. (No
    # index on state alone: without statistics SQLite would prefer it and sort every stub.)
    sa.Index(None, "updated_at", "state", "category", "drafted_at"),
    # The desk's list: newest drafts first, its filters and counts read in the index.
    sa.Index(
        "ix_stubs_desk_list",
        "drafted_at",
        "item_id",
        "state",
        "category",
        "source_language",
        "stale",
    ),
    # A category or a language: its stubs newest drafts first (the list filtered by it), and
    # the values in use read one probe each (the filter's choices); the category's also covers
    # the digest of one category.
    sa.Index(None, "category", "drafted_at", "item_id", "state", "updated_at"),
    sa.Index(None, "source_language", "drafted_at", "item_id"),
    # The list's count of each state: one small index per state (a partial index, which a
    # query must name its state literally to use; the digest's `state IN (...)` cannot).
    *(
        sa.Index(
            f"ix_stubs_{state}_drafted_at",
            "drafted_at",
            sqlite_where=sa.text(f"state = '{state}'"),
            postgresql_where=sa.text(f"state = '{state}'"),
        )
        for state in ("draft", "reviewed", "approved", "rejected")
    ),
)

article_terms = sa.Table(
    "article_terms",
    metadata,
    sa.Column(
        "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("term", sa.Text, primary_key=True),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Index(None, "term"),
)

backend_calls = sa.Table(
    "backend_calls",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("backend", sa.Text, nullable=False),
    sa.Column("model", sa.Text),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("item_id", sa.Integer),
    sa.Column("part", sa.Text, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("input_tokens", sa.Integer, nullable=False, default=0),
    sa.Column("output_tokens", sa.Integer, nullable=False, default=0),
    sa.Column("characters", sa.Integer, nullable=False, default=0),
    sa.Column("cost", sa.Float),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index(None, "backend", "day"),
)

stub_events = sa.Table(
    "stub_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("detail", sa.Text),
    sa.Index(None, "item_id"),
)

host_turns = sa.Table(
    "host_turns",
    metadata,
    sa.Column("host", sa.Text, primary_key=True),
    sa.Column("next_start_at", UTCDateTime, nullable=False),
)
"""When the next request to a host may start, shared by every worker (the per-host gap)."""

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False, unique=True),
    # The name NFKC-normalised and case-folded (`auth/names.py`): "Ana" and "ana" are one.
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_changed_at", UTCDateTime),
)
"""Who may sign in to the desk; only the argon2id hash of a password is kept."""

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("secret_hash", sa.String(64), primary_key=True),
    sa.Column(
        "account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Index(None, "expires_at"),
    sa.Index(None, "account_id"),
)
"""Browsers signed in: the SHA-256 of the session cookie's secret, never the secret."""

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("label", sa.Text, nullable=False, default=""),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_used_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
    sa.Index(None, "account_id"),
)
"""Personal API and feed tokens: the SHA-256 of each secret, revocable."""

signin_failures = sa.Table(
    "signin_failures",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("last_at", UTCDateTime, nullable=False),
)
"""Failed sign-ins per "account:<name>" or "address:<ip>", for the lock-out's delays."""
