"""`aggregator fetch`: one pass over the feeds, then their articles and stubs, with progress over
the three stages and a summary (each stage's time) for people or one JSON object for scripts;
Ctrl-C stops it with the summary of what was done."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.listing import check_names, refuse_retired

if TYPE_CHECKING:
    from aggregator.articles.worker import ExtractionReport
    from aggregator.config import Config
    from aggregator.drafting.drafter import DraftReport
    from aggregator.records import RefreshReport

from aggregator.records import DraftOutcome


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
@click.option(
    "--progress-every",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Piped (or with --log-format json): a progress line this often, on stderr.",
)
@pass_context
def fetch(
    ctx: Context,
    all_feeds: bool,
    names: tuple[str, ...],
    no_extract: bool,
    to_workers: bool,
    fmt: str,
    progress_every: float,
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
        from aggregator.cli.workers import queue_fetch

        queued = asyncio.run(queue_fetch(config, names, force=all_feeds or bool(names)))
        if fmt == "json":
            click.echo(json.dumps({"queued": queued}))
        else:
            click.echo(f"{queued} refreshes queued for the workers")
        return
    started = time.perf_counter()
    shown = Shown(every=progress_every, json_lines=ctx.log_json)
    done = asyncio.run(
        _fetch(config, names, due_only=not all_feeds, extract=not no_extract, shown=shown)
    )
    seconds = time.perf_counter() - started
    if fmt == "json":
        click.echo(json.dumps(summary_json(done, seconds), ensure_ascii=False))
    else:
        click.echo(summary_line(done.reports, done.stage_seconds.get("feeds", seconds)))
        if done.articles is not None:
            click.echo(articles_line(done.articles, done.stage_seconds.get("extraction")))
        if done.stubs is not None:
            click.echo(stubs_line(done.stubs, done.stage_seconds.get("drafting")))
        if done.articles is not None or done.stubs is not None:
            click.echo(f"{seconds:.1f} s in all")
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
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Each stage's time: "feeds", "extraction", "drafting" (those that ran)."""


@dataclass(frozen=True)
class Shown:
    """How progress is shown: a periodic line every `every` seconds when piped (as JSON
    with `json_lines`); rich bars on a terminal."""

    every: float = 10.0
    json_lines: bool = False


async def _fetch(
    config: Config,
    names: Sequence[str],
    *,
    due_only: bool,
    extract: bool,
    shown: Shown = Shown(),
) -> FetchRun:
    """Ctrl-C cancels this task (asyncio.run's handler): the stage under way stops, its units
    in flight are cancelled, and what was done is returned for the summary."""
    from aggregator.app import App
    from aggregator.cli.progress import job_progress

    run = FetchRun()
    async with App(config) as app:
        refuse_retired(await app.db.run(app.store.feed_rows), names)
        with job_progress(sys.stderr, every=shown.every, json_lines=shown.json_lines) as bars:

            def select(count: int) -> None:
                run.selected = count
                bars.start("feeds", count)

            def advance(report: RefreshReport) -> None:
                run.reports.append(report)
                bars.advance("feeds", report.feed)

            lines = asyncio.create_task(bars.every_interval())
            stage = "the feeds"
            try:
                await app.fetch(names, due_only=due_only, on_selected=select, on_report=advance)
                if extract:
                    stage = "extraction"
                    bars.start("extraction", (await app.due_counts())["articles"])
                    run.articles = await app.extract(lambda _: bars.advance("extraction"))
                    stage = "drafting"
                    bars.start("drafting", (await app.due_counts())["stubs"])
                    run.stubs = await app.draft(lambda _: bars.advance("drafting"))
            except asyncio.CancelledError:
                run.interrupted = stage
            finally:
                lines.cancel()
                bars.finish()
                run.stage_seconds = {
                    stage: seconds
                    for stage, seconds in bars.seconds().items()
                    if bars.counts[stage].started is not None
                }
    return run


def stubs_line(report: DraftReport, seconds: float | None = None) -> str:
    outcomes = report.outcomes
    line = f"{report.drafted} stubs drafted" + (f" in {seconds:.1f} s" if seconds else "")
    if outcomes[DraftOutcome.PENDING]:
        line += f" ({outcomes[DraftOutcome.PENDING]} with machine steps pending)"
    if outcomes[DraftOutcome.FAILED]:
        line += f"; {outcomes[DraftOutcome.FAILED]} failed, to retry"
    return line


def articles_line(report: ExtractionReport, seconds: float | None = None) -> str:
    methods = ", ".join(f"{n} {method}" for method, n in sorted(report.methods.items()))
    line = f"{report.stored} articles extracted" + (f" in {seconds:.1f} s" if seconds else "")
    line += f" ({methods})" if methods else ""
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
        "stage_seconds": run.stage_seconds,
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
