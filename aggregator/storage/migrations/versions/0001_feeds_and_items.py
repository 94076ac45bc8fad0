"""Feeds, items and item changes.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("config_url", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("interval", sa.Integer),
        sa.Column("language", sa.Text),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("in_config", sa.Boolean, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("site_url", sa.Text),
        sa.Column("feed_language", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_checked_at", UTC_TIME),
        sa.Column("last_success_at", UTC_TIME),
        sa.Column("last_status", sa.Text),
        sa.Column("last_http_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("last_problem", sa.Text),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("retired_at", UTC_TIME),
        sa.Column("retired_reason", sa.Text),
        sa.Column("next_check_at", UTC_TIME),
        sa.Column("next_check_reason", sa.Text),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("name", name="uq_feeds_name"),
    )
    op.create_index("ix_feeds_next_check_at", "feeds", ["next_check_at"])
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, nullable=False),
        sa.Column("identity", sa.Text, nullable=False),
        sa.Column("identity_hash", sa.String(64), nullable=False),
        sa.Column("guid", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("summary", sa.Text),
        sa.Column("content", sa.Text),
        sa.Column("published", UTC_TIME),
        sa.Column("updated", UTC_TIME),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("first_seen_at", UTC_TIME, nullable=False),
        sa.Column("last_changed_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name="fk_items_feed_id_feeds", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("feed_id", "identity_hash", name="uq_items_feed_id_identity_hash"),
    )
    op.create_index("ix_items_first_seen_at", "items", ["first_seen_at"])
    op.create_table(
        "item_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("changed_at", UTC_TIME, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("previous_title", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_item_changes"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_item_changes_item_id_items", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_item_changes_item_id", "item_changes", ["item_id"])


def downgrade() -> None:
    op.drop_table("item_changes")
    op.drop_table("items")
    op.drop_table("feeds")
