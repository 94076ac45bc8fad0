"""`enable`, `feeds disable`, `feeds remove`, `feeds reset` and `feeds update-urls`: what an
operator changes about one feed without opening the TOML file.

The config file stays the operator's: edits go through `config_feed_edit`, which touches only
the lines it must and replaces the file once the result loads. The store follows the config on
the next sync (a feed that leaves the config is kept but no longer fetched), except what only
the store holds: errors and backoff (`reset`), the items and stubs of a purged feed, and the
URL a permanent redirect moved a feed to (`update-urls` writes it into the config).
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.listing import check_names

if TYPE_CHECKING:
    from collections.abc import Callable

    from aggregator.config import Config


@click.command()
@click.argument("name")
@pass_context
def enable(ctx: Context, name: str) -> None:
    """Re-enable a feed that was retired (HTTP 410), or disabled in the config (`enabled =
    true` is written there); it is fetched on the next pass."""
    from aggregator.app import utc_now
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


@click.command("disable")
@click.argument("name")
@pass_context
def disable(ctx: Context, name: str) -> None:
    """Stop fetching a feed: `enabled = false` in the config; its items and stubs stay."""
    from aggregator.config_feed_edit import set_feed_value

    config = ctx.config()
    check_names("NAME", [name], [f.name for f in config.feeds], noun="feed in the config")
    feed = config.feed(name)
    if feed is not None and not feed.enabled:
        click.echo(f"{name}: already disabled in {config.path}")
        return
    _sync(_edit(config, lambda text: set_feed_value(text, name, "enabled", False)))
    click.echo(
        f"{name}: disabled in {config.path}; its items and stubs stay "
        f"(`aggregator enable {name}` fetches it again)"
    )


@click.command("remove")
@click.argument("name")
@click.option("--purge", is_flag=True, help="Also delete its items, articles and stubs.")
@click.option("--yes", "-y", is_flag=True, help="Purge without asking.")
@pass_context
def remove(ctx: Context, name: str, purge: bool, yes: bool) -> None:
    """Take a feed out of the config file: it is no longer fetched, and what it brought stays
    on the desk. With --purge its items, articles, stubs and their files are deleted too."""
    from aggregator.app import utc_now
    from aggregator.config_feed_edit import remove_feed_table
    from aggregator.storage.feed_admin import count_feed, purge_feed
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    in_config = config.feed(name) is not None
    store = open_existing(config)
    try:
        stored = name in store.feed_names()
        if not in_config and not (purge and stored):
            valid = [f.name for f in config.feeds] + (list(store.feed_names()) if purge else [])
            check_names("NAME", [name], valid, noun="feed")
        if purge and stored:
            counts = count_feed(store, name)
            what = f"{counts.items} items and {counts.stubs} stubs of {name}"
            if not yes:
                click.confirm(f"delete {what}? This cannot be undone", abort=True, err=True)
        if in_config:
            edited = _edit(config, lambda text: remove_feed_table(text, name))
            store.sync_feeds(edited.feeds, utc_now())  # a running service stops fetching it
            click.echo(f"{name}: removed from {config.path}")
        if purge and stored:
            purged = purge_feed(store, name)
            files = _remove_stub_folder(config, name)
            click.echo(
                f"{name}: deleted {purged.items} items and {purged.stubs} stubs"
                + (f" ({files} stub files)" if files else "")
            )
        elif purge:
            click.echo(f"{name}: nothing stored to delete")
        else:
            click.echo(
                f"{name}: no longer fetched; its items and stubs stay "
                f"(`aggregator feeds remove {name} --purge` deletes them)"
            )
    finally:
        store.close()


@click.command("reset")
@click.argument("name")
@pass_context
def reset(ctx: Context, name: str) -> None:
    """Clear a feed's errors and backoff: it is checked on the next pass."""
    from aggregator.app import utc_now
    from aggregator.storage.feed_admin import reset_feed
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    store = open_existing(config)
    try:
        store.sync_feeds(config.feeds, utc_now())
        check_names("NAME", [name], store.feed_names().keys(), noun="feed")
        reset_feed(store, name)
        retired = next(r for r in store.feed_rows() if r.name == name).retired_at is not None
    finally:
        store.close()
    click.echo(f"{name}: errors cleared, due now")
    if retired:
        click.echo(
            f"{name}: still retired by HTTP 410; `aggregator enable {name}` fetches it again"
        )


@click.command("update-urls")
@click.option("--dry-run", is_flag=True, help="Only say which URLs would be written.")
@pass_context
def update_urls(ctx: Context, dry_run: bool) -> None:
    """Write the URLs that feeds moved to (HTTP 301 or 308) into the config file."""
    from aggregator.config_feed_edit import set_feed_value
    from aggregator.storage.feed_admin import adopt_urls, moved_feeds
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    store = open_existing(config)
    try:
        configured = {f.name: f.url for f in config.feeds}
        moved = [m for m in moved_feeds(store) if configured.get(m.name) == m.config_url]
        for feed in moved:
            click.echo(f"{feed.name}: {feed.config_url} -> {feed.url}")
        if not moved:
            click.echo("no feed has moved")
            return
        if dry_run:
            click.echo(f"{len(moved)} URLs would be written to {config.path}")
            return

        def edit(text: str) -> str:
            for feed in moved:
                text = set_feed_value(text, feed.name, "url", feed.url)
            return text

        _edit(config, edit)
        adopt_urls(store, moved)
    finally:
        store.close()
    click.echo(f"{len(moved)} URLs written to {config.path}")


def enable_in_config(config: Config, name: str) -> Config:
    """`enabled = true` for the feed in the config file (for `aggregator enable`)."""
    from aggregator.config_feed_edit import set_feed_value

    return _edit(config, lambda text: set_feed_value(text, name, "enabled", True))


def _edit(config: Config, edit: Callable[[str], str]) -> Config:
    """The config file edited; the config as now loaded (with the same overrides)."""
    import dataclasses

    from aggregator.config_edit import edit_config
    from aggregator.errors import ConfigError

    try:
        edited = edit_config(config.path, edit)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    return dataclasses.replace(edited, settings=config.settings, overridden=config.overridden)


def _sync(config: Config) -> None:
    """The store follows the edited config now, so that a running service, which reads which
    feeds to fetch from the store, stops fetching a disabled or removed feed at its next tick."""
    from aggregator.app import utc_now
    from aggregator.storage.opening import open_existing

    store = open_existing(config)
    try:
        store.sync_feeds(config.feeds, utc_now())
    finally:
        store.close()


def _remove_stub_folder(config: Config, name: str) -> int:
    """The feed's folder of stub files, if the stubs are written as files; how many went."""
    from aggregator.app import stubs_directory
    from aggregator.drafting.files import feed_folder

    directory = stubs_directory(config)
    if directory is None:
        return 0
    folder = feed_folder(directory, name)
    if not folder.is_dir():
        return 0
    count = sum(1 for path in folder.rglob("*") if path.is_file())
    shutil.rmtree(folder)
    return count
