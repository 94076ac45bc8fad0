"""The `aggregator` command. Imports are local to each command so that `--help` stays fast."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from aggregator.cli_context import Context, pass_context
from aggregator.cli_digest import digest
from aggregator.cli_feeds import feeds
from aggregator.cli_listing import (
    check_names,
    format_option,
    limit_option,
    refuse_retired,
    since_option,
    write_json,
)
from aggregator.cli_stubs import draft, stubs
from aggregator.cli_workers import worker, workers

if TYPE_CHECKING:
    from aggregator.articles.worker import ExtractionReport
    from aggregator.config import Config
    from aggregator.drafting.drafter import DraftReport
    from aggregator.records import RefreshReport


def main() -> None:
    """Entry point: errors aggregator raises on purpose end the command with their message."""
    from aggregator.errors import AggregatorError

    try:
        cli.main(prog_name="aggregator")
    except AggregatorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_option",
    metavar="PATH",
    help="Config file (default: $AGGREGATOR_CONFIG, else config/feeds.toml).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default=None,
    help="Log level (default: warning for commands, info for `run`).",
)
@click.option("--log-json", is_flag=True, help="Write logs as JSON lines.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default=None,
    help="Log lines for people (text) or machines (json, the same as --log-json).",
)
@click.version_option(package_name="aggregator")
@click.pass_context
def cli(
    ctx: click.Context,
    config_option: str | None,
    log_level: str | None,
    log_json: bool,
    log_format: str | None,
) -> None:
    """Watch news feeds and prepare drafts for a newsroom."""
    from aggregator.logs import configure_logging

    default = "info" if ctx.invoked_subcommand in ("run", "worker") else "warning"
    configure_logging(log_level or default, json=log_json or log_format == "json")
    ctx.obj = Context(config_option)


@cli.command("check-config")
@pass_context
def check_config(ctx: Context) -> None:
    """Validate the config file without fetching anything; check that the modules the work
    needs import, and read the database without writing to it."""
    from aggregator.selfcheck import check_only

    config = ctx.config()
    database = check_only(config)
    enabled = sum(1 for f in config.feeds if f.enabled)
    if config.problems:
        for problem in config.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(
            f"{len(config.problems)} feed(s) cannot be fetched as configured; "
            "the other feeds would still be served"
        )
    click.echo(f"{config.path}: ok ({len(config.feeds)} feeds, {enabled} enabled)")
    click.echo(database)


@cli.command()
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
@pass_context
def fetch(
    ctx: Context, all_feeds: bool, names: tuple[str, ...], no_extract: bool, to_workers: bool
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
        click.echo(f"{queued} refreshes queued for the workers")
        return
    started = time.perf_counter()
    done = asyncio.run(_fetch(config, names, due_only=not all_feeds, extract=not no_extract))
    click.echo(summary_line(done.reports, time.perf_counter() - started))
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


@cli.command()
@format_option
@click.option("--feed", "names", multiple=True, metavar="NAME", help="Only this feed (repeatable).")
@since_option("items first seen")
@limit_option
@pass_context
def items(
    ctx: Context, fmt: str, names: tuple[str, ...], since: datetime | None, limit: int | None
) -> None:
    """The stored items with their ids (for `draft --item ID`): a table for people, JSON for
    scripts."""
    from aggregator.cli_output import items_table
    from aggregator.storage.store import Store

    config = ctx.config()
    store = Store.open_existing(config)
    try:
        if names:
            check_names("--feed", names, {f.name for f in config.feeds} | store.feed_names().keys())
        rows = store.iter_items(names, since=since, limit=limit)
        if fmt == "table":
            items_table(rows, sys.stdout)
        else:
            write_json(rows, fmt)
    finally:
        store.close()


@cli.command()
@click.argument("source", metavar="URL_OR_FILE")
@click.option(
    "--url", "page_url", metavar="URL", help="The page's address, for a FILE (rules, links)."
)
@pass_context
def extract(ctx: Context, source: str, page_url: str | None) -> None:
    """Print the article text of a page (a URL, or a saved HTML file) and the method used."""
    from aggregator.articles.chain import extract_article
    from aggregator.articles.pages import Page, decode_html

    config = ctx.config()
    if source.startswith(("http://", "https://")):
        page = asyncio.run(_fetch_page(config, source))
        if not isinstance(page, Page):
            raise click.ClickException(f"{source}: {page.reason}")
        html, url = page.html, page.url
    else:
        try:
            html = decode_html(Path(source).read_bytes(), None)
        except OSError as exc:
            raise click.ClickException(f"{source}: {exc.strerror}") from None
        url = page_url or Path(source).resolve().as_uri()
    article = extract_article(html, url, rules=config.rules, feed_item=None, feed_language=None)
    click.echo(f"method: {article.method}" + (f" ({article.reason})" if article.reason else ""))
    click.echo(f"quality: {article.quality.score:.2f}; language: {article.language or '-'}")
    if article.title:
        click.echo(f"title: {article.title}")
    click.echo("")
    click.echo(article.text)


async def _fetch_page(config: Config, url: str) -> Any:
    from aggregator.app import App
    from aggregator.articles.pages import fetch_page

    async with App(config) as app:
        return await fetch_page(app.http, app.robots, url)


@cli.command()
@click.argument("name")
@pass_context
def enable(ctx: Context, name: str) -> None:
    """Re-enable a feed that was retired (HTTP 410); it is fetched on the next pass."""
    from aggregator.storage.store import Store

    config = ctx.config()
    store = Store.open_existing(config)
    try:
        known = {f.name for f in config.feeds} | store.feed_names().keys()
        check_names("NAME", [name], known, noun="feed")
        if not store.enable_feed(name):
            raise click.ClickException(
                f"no stored feed named {name!r}; run `aggregator fetch` first"
            )
    finally:
        store.close()
    click.echo(f"{name}: enabled, due now")


@cli.command()
@pass_context
def run(ctx: Context) -> None:
    """Run the service until SIGTERM or Ctrl-C: the scheduled fetches, extraction and drafting,
    the digest, and the web server on [settings].listen (digest feeds, editors' page, API)."""
    from aggregator.service.listen import bind
    from aggregator.service.scheduler import serve

    config = ctx.config()
    sock = bind(config.settings.listen, config.path)  # first: the port may be taken
    try:
        asyncio.run(serve(ctx.checked_config(config), sock=sock))
    finally:
        sock.close()


cli.add_command(stubs)
cli.add_command(feeds)
cli.add_command(digest)
cli.add_command(draft)
cli.add_command(worker)
cli.add_command(workers)

if __name__ == "__main__":  # pragma: no cover
    main()
