"""The `aggregator` command. Imports are local to each command so that `--help` stays fast."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from aggregator.cli_admin import cleanup, config_command, healthcheck
from aggregator.cli_context import Context, pass_context
from aggregator.cli_digest import digest
from aggregator.cli_feeds import feeds
from aggregator.cli_fetch import fetch
from aggregator.cli_listing import (
    check_names,
    format_option,
    limit_option,
    since_option,
    write_json,
)
from aggregator.cli_stubs import draft, stubs
from aggregator.cli_tokens import tokens
from aggregator.cli_users import users
from aggregator.cli_workers import worker, workers

if TYPE_CHECKING:
    from aggregator.config import Config


def main() -> None:
    """Entry point: errors aggregator raises on purpose end the command with their message."""
    from aggregator.errors import AggregatorError

    try:
        cli.main(prog_name="aggregator")
    except AggregatorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except ImportError as exc:  # a module missing where no self-check ran first
        from aggregator.selfcheck import import_failure

        click.echo(f"error: {import_failure(exc, 'this command')}", err=True)
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
    ctx.obj.log_json = log_json or log_format == "json"


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
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    store = open_existing(config)
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
    from aggregator.app import client_settings
    from aggregator.articles.pages import fetch_page
    from aggregator.net.client import HttpClient
    from aggregator.net.robots import RobotsCache

    # Only the HTTP client, politeness included: printing one page touches no database.
    http = HttpClient(client_settings(config.settings))
    try:
        return await fetch_page(http, RobotsCache(http), url)
    finally:
        await http.aclose()


@cli.command()
@click.argument("name")
@pass_context
def enable(ctx: Context, name: str) -> None:
    """Re-enable a feed that was retired (HTTP 410), or disabled in the config (`enabled =
    true` is written there); it is fetched on the next pass."""
    from aggregator.app import utc_now
    from aggregator.cli_feed_admin import enable_in_config
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    store = open_existing(config)
    try:
        known = {f.name for f in config.feeds} | store.feed_names().keys()
        check_names("NAME", [name], known, noun="feed")
        feed = config.feed(name)
        if feed is not None and not feed.enabled:
            config = enable_in_config(config, name)
            store.sync_feeds(config.feeds, utc_now())
            click.echo(f"{name}: enabled = true in {config.path}")
        if not store.enable_feed(name):
            raise click.ClickException(
                f"no stored feed named {name!r}; run `aggregator fetch` first"
            )
    finally:
        store.close()
    click.echo(f"{name}: enabled, due now")


@cli.command()
@click.option(
    "--listen",
    metavar="HOST:PORT",
    help="Listen here (default: $AGGREGATOR_LISTEN, else [settings].listen).",
)
@pass_context
def run(ctx: Context, listen: str | None) -> None:
    """Run the service until SIGTERM or Ctrl-C: the scheduled fetches, extraction and drafting,
    the digest, and the web server on [settings].listen (digest feeds, editors' page, API)."""
    from aggregator.service.listen import bind_listen

    ctx.options["listen"] = listen
    config = ctx.config()
    sock = bind_listen(config)  # first: the port may be taken
    try:
        ctx.checked_config(config)
        from aggregator.service.scheduler import serve  # imports every part: after the check

        asyncio.run(serve(config, sock=sock))
    finally:
        sock.close()


cli.add_command(fetch)
cli.add_command(stubs)
cli.add_command(feeds)
cli.add_command(digest)
cli.add_command(draft)
cli.add_command(worker)
cli.add_command(workers)
cli.add_command(config_command)
cli.add_command(healthcheck)
cli.add_command(cleanup)
cli.add_command(users)
cli.add_command(tokens)

if __name__ == "__main__":  # pragma: no cover
    main()
