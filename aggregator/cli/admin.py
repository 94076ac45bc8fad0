"""`aggregator check-config`, `aggregator config --show`, `aggregator healthcheck` and
`aggregator cleanup`: what an operator runs beside the service. Imports are local to each
command so `--help` stays fast."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from aggregator.cli.context import Context, pass_context

if TYPE_CHECKING:
    from aggregator.config_show import Shown

HEALTH_PATH = "/healthz"


@click.command("check-config")
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


@click.command("config")
@click.option("--show", is_flag=True, help="Print the effective settings.")
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml")
@pass_context
def config_command(ctx: Context, show: bool, fmt: str) -> None:
    """The settings in effect: every key with its default filled in, overrides from the
    environment ($AGGREGATOR_DATABASE_URL, $AGGREGATOR_LISTEN) applied and named, secrets
    masked."""
    from aggregator.config_show import effective

    if not show:
        click.echo(click.get_current_context().get_help())
        return
    config = ctx.config()
    shown = effective(config, os.environ)
    if fmt == "json":
        tables: dict[str, dict[str, Any]] = {}
        for s in shown:
            entry: dict[str, Any] = {"value": s.value, "source": s.source}
            if s.note:
                entry["note"] = s.note
            tables.setdefault(s.section, {})[s.key] = entry
        click.echo(json.dumps({"config": str(config.path), **tables}, ensure_ascii=False))
        return
    click.echo(f"# {config.path}, with defaults and overrides; secrets masked")
    section = None
    for s in shown:
        if s.section != section:
            section = s.section
            click.echo(f"\n[{section}]")
        click.echo(_line(s))


def _line(s: Shown) -> str:
    if s.value is None:
        return f"# {s.key} is not set"
    comment = (
        "" if s.source == "file" else f"from {s.source}" if s.source != "default" else "default"
    )
    if s.note:
        comment = f"{comment}; {s.note}" if comment else s.note
    return f"{s.key} = {_toml(s.value)}" + (f"   # {comment}" if comment else "")


def _toml(value: Any) -> str:
    from aggregator.config_edit import toml_string

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_string(k)} = {_toml(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return repr(value)


@click.command()
@click.option("--url", metavar="URL", help="The service's address (default: [settings].listen).")
@click.option("--timeout", type=click.FloatRange(0.1, 300), default=5.0, show_default=True)
@pass_context
def healthcheck(ctx: Context, url: str | None, timeout: float) -> None:
    """Ask a running service for /healthz: exit 0 when it answers 200, 1 otherwise (for
    container and load-balancer health checks)."""
    target = health_url(url) if url else health_url(_listen_url(ctx.config().settings.listen))
    status, detail = probe(target, timeout)
    if status == 200:
        click.echo(f"ok: {target} answered 200")
        return
    what = f"answered {status}" if status else "did not answer"
    click.echo(f"unhealthy: {target} {what}" + (f": {detail}" if detail else ""), err=True)
    sys.exit(1)


def _listen_url(listen: str) -> str:
    """The address to reach a service listening on `listen` (every address: this host)."""
    from aggregator.service.listen import local_url, split_listen

    return local_url(*split_listen(listen))


def health_url(url: str) -> str:
    """`url` with /healthz as its path when it has none."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url if "://" in url else f"http://{url}")
    path = parts.path if parts.path not in ("", "/") else HEALTH_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def probe(url: str, timeout: float) -> tuple[int | None, str]:
    """The status of a GET of `url` (None when it could not be had) and a short reason. No
    proxy: a health check asks the service itself."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        body = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        return exc.code, body[0] if body else str(exc.reason)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, str(getattr(reason, "strerror", None) or reason)


@click.command()
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(1, 36_500),
    metavar="DAYS",
    help="Default: [settings].retention_days.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_context
def cleanup(ctx: Context, days: int | None, fmt: str) -> None:
    """Run the retention job now: article texts, stubs (approved ones are kept), item
    histories and ledger rows older than the retention period are removed."""
    from datetime import timedelta

    from aggregator.app import stubs_directory, utc_now
    from aggregator.drafting.files import remove_stub_files
    from aggregator.storage.cleanup import clean_up
    from aggregator.storage.opening import open_existing

    config = ctx.config()
    days = days or config.settings.retention_days
    now = utc_now()
    store = open_existing(config)  # nothing stored yet: nothing to clean, nothing made
    try:
        report = clean_up(store, now, days)
    finally:
        store.close()
    directory = stubs_directory(config)
    files = 0
    if directory is not None:
        for feed, item_id in report.stubs:
            files += remove_stub_files(directory, feed, item_id)
    counts = {
        "articles": report.articles,
        "stubs": len(report.stubs),
        "stub_files": files,
        "changes": report.changes,
        "ledger": report.ledger,
    }
    cutoff = (now - timedelta(days=days)).strftime("%Y-%m-%d %H:%M UTC")
    if fmt == "json":
        click.echo(json.dumps({"older_than_days": days, "cutoff": cutoff, **counts}))
        return
    click.echo(
        f"removed what is older than {days} days (before {cutoff}): "
        f"{counts['articles']} article texts, {counts['stubs']} stubs "
        f"({files} files; approved stubs are kept), {counts['changes']} item changes, "
        f"{counts['ledger']} ledger rows"
    )
