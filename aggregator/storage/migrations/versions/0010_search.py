"""Full-text search over the stubs: an FTS5 table on SQLite, a tsvector table with a GIN index
on PostgreSQL (`storage/search.py`), filled with every stub there is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from aggregator.storage import search

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    search.create_tables(bind)
    search.index_all(bind)


def downgrade() -> None:
    search.drop_tables(op.get_bind())
