"""Articles: the extracted page of each item, and its extraction work queue.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTC_TIME),
        sa.Column("last_error", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("method", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("text", sa.Text),
        sa.Column("html", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("published", UTC_TIME),
        sa.Column("language", sa.Text),
        sa.Column("quality", sa.Float),
        sa.Column("quality_details", sa.JSON),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("queued_at", UTC_TIME, nullable=False),
        sa.Column("extracted_at", UTC_TIME),
        sa.PrimaryKeyConstraint("item_id", name="pk_articles"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_articles_item_id_items", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_articles_state_next_attempt_at", "articles", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("articles")
