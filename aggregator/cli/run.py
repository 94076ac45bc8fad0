"""`aggregator run`: the service in this process until SIGTERM or Ctrl-C. The port is bound
before anything else is imported, so that a taken port fails at once and in one line."""

from __future__ import annotations

import asyncio

import click

from aggregator.cli.context import Context, pass_context


@click.command()
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
        from aggregator.service.process import serve  # imports every part: after the check

        asyncio.run(serve(config, sock=sock))
    finally:
        sock.close()
