"""`aggregator users ...`: the accounts that sign in to the editors' desk.

A password is typed on the terminal (twice, not echoed) or read as one line from standard
input with `--password-stdin`; never an argument, which `ps` and shell histories would show.
Only its argon2id hash reaches the store (`auth/passwords.py`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import click

from aggregator.cli.context import Context, pass_context
from aggregator.cli.listing import format_option, write_json

if TYPE_CHECKING:
    from aggregator.auth.model import Account
    from aggregator.storage.accounts import Accounts

F = TypeVar("F", bound=Callable[..., object])
ROLES = ("editor", "reviewer", "admin")


def role_argument(fn: F) -> F:
    return click.argument("role", type=click.Choice(ROLES, case_sensitive=False))(fn)


def password_stdin_option(fn: F) -> F:
    return click.option(
        "--password-stdin",
        is_flag=True,
        help="Read the password as one line from standard input instead of asking for it.",
    )(fn)


@click.group()
def users() -> None:
    """The accounts that sign in to the editors' desk: add, list, change, remove."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES, case_sensitive=False),
    required=True,
    help="editor: edits and moves drafts to reviewed; reviewer: also approves and rejects; "
    "admin: also manages feeds and accounts.",
)
@password_stdin_option
@pass_context
def add(ctx: Context, name: str, role: str, password_stdin: bool) -> None:
    """Add an account; its password is asked for (or read with --password-stdin)."""
    from aggregator.app import utc_now
    from aggregator.auth.model import role_named
    from aggregator.auth.passwords import hash_password

    with accounts_of(ctx, create=True) as accounts:
        _refuse_taken(accounts, name)
        password = new_password(password_stdin)
        account = accounts.add(name, role_named(role), hash_password(password), utc_now())
        first = accounts.count_enabled() == 1
    click.echo(f"{account.name}: added as {account.role}")
    if first:
        click.echo(
            "the first account: the desk now asks everyone to sign in "
            "(unless [web].auth says otherwise)"
        )


@users.command("list")
@format_option
@pass_context
def list_users(ctx: Context, fmt: str) -> None:
    """Every account: its role, whether it may sign in, when it was made, its tokens."""
    with accounts_of(ctx) as accounts:
        found = accounts.list()
        counts = accounts.token_counts()
    if fmt == "table":
        _table(found, counts)
    else:
        write_json(
            (
                {
                    "name": a.name,
                    "role": a.role.value,
                    "enabled": not a.disabled,
                    "created_at": a.created_at,
                    "password_changed_at": a.password_changed_at,
                    "tokens": counts.get(a.name, 0),
                }
                for a in found
            ),
            fmt,
        )


@users.command("passwd")
@click.argument("name")
@password_stdin_option
@pass_context
def passwd(ctx: Context, name: str, password_stdin: bool) -> None:
    """Set an account's password; it is signed out everywhere."""
    from aggregator.app import utc_now
    from aggregator.auth.passwords import hash_password

    with accounts_of(ctx) as accounts:
        account = _existing(accounts, name)
        password = new_password(password_stdin)
        accounts.set_password(account.name, hash_password(password), utc_now())
    click.echo(f"{account.name}: password changed; signed out everywhere")


@users.command("role")
@click.argument("name")
@role_argument
@pass_context
def role(ctx: Context, name: str, role: str) -> None:
    """Give an account another role; its tokens above the new role come down to it."""
    from aggregator.auth.model import role_named

    with accounts_of(ctx) as accounts:
        account = accounts.set_role(name, role_named(role))
        _warn_without_admin(accounts)
    click.echo(f"{account.name}: now {account.role}")


@users.command("disable")
@click.argument("name")
@pass_context
def disable(ctx: Context, name: str) -> None:
    """Stop an account signing in: its sessions end and its tokens stop working."""
    from aggregator.app import utc_now

    with accounts_of(ctx) as accounts:
        account = _existing(accounts, name)
        accounts.disable(account.name, utc_now())
        _warn_without_admin(accounts)
    click.echo(
        f"{account.name}: disabled; signed out, its tokens refused "
        f"(`aggregator users enable {account.name}` undoes it)"
    )


@users.command("enable")
@click.argument("name")
@pass_context
def enable(ctx: Context, name: str) -> None:
    """Let a disabled account sign in again (its tokens that are not revoked work again)."""
    with accounts_of(ctx) as accounts:
        account = _existing(accounts, name)
        accounts.enable(account.name)
    click.echo(f"{account.name}: enabled")


@users.command("remove")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Remove without asking.")
@pass_context
def remove(ctx: Context, name: str, yes: bool) -> None:
    """Remove an account with its sessions and tokens; the stubs' histories keep its name."""
    with accounts_of(ctx) as accounts:
        account = _existing(accounts, name)
        if not yes:
            click.confirm(
                f"remove the account {account.name} and its tokens?", abort=True, err=True
            )
        accounts.remove(account.name)
        _warn_without_admin(accounts)
    click.echo(f"{account.name}: removed")


@contextmanager
def accounts_of(ctx: Context, *, create: bool = False) -> Iterator[Accounts]:
    """The store's accounts, the store closed after. `create`: a missing SQLite file is made
    (adding the first account may come before any fetch); otherwise nothing is made."""
    from aggregator.storage.accounts import AccountError, Accounts
    from aggregator.storage.opening import open_store

    config = ctx.config()
    store = open_store(
        config,
        create=create,
        on_created=lambda path: click.echo(f"created a new database at {path}", err=True),
    )
    try:
        yield Accounts(store)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


def new_password(from_stdin: bool) -> str:
    """The new password, typed twice (hidden) or one line of standard input; a
    ClickException with the reason when it is too weak."""
    from aggregator.auth.passwords import check_new_password

    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password.removesuffix("\r")
    else:
        password = str(
            click.prompt("Password", hide_input=True, confirmation_prompt="Repeat it", err=True)
        )
    try:
        check_new_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    return password


def _existing(accounts: Accounts, name: str) -> Account:
    from aggregator.storage.accounts import AccountError

    account = accounts.get(name)
    if account is None:
        raise AccountError(f"no account named {name!r}")
    return account


def _refuse_taken(accounts: Accounts, name: str) -> None:
    """Before asking for a password: the name's rule and whether it is taken."""
    from aggregator.auth.names import account_name
    from aggregator.storage.accounts import AccountError

    try:
        checked = account_name(name)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    taken = accounts.get(checked)
    if taken is not None:
        raise AccountError(f"an account named {taken.name!r} exists")


def _warn_without_admin(accounts: Accounts) -> None:
    """Accounts remain but no enabled admin among them: say how to make one."""
    from aggregator.auth.model import Role

    remaining = [a for a in accounts.list() if not a.disabled]
    if remaining and not any(a.role is Role.ADMIN for a in remaining):
        click.echo(
            "warning: no enabled admin account is left; "
            "`aggregator users role NAME admin` makes one",
            err=True,
        )


def _table(found: tuple[Account, ...], counts: dict[str, int]) -> None:
    if not found:
        click.echo("no accounts: `aggregator users add NAME --role admin` makes the first")
        return
    rows = [
        (
            a.name,
            a.role.value,
            "no" if a.disabled else "yes",
            a.created_at.strftime("%Y-%m-%d %H:%M"),
            str(counts.get(a.name, 0)),
        )
        for a in found
    ]
    echo_columns(("NAME", "ROLE", "ENABLED", "CREATED (UTC)", "TOKENS"), rows)


def echo_columns(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """A plain table: the columns aligned, a header line first."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo("  ".join(cells).rstrip())
