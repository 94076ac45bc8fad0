"""Drop the index on stubs.state: the digest's index serves better, and without statistics
SQLite picked the state index and sorted every stub.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_stubs_state", table_name="stubs")


def downgrade() -> None:
    op.create_index("ix_stubs_state", "stubs", ["state"])
