"""An index for the digest: stubs by last change, state and category.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_stubs_updated_at_state_category_drafted_at",
        "stubs",
        ["updated_at", "state", "category", "drafted_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_stubs_updated_at_state_category_drafted_at", table_name="stubs")
