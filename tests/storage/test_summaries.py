"""The desk's list rows: a summary says what the full stub says, the list and its counts are
read through the index (SQLite's plan shows it), and the counts agree with the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from aggregator.drafting.editing import edit_part
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.desk import Desk, StubFilter, _counted, _listed
from aggregator.storage.store import Store
from aggregator.storage.stubs import STUB_QUERY, StubQueue
from aggregator.storage.summaries import SUMMARY_QUERY, StubSummary
from aggregator.storage.tables import stubs
from aggregator.stub_records import (
    EDITED,
    MACHINE_DRAFT,
    PREPARED,
    STATES,
    TO_WRITE,
    Part,
    Stub,
)
from tests.helpers.storage import LEASE, NOW, article, result, stored_item

SHAPES: tuple[tuple[Part, ...], ...] = (
    (Part("title", PREPARED, "Flood in the port"), Part("summary", TO_WRITE, "", prompt="Write.")),
    (
        Part("category", PREPARED, "World"),
        Part("title", MACHINE_DRAFT, "港の洪水 “quoted” \\ and 'single'", original="Flood"),
        Part("background", TO_WRITE, "", prompt="Explain."),
        Part("expert_analysis", TO_WRITE, "", prompt="Analyse."),
    ),
    (Part("summary", PREPARED, "No title part at all."),),
    (Part("title", EDITED, "An editor's title", by="editor Ana"), Part("summary", EDITED, "x")),
)
"""Parts of the stubs drafted: a title first or later, none, CJK and quotes, parts to write."""


def draft(store: Store, guid: str, parts: tuple[Part, ...], feed: str = "one") -> int:
    item_id = stored_item(store, guid, feed)
    ArticleQueue(store).save(item_id, article(f"Text of {guid}.", title=f"Story {guid}"), None, NOW)
    queue = StubQueue(store)
    for job in queue.claim_due(NOW, 10, LEASE, item_ids=[item_id]):
        queue.save(job, result(parts), NOW + timedelta(minutes=len(guid)))
    return item_id


def expected(stub: Stub) -> StubSummary:
    """The summary of `stub` as its full record says it."""
    return StubSummary(
        item_id=stub.item_id,
        title=stub.title,
        feed=stub.feed,
        url=stub.url,
        state=stub.state,
        stale=stub.stale,
        category=stub.category,
        source_language=stub.provenance.source_language,
        target_language=stub.provenance.target_language,
        drafted_at=stub.drafted_at,
        updated_at=stub.updated_at,
        published=stub.published,
        quality=stub.quality,
        to_write=sum(1 for p in stub.parts if p.kind == TO_WRITE),
        version=stub.version,
    )


@pytest.fixture
def desk(store: Store) -> Desk:
    for n, parts in enumerate(SHAPES):
        draft(store, "g" * (n + 1), parts, feed="one" if n % 2 else "two")
    desk = Desk(store, edit=edit_part)
    first, second = (s.item_id for s in desk.find(StubFilter())[:2])
    desk.move(first, "reviewed", "Ana", NOW)
    desk.edit(second, "summary", "Written by hand.", "Ben", NOW)
    desk.edit(first, "title", "Retitled by hand", "Ana", NOW)
    with store.writing() as conn:  # an outside change marks one stale
        conn.execute(stubs.update().where(stubs.c.item_id == second).values(stale=True))
    return desk


FILTERS = (
    StubFilter(),
    StubFilter(states=("reviewed",)),
    StubFilter(states=("draft", "reviewed")),
    StubFilter(feeds=("two",)),
    StubFilter(categories=("World",), languages=("en",)),
    StubFilter(stale=True),
    StubFilter(min_quality=0.5, search="story"),
)


@pytest.mark.parametrize("where", FILTERS, ids=lambda w: repr(w)[10:60])
def test_summaries_say_what_the_full_stubs_say(desk: Desk, where: StubFilter) -> None:
    full = desk.find(where, limit=50)
    summaries = desk.find_summaries(where, limit=50)
    assert summaries == [expected(s) for s in full]
    assert desk.count(where) == len(full)
    by_state = desk.count_by_state(where)
    assert set(by_state) == set(STATES)
    for state in STATES:
        assert by_state[state] == desk.count(replace(where, states=(state,)))
    paged = desk.find_summaries(where, limit=2, offset=1)
    assert paged == summaries[1:3]


def test_the_shapes_are_all_there(desk: Desk) -> None:
    summaries = {s.title: s for s in desk.find_summaries(StubFilter())}
    assert set(summaries) == {
        "Flood in the port",
        "港の洪水 “quoted” \\ and 'single'",
        "",
        "Retitled by hand",
    }
    assert summaries["港の洪水 “quoted” \\ and 'single'"].to_write == 2
    assert summaries["Retitled by hand"].to_write == 0
    assert any(s.state == "reviewed" for s in summaries.values())
    assert any(s.stale for s in summaries.values())


def test_a_part_marked_edited_beside_another_kind_is_not_to_write(store: Store) -> None:
    """Parts stored before the `edited` kind: `edited: true` beside `to_write` reads as edited,
    in the summary as in `Part.from_json`."""
    item_id = draft(store, "old", SHAPES[0])
    old_shape = [
        {"name": "title", "kind": PREPARED, "content": "T"},
        {"name": "summary", "kind": TO_WRITE, "content": "mine", "edited": True},
    ]
    with store.writing() as conn:
        conn.execute(stubs.update().where(stubs.c.item_id == item_id).values(parts=old_shape))
    desk = Desk(store, edit=edit_part)
    (summary,) = desk.find_summaries(StubFilter())
    assert summary == expected(desk.get(item_id))
    assert summary.to_write == 0


def test_the_summary_query_does_not_read_the_parts_into_python(store: Store) -> None:
    names = [c.name for c in SUMMARY_QUERY.selected_columns]
    assert "parts" not in names
    assert "provenance" not in names
    assert "parts" in [c.name for c in STUB_QUERY.selected_columns]


def sqlite_plan(store: Store, query: sa.Select[object]) -> list[str]:
    compiled = query.compile(store.engine, compile_kwargs={"literal_binds": True})
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
    return [str(row[-1]) for row in rows]


@pytest.mark.parametrize(
    "where", [StubFilter(), StubFilter(states=("reviewed",), categories=("World",))]
)
def test_the_list_and_its_counts_are_read_through_the_index(
    store: Store, where: StubFilter
) -> None:
    """SQLite's plan of a page of the list: the stubs in the index's order (no full scan, no
    sort of every stub in a temporary b-tree), and the counts read in the index alone."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL's is in docs/design.md")
    for query in (SUMMARY_QUERY, STUB_QUERY):
        plan = sqlite_plan(store, _listed(query, where, 50, 0))
        stubs_step = next(step for step in plan if " stubs " in f"{step} ")
        assert stubs_step.startswith("SEARCH stubs USING INDEX ix_stubs_"), plan
        assert not any("TEMP B-TREE" in step for step in plan), plan
    (counted,) = sqlite_plan(store, _counted(where, sa.func.count()))
    assert counted.startswith("SEARCH stubs USING COVERING INDEX ix_stubs_"), counted
    (statement,) = executed(store, lambda: Desk(store, edit=edit_part).count_by_state(where))
    with store.engine.connect() as conn:
        plan = [
            str(r[-1])
            for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement[0], statement[1])
        ]
    searches = [step for step in plan if "stubs" in step]
    assert len(searches) == len(STATES), plan
    assert all(step.startswith("SEARCH stubs USING ") for step in searches), plan
    if not where.categories:  # each state's own partial index
        for step, state in zip(searches, STATES, strict=True):
            assert f"USING INDEX ix_stubs_{state}_drafted_at " in step, plan


