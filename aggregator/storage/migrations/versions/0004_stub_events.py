"""Stub events: who moved or edited a stub, and when.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stub_events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("detail", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_stub_events"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_stub_events_item_id_items", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_stub_events_item_id", "stub_events", ["item_id"])


def downgrade() -> None:
    op.drop_table("stub_events")
