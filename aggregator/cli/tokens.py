"""`aggregator tokens ...`: personal tokens for scripts (the JSON API) and feed readers (the
digest). The secret is printed once, when the token is made; the store keeps its hash only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.listing import format_option, write_json
from aggregator.cli.users import ROLES, accounts_of, echo_columns

if TYPE_CHECKING:
    from datetime import datetime

    from aggregator.auth.model import IssuedToken, Token
    from aggregator.config import Config


@click.group()
def tokens() -> None:
    """Personal tokens of the accounts: for scripts (API) and feed readers (digest)."""


@tokens.command("create")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES, case_sensitive=False),
    default=None,
    help="What the token may do (default: the account's role, which it may not exceed).",
)
@click.option("--label", default="", help="What the token is for, e.g. the script's name.")
@click.option(
    "--feed",
    is_flag=True,
    help="A token for the digest feeds' address (for feed readers), not for the API.",
)
@pass_context
def create(ctx: Context, name: str, role: str | None, label: str, feed: bool) -> None:
    """Make a token of account NAME and print its secret, once."""
    from aggregator.app import utc_now
    from aggregator.auth.issue import issue_token
    from aggregator.auth.model import TokenKind, role_named

    config = ctx.config()
    kind = TokenKind.FEED if feed else TokenKind.API
    with accounts_of(ctx) as accounts:
        if accounts.get(name) is None:
            raise click.ClickException(f"no account named {name!r}")
        issued = issue_token(
            accounts, name, kind, label, None if role is None else role_named(role), utc_now()
        )
    _show_issued(issued, config)


@tokens.command("list")
@click.argument("name", required=False)
@format_option
@pass_context
def list_tokens(ctx: Context, name: str | None, fmt: str) -> None:
    """The tokens, of every account or of NAME; never their secrets."""
    with accounts_of(ctx) as accounts:
        found = accounts.tokens(name)
    if fmt == "table":
        _table(found)
    else:
        write_json((_record(t) for t in found), fmt)


@tokens.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
@pass_context
def revoke(ctx: Context, token_id: int) -> None:
    """Stop a token working, for good (`tokens list` shows the ids)."""
    from aggregator.app import utc_now

    with accounts_of(ctx) as accounts:
        token = accounts.revoke_token(token_id, utc_now())
    click.echo(f"token {token.id} of {token.account} ({token.kind}): revoked")


def _show_issued(issued: IssuedToken, config: Config) -> None:
    from aggregator.auth.model import TokenKind

    token = issued.token
    described = f"token {token.id} of {token.account}: {token.kind}, {token.role}"
    click.echo(described + (f", {token.label!r}" if token.label else ""))
    if token.kind == TokenKind.FEED:
        base = config.digest.base_url.rstrip("/")
        click.echo(f"the digest for feed readers: {base}/digest.atom?token={issued.secret}")
    else:
        click.echo(f"send with each API request: Authorization: Bearer {issued.secret}")
    click.echo(
        "the secret is shown this once and only its hash is kept; "
        f"`aggregator tokens revoke {token.id}` ends it"
    )


def _record(token: Token) -> dict[str, object]:
    return {
        "id": token.id,
        "account": token.account,
        "kind": token.kind.value,
        "label": token.label,
        "role": token.role.value,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


def _table(found: tuple[Token, ...]) -> None:
    if not found:
        click.echo("no tokens: `aggregator tokens create NAME` makes one")
        return
    rows = [
        (
            str(t.id),
            t.account,
            t.kind.value,
            t.label,
            t.role.value,
            _when(t.created_at),
            _when(t.last_used_at),
            _when(t.revoked_at),
        )
        for t in found
    ]
    header = ("ID", "ACCOUNT", "KIND", "LABEL", "ROLE", "CREATED", "LAST USED", "REVOKED")
    echo_columns(header, rows)


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M")
