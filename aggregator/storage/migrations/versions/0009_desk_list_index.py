"""An index for the desk's list: newest drafts first, with the columns its filters and counts
read, so a page of 50 and its counts are index scans instead of a sort of every stub.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NAME = "ix_stubs_desk_list"


def upgrade() -> None:
    op.create_index(
        NAME, "stubs", ["drafted_at", "item_id", "state", "category", "source_language", "stale"]
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="stubs")
