"""`aggregator fetch`: one pass over the feeds, then their articles and stubs, with a summary
for people or one JSON object for scripts; Ctrl-C stops it with the summary of what was done."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from aggregator.cli_context import Context, pass_context
from aggregator.cli_listing import check_names, refuse_retired

if TYPE_CHECKING:
    from aggregator.articles.worker import ExtractionReport
    from aggregator.config import Config
    from aggregator.drafting.drafter import DraftReport
    from aggregator.records import RefreshReport


@click.command()
@click.option("--all", "all_feeds", is_flag=True, help="Every enabled feed, due or not.")
@click.option("--feed", "names", multiple=True, metavar="NAME", help="Only this feed (repeatable).")
@click.option(
    "--no-extract",
    is_flag=True,
    help="Only the feeds: leave new articles queued for a later pass or the service.",
)
@click.option(
    "--queue",
    "to_workers",
    is_flag=True,
    help="Queue the refreshes for the workers (PostgreSQL) instead of fetching here.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="The summary as lines for people, or one JSON object for scripts.",
)
@pass_context
def fetch(
    ctx: Context,
    all_feeds: bool,
    names: tuple[str, ...],
    no_extract: bool,
    to_workers: bool,
    fmt: str,
) -> None:
    """One pass over the feeds that are due (or --all, or --feed NAME), then their articles
    and the stubs of those articles."""
    config = ctx.checked_config()
    known = {f.name: f for f in config.feeds}
    check_names("--feed", names, known)
    for name in names:
        if not known[name].enabled:
            raise click.ClickException(
                f"feed {name!r} is disabled in {config.path} (enabled = false); "
                "set enabled = true to fetch it"
            )
    if to_workers:
        from aggregator.cli_workers import queue_fetch

        queued = asyncio.run(queue_fetch(config, names, force=all_feeds or bool(names)))
        if fmt == "json":
            click.echo(json.dumps({"queued": queued}))
        else:
            click.echo(f"{queued} refreshes queued for the workers")
        return
    started = time.perf_counter()
    done = asyncio.run(_fetch(config, names, due_only=not all_feeds, extract=not no_extract))
    seconds = time.perf_counter() - started
    if fmt == "json":
        click.echo(json.dumps(summary_json(done, seconds), ensure_ascii=False))
    else:
        click.echo(summary_line(done.reports, seconds))
        if done.articles is not None:
            click.echo(articles_line(done.articles))
        if done.stubs is not None:
            click.echo(stubs_line(done.stubs))
    if done.interrupted is not None:
        left = done.selected - len(done.reports)
        unfinished = f" ({left} of {done.selected} feeds not done)" if left > 0 else ""
        click.echo(f"interrupted during {done.interrupted}{unfinished}", err=True)
        sys.exit(130)


@dataclass
class FetchRun:
    """What a `fetch` got done; `interrupted` names the stage Ctrl-C stopped."""

    reports: list[RefreshReport] = field(default_factory=list)
    selected: int = 0
    articles: ExtractionReport | None = None
    stubs: DraftReport | None = None
    interrupted: str | None = None


async def _fetch(
    config: Config, names: Sequence[str], *, due_only: bool, extract: bool
) -> FetchRun:
    """Ctrl-C cancels this task (asyncio.run's handler): the stage under way stops, its units
    in flight are cancelled, and what was done is returned for the summary."""
    from aggregator.app import App
    from aggregator.cli_output import progress

    run = FetchRun()
    async with App(config) as app:
        refuse_retired(await app.db.run(app.store.feed_rows), names)

        def select(count: int) -> None:
            run.selected = count
            bar.start(count)

        def advance(report: RefreshReport) -> None:
            run.reports.append(report)
            bar.advance(report)

        stage = "the feeds"
        try:
            with progress(sys.stderr) as bar:
                await app.fetch(names, due_only=due_only, on_selected=select, on_report=advance)
            if extract:
                stage = "extraction"
                run.articles = await app.extract()
                stage = "drafting"
                run.stubs = await app.draft()
        except asyncio.CancelledError:
            run.interrupted = stage
    return run


def stubs_line(report: DraftReport) -> str:
    outcomes = report.outcomes
    line = f"{report.drafted} stubs drafted"
    if outcomes["pending"]:
        line += f" ({outcomes['pending']} with machine steps pending)"
    if outcomes["failed"]:
        line += f"; {outcomes['failed']} failed, to retry"
    return line


def articles_line(report: ExtractionReport) -> str:
    methods = ", ".join(f"{n} {method}" for method, n in sorted(report.methods.items()))
    line = f"{report.stored} articles extracted" + (f" ({methods})" if methods else "")
    if report.retrying:
        line += f"; {report.retrying} to retry later"
    return line


def summary_json(run: FetchRun, seconds: float) -> dict[str, Any]:
    """`fetch --format json`: the same facts as the summary lines, every failed feed named."""
    from collections import Counter

    reports = run.reports
    return {
        "feeds": len(reports),
        "selected": run.selected,
        "seconds": round(seconds, 3),
        "outcomes": dict(sorted(Counter(r.outcome.value for r in reports).items())),
        "new_items": sum(r.new_items for r in reports),
        "changed_items": sum(r.changed_items for r in reports),
        "backlog_items": sum(r.backlog_items for r in reports),
        "errors": [{"feed": r.feed, "error": r.error} for r in reports if r.error],
        "articles": None
        if run.articles is None
        else {
            "extracted": run.articles.stored,
            "methods": dict(sorted(run.articles.methods.items())),
            "retrying": run.articles.retrying,
        },
        "stubs": None
        if run.stubs is None
        else {"drafted": run.stubs.drafted, **dict(sorted(run.stubs.outcomes.items()))},
        "interrupted": run.interrupted,
    }


def summary_line(reports: Sequence[RefreshReport], seconds: float) -> str:
    from collections import Counter

    outcomes = Counter(r.outcome.value for r in reports)
    new = sum(r.new_items for r in reports)
    changed = sum(r.changed_items for r in reports)
    parts = ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in sorted(outcomes.items()))
    line = (
        f"{len(reports)} feeds in {seconds:.1f} s: {parts or 'none due'}; "
        f"{new} new items, {changed} changed"
    )
    backlog = sum(r.backlog_items for r in reports)
    if backlog:
        line += f" ({backlog} older items of first fetches stored without articles)"
    failed = [r for r in reports if r.error]
    if failed:
        shown = "; ".join(f"{r.feed}: {r.error}" for r in failed[:3])
        more = f" (+{len(failed) - 3} more, see `aggregator feeds`)" if len(failed) > 3 else ""
        line += f"\nerrors: {shown}{more}"
    return line
