"""Workers on PostgreSQL: the per-host turns they share, and procrastinate's job tables.

procrastinate's schema comes from the installed package (pinned to one minor release in
pyproject.toml); a later release's migration scripts become later revisions here. SQLite runs no
workers and gets only `host_turns`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.storage.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "host_turns",
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("next_start_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("host", name="pk_host_turns"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and not sa.inspect(bind).has_table("procrastinate_jobs"):
        from procrastinate.schema import SchemaManager

        # Plain SQL with functions and triggers; the driver runs it as one simple query.
        bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    op.drop_table("host_turns")
