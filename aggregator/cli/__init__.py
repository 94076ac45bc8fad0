"""The `aggregator` command: the group, its shared options and `main()`. Each command group
lives in a module of its own beside this one (`fetch.py`, `feeds.py`, `stubs.py`, ...), with
the helpers they share in `context.py`, `listing.py`, `output.py` and `progress.py`. Imports
are local to each command so that `--help` stays fast."""

from __future__ import annotations

import sys

import click

from aggregator.cli import (
    admin,
    digest,
    feed_admin,
    feeds,
    fetch,
    items,
    run,
    stubs,
    tokens,
    users,
    workers,
)
from aggregator.cli.context import Context


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


# The modules keep their names here (`aggregator.cli.fetch` is the module, not the command).
for command in (
    admin.check_config,
    admin.config_command,
    admin.healthcheck,
    admin.cleanup,
    digest.digest,
    feed_admin.enable,
    feeds.feeds,
    fetch.fetch,
    items.items,
    items.extract,
    run.run,
    stubs.stubs,
    stubs.draft,
    tokens.tokens,
    users.users,
    workers.worker,
    workers.workers,
):
    cli.add_command(command)
