"""`aggregator digest`: build the Atom digest once and write it to a file, as the service does
every `[settings].digest_minutes`."""

from __future__ import annotations

from pathlib import Path

import click

from aggregator.cli.context import Context, pass_context


@click.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    metavar="PATH",
    help="Where to write the Atom file (default: var/digest.atom beside the database).",
)
@pass_context
def digest(ctx: Context, output: Path | None) -> None:
    """Write the digest of the stubs (Atom 1.0, first page) to a file."""
    from aggregator.app import utc_now, var_directory
    from aggregator.digest.build import write_digest
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    if output is None:
        var = var_directory(config)
        if var is None:
            raise click.UsageError("the database is not SQLite under var/: pass --output PATH")
        output = var / "digest.atom"
    store = open_existing(config)
    try:
        entries = write_digest(store, config, utc_now(), output)
    except OSError as exc:
        raise click.ClickException(f"{output}: {exc.strerror or exc}") from None
    finally:
        store.close()
    click.echo(f"{output}: {entries} entries")
