"""`[web]`: how the web server tells who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.auth.records import AuthMode

AUTO = "auto"
"""`[web].auth` unset: `builtin` once an account exists, `none` before (first run)."""


@dataclass(frozen=True, slots=True)
class WebSettings:
    auth: str = AUTO
    """"auto", "builtin", "proxy" or "none" (`AuthMode`)."""
    session_hours: float = 12.0
    """A sign-in lasts this long."""
    proxy_header: str = "Remote-User"
    """`proxy` mode: the header naming the signed-in account."""
    proxy_addresses: tuple[str, ...] = ()
    """`proxy` mode: the addresses (or networks, CIDR) the header is trusted from."""
    allow_anonymous: bool = False
    """`none` mode on an address other than loopback: refused unless this is true."""
    failures_before_delay: int = 3
    """Sign-in failures per account or per address before each next try is slowed."""
    max_delay_seconds: float = 300.0
    """The longest a failing account or address waits between tries."""


def effective_mode(settings: WebSettings, accounts_exist: bool) -> AuthMode:
    """The mode in force: the configured one, or for "auto" builtin once an account exists."""
    if settings.auth == AUTO:
        return AuthMode.BUILTIN if accounts_exist else AuthMode.NONE
    return AuthMode(settings.auth)


SESSION_COOKIE = "session"
"""The browser's sign-in: a random secret whose hash the store keeps (`storage/accounts.py`)."""
