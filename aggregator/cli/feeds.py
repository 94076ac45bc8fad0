"""`aggregator feeds`: the table of feeds, and managing the list without editing TOML by hand.

`feeds add` finds the feed behind an address, `feeds import` reads another reader's OPML and
`feeds export` writes one. Additions go through `config_edit`, which keeps the file as people
wrote it and replaces it only once the edited config has loaded. Imports are local to each
command so that `--help` stays fast.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.feed_admin import disable, remove, reset, update_urls
from aggregator.cli.listing import format_option, limit_option
from aggregator.net.hosts import site_name

if TYPE_CHECKING:
    from aggregator.config import Config, FeedConfig
    from aggregator.config_edit import FeedEntry
    from aggregator.feeds.discover import FoundFeed
    from aggregator.opml import OpmlFeed


@dataclass(frozen=True, slots=True)
class Skipped:
    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportPlan:
    added: tuple[FeedEntry, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True, slots=True)
class StoredSite:
    """What the store learnt from a feed document: its title and the site it belongs to."""

    config_url: str
    title: str | None
    site_url: str | None


@click.group(invoke_without_command=True)
@format_option
@limit_option
@pass_context
def feeds(ctx: Context, fmt: str, limit: int | None) -> None:
    """A table of the feeds: status, last success, items, errors, next check and why (or JSON,
    one object per feed, by name).

    The subcommands add feeds to the config file (by address or from OPML) and export them,
    disable, remove or reset one, and write the URLs of moved feeds into the config."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    import dataclasses

    from aggregator.app import utc_now
    from aggregator.cli.listing import write_json
    from aggregator.cli.output import feeds_table
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    store = open_existing(config)
    try:
        store.sync_feeds(config.feeds, utc_now())
        rows = store.feed_rows()[:limit]
    finally:
        store.close()
    if fmt == "table":
        feeds_table(rows, sys.stdout)
    else:
        write_json((dataclasses.asdict(row) for row in rows), fmt)


@feeds.command("add")
@click.argument("url")
@click.option("--name", metavar="NAME", help="The feed's name (default: from its title).")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="A tag (repeatable).")
@click.option("--language", metavar="CODE", help="The feed's language (default: its own).")
@pass_context
def add(
    ctx: Context, url: str, name: str | None, tags: tuple[str, ...], language: str | None
) -> None:
    """Add the feed at URL, or the feed a site's page at URL leads to, to the config file."""
    from aggregator.config_edit import FeedEntry, language_code, slugify, unique_name

    config = ctx.config()
    configured = {_key(f.url): f.name for f in config.feeds}
    _refuse_duplicate(url, configured)
    names = {f.name for f in config.feeds}
    if name is not None:
        name = name.strip()
        if not name:
            raise click.BadParameter("must not be empty", param_hint="--name")
        if name in names:
            raise click.ClickException(f"{config.path} already has a feed named {name!r}")
    if language is not None and language_code(language) is None:
        raise click.BadParameter(f"{language!r} is not a language code", param_hint="--language")
    found = asyncio.run(_discover(config, url))
    _refuse_duplicate(found.url, configured)
    title = found.feed.title
    base = slugify(title or "") or slugify(site_name(found.url)) or "feed"
    entry = FeedEntry(
        name=name or unique_name(base, names),
        url=found.url,
        language=language_code(language or found.feed.language),
        tags=_unique(tags),
    )
    _write(config.path, [entry])
    click.echo(f"added {entry.name}: {entry.url}")
    click.echo(
        f"  found by {found.found_by}; title: {title or '-'}; items: {len(found.feed.items)}"
    )


