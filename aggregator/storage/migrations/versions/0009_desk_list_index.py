"""The desk's list without the parts: an index for it, and the two things a list row takes from
the parts (the title, how many parts are left to write) kept in columns by the database.

The index serves the list newest drafts first, with the columns its filters and counts read, so
a page of 50 and its counts are index scans instead of a sort of every stub; two more serve the
list filtered by a category or a language in order, and find the values in use (the filter's
choices) with one probe each instead of reading every stub; a partial index per state counts
each state's stubs alone (the list's counts per state). `title` and
`to_write` are set from `parts` by triggers on every insert and every change of `parts`, whoever
writes them (drafting, an editor, a related-news refresh, a test), so a summary can never
disagree with its stub; reading them from the JSON at each list request cost more than the rest
of the list together.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEX = "ix_stubs_desk_list"
CATEGORY = "ix_stubs_category_drafted_at_item_id_state_updated_at"
LANGUAGE = "ix_stubs_source_language_drafted_at_item_id"
STATES = ("draft", "reviewed", "approved", "rejected")


def _sqlite_title(parts: str) -> str:
    return (
        f"(SELECT json_extract(p.value, '$.content') FROM json_each({parts}) AS p "
        "WHERE json_extract(p.value, '$.name') = 'title' LIMIT 1)"
    )


def _sqlite_to_write(parts: str) -> str:
    # A part marked `edited` beside another kind (stored before the `edited` kind) is edited.
    return (
        f"(SELECT count(*) FROM json_each({parts}) AS p "
        "WHERE json_extract(p.value, '$.kind') = 'to_write' "
        "AND json_extract(p.value, '$.edited') IS NOT 1)"
    )


def _postgresql_title(parts: str) -> str:
    return (
        f"CASE WHEN json_typeof({parts}) = 'array' THEN (SELECT p ->> 'content' "
        f"FROM json_array_elements({parts}) AS p WHERE p ->> 'name' = 'title' LIMIT 1) END"
    )


def _postgresql_to_write(parts: str) -> str:
    return (
        f"CASE WHEN json_typeof({parts}) = 'array' THEN (SELECT count(*) "
        f"FROM json_array_elements({parts}) AS p WHERE p ->> 'kind' = 'to_write' "
        "AND coalesce(p ->> 'edited', '') <> 'true') ELSE 0 END"
    )


_SQLITE_SET = (
    f"SET title = {_sqlite_title('NEW.parts')}, to_write = {_sqlite_to_write('NEW.parts')} "
    "WHERE item_id = NEW.item_id"
)
SQLITE = [
    f"CREATE TRIGGER stubs_summary_insert AFTER INSERT ON stubs BEGIN "
    f"UPDATE stubs {_SQLITE_SET}; END",
    f"CREATE TRIGGER stubs_summary_update AFTER UPDATE OF parts ON stubs BEGIN "
    f"UPDATE stubs {_SQLITE_SET}; END",
    f"UPDATE stubs SET title = {_sqlite_title('parts')}, to_write = {_sqlite_to_write('parts')}",
]

POSTGRESQL = [
    f"""CREATE FUNCTION stubs_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.title := {_postgresql_title("NEW.parts")};
    NEW.to_write := {_postgresql_to_write("NEW.parts")};
    RETURN NEW;
END $$""",
    "CREATE TRIGGER stubs_summary BEFORE INSERT OR UPDATE OF parts ON stubs "
    "FOR EACH ROW EXECUTE FUNCTION stubs_summary()",
    f"UPDATE stubs SET title = {_postgresql_title('parts')}, "
    f"to_write = {_postgresql_to_write('parts')}",
]


def upgrade() -> None:
    op.add_column("stubs", sa.Column("title", sa.Text))
    op.add_column("stubs", sa.Column("to_write", sa.Integer, nullable=False, server_default="0"))
    op.create_index(
        INDEX, "stubs", ["drafted_at", "item_id", "state", "category", "source_language", "stale"]
    )
    op.create_index(CATEGORY, "stubs", ["category", "drafted_at", "item_id", "state", "updated_at"])
    op.create_index(LANGUAGE, "stubs", ["source_language", "drafted_at", "item_id"])
    for state in STATES:
        where = sa.text(f"state = '{state}'")
        op.create_index(
            f"ix_stubs_{state}_drafted_at",
            "stubs",
            ["drafted_at"],
            sqlite_where=where,
            postgresql_where=where,
        )
    bind = op.get_bind()
    for statement in POSTGRESQL if bind.dialect.name == "postgresql" else SQLITE:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER stubs_summary ON stubs")
        bind.exec_driver_sql("DROP FUNCTION stubs_summary()")
    else:
        bind.exec_driver_sql("DROP TRIGGER stubs_summary_insert")
        bind.exec_driver_sql("DROP TRIGGER stubs_summary_update")
    for state in STATES:
        op.drop_index(f"ix_stubs_{state}_drafted_at", table_name="stubs")
    op.drop_index(LANGUAGE, table_name="stubs")
    op.drop_index(CATEGORY, table_name="stubs")
    op.drop_index(INDEX, table_name="stubs")
    with op.batch_alter_table("stubs") as batch:
        batch.drop_column("to_write")
        batch.drop_column("title")
