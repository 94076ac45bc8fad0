"""`aggregator stubs` and `aggregator draft`: the stubs as a table or JSON lines, and drafting
on request."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.listing import (
    check_names,
    format_option,
    limit_option,
    newest,
    since_option,
    write_json,
)

if TYPE_CHECKING:
    from aggregator.stub_records import Stub


@click.command()
@format_option
@click.option("--feed", "feeds", multiple=True, metavar="NAME", help="Only this feed (repeatable).")
@click.option(
    "--state",
    "states",
    multiple=True,
    help="Only stubs in this state: draft, reviewed, approved, rejected (repeatable).",
)
@click.option("--stale", is_flag=True, help="Only stubs whose source changed since drafting.")
@since_option("stubs drafted")
@limit_option
@pass_context
def stubs(
    ctx: Context,
    fmt: str,
    feeds: tuple[str, ...],
    states: tuple[str, ...],
    stale: bool,
    since: datetime | None,
    limit: int | None,
) -> None:
    """The drafted stubs: a table for people, or JSON (one array, or an object a line) for
    scripts."""
    from aggregator.storage.opening import open_existing
    from aggregator.storage.stubs import StubQueue
    from aggregator.stub_records import STATES

    check_names("--state", states, STATES)
    config = ctx.config()
    store = open_existing(config)
    try:
        if feeds:
            check_names("--feed", feeds, {f.name for f in config.feeds} | store.feed_names().keys())
        queue = StubQueue(store)
        found = [
            s
            for s in queue.list()
            if (not feeds or s.feed in feeds)
            and (not states or s.state in states)
            and (not stale or s.stale)
            and (since is None or s.drafted_at >= since)
        ]
        found = list(newest(found, limit))  # by item id: the newest items' stubs
        if fmt == "table":
            _table(found, queue.counts())
        else:
            from aggregator.web.api.answers import Stub as StubAnswer

            write_json((StubAnswer.of(stub).model_dump(mode="json") for stub in found), fmt)
    finally:
        store.close()


def _table(found: list[Stub], counts: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("item", "feed", "state", "machine", "category", "lang", "title"):
        table.add_column(column, no_wrap=column != "title", overflow="fold")
    for stub in found:
        source = stub.provenance.source_language or "?"
        machine = "pending" if stub.pending else "done"
        state = stub.state + (" (stale)" if stub.stale else "")
        table.add_row(
            str(stub.item_id),
            stub.feed,
            state,
            machine,
            stub.category or "",
            f"{source}->{stub.provenance.target_language}",
            stub.title[:90],
        )
    console = Console(file=sys.stdout, width=160)
    console.print(table)
    queued = counts.get("queued", 0)
    tail = f"; {queued} queued for drafting" if queued else ""
    console.print(f"{len(found)} stubs{tail}")


@click.command()
@click.option("--item", "item_id", type=int, metavar="ID", help="Draft this item's stub now.")
@click.option(
    "--redo",
    is_flag=True,
    help="Draft again: the --item's stub, or else every stale stub. Edited parts are kept.",
)
@pass_context
def draft(ctx: Context, item_id: int | None, redo: bool) -> None:
    """Draft the stubs that are due (new articles, machine steps to retry), or one, or redo."""
    from aggregator.cli.fetch import stubs_line

    config = ctx.config()
    report = asyncio.run(_draft(config, item_id, redo))
    click.echo(stubs_line(report))


async def _draft(config: Any, item_id: int | None, redo: bool) -> Any:
    from aggregator.app import App

    async with App(config) as app:
        now = app.clock()
        if item_id is not None:
            found = await app.db.run(app.stubs.work_of, item_id)
            if found is None:  # held back, or not extracted yet: extract it now
                await _extract_now(app, item_id)
            elif found == "drafted" and not redo:
                raise click.ClickException(
                    f"item {item_id} is drafted already; add --redo to draft it again"
                )
            else:
                await app.db.run(lambda: app.stubs.redo([item_id], now, stale_only=False))
        elif redo:
            await app.db.run(lambda: app.stubs.redo(None, now, stale_only=True))
        return await app.draft()


async def _extract_now(app: Any, item_id: int) -> None:
    """An item without a stub: queue its article (one of a first fetch's backlog, or let go by
    the cleanup) and extract it here, which queues its stub."""
    from aggregator.records import Retry

    state = await app.db.run(app.article_queue.request, item_id, app.clock())
    if state is None:
        raise click.ClickException(f"there is no item {item_id} (see `aggregator items`)")
    claimed = await app.db.run(
        lambda: app.article_queue.claim_due(app.clock(), 1, app.articles.lease, item_ids=[item_id])
    )
    if not claimed:
        raise click.ClickException(
            f"item {item_id}'s article is being extracted elsewhere or waits to be tried "
            "again; ask again later"
        )
    if isinstance(await app.articles.extract(claimed[0]), Retry):
        raise click.ClickException(
            f"item {item_id}'s page could not be had now; it will be tried again and drafted "
            "when it is extracted"
        )