@feeds.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only say what would be added.")
@pass_context
def import_opml(ctx: Context, file: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML file (2.0 or 1.0); folders become tags."""
    from aggregator.opml import MAX_OPML_BYTES, OpmlError, read_opml

    config = ctx.config()
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
        outlines = read_opml(data, max_bytes=MAX_OPML_BYTES)
    except OSError as exc:
        raise click.ClickException(f"{file}: {exc.strerror}") from None
    except OpmlError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    plan = plan_import(outlines, config)
    verb = "would add" if dry_run else "add"
    for entry in plan.added:
        click.echo(f"{verb} {entry.name}: {entry.url}")
    for skipped in plan.skipped:
        click.echo(f"skip {skipped.url}: {skipped.reason}")
    if plan.added and not dry_run:
        _write(config.path, plan.added)
    done = "would be added" if dry_run else "added"
    click.echo(f"{len(plan.added)} feeds {done}, {len(plan.skipped)} skipped")


@feeds.command("export")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout."
)
@pass_context
def export_opml(ctx: Context, output: Path | None) -> None:
    """Write the configured feeds as OPML 2.0."""
    from aggregator.app import utc_now
    from aggregator.opml import write_opml

    config = ctx.config()
    document = write_opml(
        export_outlines(config.feeds, _stored_sites(config)),
        title=f"aggregator feeds ({config.path.name})",
        created=utc_now(),
    )
    if output is None:
        click.echo(document, nl=False)
        return
    try:
        output.write_bytes(document)
    except OSError as exc:
        raise click.ClickException(f"{output}: {exc.strerror}") from None
    click.echo(f"{len(config.feeds)} feeds written to {output}", err=True)


def plan_import(outlines: Sequence[OpmlFeed], config: Config) -> ImportPlan:
    """Which outlines become `[[feeds]]` tables (with unique names) and which are skipped, why."""
    from aggregator.config_edit import FeedEntry, language_code, slugify, unique_name
    from aggregator.net.addresses import is_refused_literal
    from aggregator.sanitize import safe_http_url

    allow = config.settings.allow_private_networks
    seen = {_key(f.url): f"already configured as {f.name}" for f in config.feeds}
    names = {f.name for f in config.feeds}
    added: list[FeedEntry] = []
    skipped: list[Skipped] = []
    for outline in outlines:
        url = safe_http_url(outline.xml_url)
        if url is None:
            skipped.append(Skipped(outline.xml_url, "not an http:// or https:// address"))
            continue
        if is_refused_literal(site_name(url), allow):
            skipped.append(Skipped(url, "a private, loopback or reserved address"))
            continue
        if _key(url) in seen:
            skipped.append(Skipped(url, seen[_key(url)]))
            continue
        label = outline.text or outline.title or ""
        name = unique_name(slugify(label) or slugify(site_name(url)) or "feed", names)
        names.add(name)
        seen[_key(url)] = f"listed before in the file, as {name}"
        added.append(
            FeedEntry(
                name=name, url=url, language=language_code(outline.language), tags=outline.tags
            )
        )
    return ImportPlan(tuple(added), tuple(skipped))


def export_outlines(
    configured: Iterable[FeedConfig], stored: Mapping[str, StoredSite]
) -> list[OpmlFeed]:
    """One outline per configured feed; titles and sites from the store while the URL holds."""
    from aggregator.opml import OpmlFeed

    outlines = []
    for feed in configured:
        site = stored.get(feed.name)
        if site is not None and site.config_url != feed.url:
            site = None
        outlines.append(
            OpmlFeed(
                xml_url=feed.url,
                text=feed.name,
                title=site.title if site else None,
                html_url=site.site_url if site else None,
                language=feed.language,
                tags=feed.tags,
            )
        )
    return outlines


def _stored_sites(config: Config) -> dict[str, StoredSite]:
    import sqlalchemy as sa

    from aggregator.storage.opening import open_existing
    from aggregator.storage.tables import feeds as feeds_table

    store = open_existing(config)  # an export creates no database
    try:
        query = sa.select(
            feeds_table.c.name,
            feeds_table.c.config_url,
            feeds_table.c.title,
            feeds_table.c.site_url,
        )
        with store.engine.connect() as conn:
            return {
                r.name: StoredSite(r.config_url, r.title, r.site_url) for r in conn.execute(query)
            }
    finally:
        store.close()


async def _discover(config: Config, url: str) -> FoundFeed:
    from aggregator.app import client_settings
    from aggregator.errors import AggregatorError
    from aggregator.feeds.discover import discover_feed
    from aggregator.feeds.sandbox import ParserPool
    from aggregator.net.client import HttpClient

    settings = config.settings
    parser = ParserPool(
        workers=min(settings.parse_workers, 1),
        time_budget=settings.parse_time_budget,
        memory_budget_bytes=settings.parse_memory_mb * 1024 * 1024,
        max_items=settings.max_items_per_feed,
    )
    async with HttpClient(client_settings(settings)) as http, parser:
        try:
            return await discover_feed(http, parser, url)
        except AggregatorError as exc:
            raise click.ClickException(str(exc)) from None


def _write(path: Path, entries: Sequence[FeedEntry]) -> None:
    from aggregator.config_edit import add_feeds
    from aggregator.errors import ConfigError

    try:
        add_feeds(path, entries)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _refuse_duplicate(url: str, configured: Mapping[str, str]) -> None:
    name = configured.get(_key(url))
    if name is not None:
        raise click.ClickException(f"{url} is already in the config, as feed {name!r}")


def _key(url: str) -> str:
    from aggregator.config_reader import url_key

    return url_key(url)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


for _command in (disable, remove, reset, update_urls):
    feeds.add_command(_command)
