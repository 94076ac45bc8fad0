"""Stubs: item categories, the drafted stubs, article terms for related search, backend ledger.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("categories", sa.JSON, nullable=False, server_default="[]"))
    op.create_table(
        "stubs",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("work", sa.Text, nullable=False),
        sa.Column("next_attempt_at", UTC_TIME),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("stale", sa.Boolean, nullable=False),
        sa.Column("stale_reason", sa.Text),
        sa.Column("article_hash", sa.String(64)),
        sa.Column("category", sa.Text),
        sa.Column("source_language", sa.Text),
        sa.Column("target_language", sa.Text),
        sa.Column("parts", sa.JSON),
        sa.Column("provenance", sa.JSON),
        sa.Column("pending", sa.Text),
        sa.Column("errors", sa.JSON, nullable=False),
        sa.Column("queued_at", UTC_TIME, nullable=False),
        sa.Column("drafted_at", UTC_TIME),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("state_changed_at", UTC_TIME),
        sa.Column("state_changed_by", sa.Text),
        sa.PrimaryKeyConstraint("item_id", name="pk_stubs"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_stubs_item_id_items", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_stubs_work_next_attempt_at", "stubs", ["work", "next_attempt_at"])
    op.create_index("ix_stubs_state", "stubs", ["state"])
    op.create_table(
        "article_terms",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("term", sa.Text, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("item_id", "term", name="pk_article_terms"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_article_terms_item_id_items", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_article_terms_term", "article_terms", ["term"])
    op.create_table(
        "backend_calls",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("backend", sa.Text, nullable=False),
        sa.Column("model", sa.Text),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("item_id", sa.Integer),
        sa.Column("part", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("input_tokens", sa.Integer, nullable=False),
        sa.Column("output_tokens", sa.Integer, nullable=False),
        sa.Column("characters", sa.Integer, nullable=False),
        sa.Column("cost", sa.Float),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_backend_calls"),
    )
    op.create_index("ix_backend_calls_backend_day", "backend_calls", ["backend", "day"])


def downgrade() -> None:
    op.drop_table("backend_calls")
    op.drop_table("article_terms")
    op.drop_table("stubs")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("categories")
