"""`aggregator items` and `aggregator extract`: what was fetched, and what the extractor makes
of one page. Imports are local to each command so that `--help` stays fast."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.listing import (
    check_names,
    format_option,
    limit_option,
    since_option,
    write_json,
)

if TYPE_CHECKING:
    from aggregator.config import Config


@click.command()
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
    from aggregator.cli.output import items_table
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


@click.command()
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