def executed(store: Store, run: Callable[[], object]) -> list[tuple[str, Any]]:
    """The queries `run` sends, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    return seen


def test_the_filter_choices_are_the_values_in_use(desk: Desk) -> None:
    with desk.store.engine.connect() as conn:
        for column, key in (
            (stubs.c.category, "categories"),
            (stubs.c.source_language, "languages"),
        ):
            distinct = conn.execute(
                sa.select(column).where(column.is_not(None)).distinct().order_by(column)
            ).scalars()
            assert desk.facets()[key] == list(distinct)
    assert desk.facets()["categories"] == ["World"]


def test_stubs_drafted_before_the_columns_get_them_on_upgrade(database_url: str) -> None:
    """A database at 0008 with drafted stubs: migration 0009 fills `title` and `to_write`."""
    from alembic import command
    from alembic.config import Config

    from aggregator.storage.engine import MIGRATIONS, create_engine

    engine = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.exec_driver_sql(
            "INSERT INTO feeds (id, name, config_url, url, tags, enabled, in_config, "
            "error_count, created_at) VALUES (1, 'one', 'u', 'u', '[]', true, true, 0, "
            "'2026-12-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO items (id, feed_id, identity, identity_hash, categories, content_hash, "
            "revision, first_seen_at, last_changed_at) VALUES (7, 1, 'i', 'h', '[]', 'c', 1, "
            "'2026-12-01 00:00:00', '2026-12-01 00:00:00')"
        )
        parts = [p.to_json() for p in SHAPES[1]]
        connection.execute(
            stubs.insert().values(
                item_id=7,
                state="draft",
                work="drafted",
                attempts=0,
                stale=False,
                errors=[],
                parts=parts,
                queued_at=NOW,
                updated_at=NOW,
                drafted_at=NOW,
            )
        )
    engine.dispose()
    store = Store.open(database_url)
    try:
        (summary,) = Desk(store, edit=edit_part).find_summaries(StubFilter())
        assert (summary.title, summary.to_write) == ("港の洪水 “quoted” \\ and 'single'", 2)
    finally:
        store.close()
