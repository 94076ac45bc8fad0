"""`[web]`: how the web server tells who is asking."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator.auth.model import AuthMode
from aggregator.config_fields import key_names, read_plain, setting
from aggregator.config_reader import TableReader

AUTO = "auto"
"""`[web].auth` unset: `builtin` once an account exists, `none` before (first run)."""
MODES = (AUTO, *(mode.value for mode in AuthMode))


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The `[web]` table; each key's range and meaning are defined here once."""

    auth: str = setting(
        AUTO,
        help='`"builtin"`: accounts sign in on `/login`, scripts send personal tokens; '
        '`"proxy"`: a reverse proxy signs people in and names the account in `proxy_header`; '
        '`"none"`: nobody signs in (loopback only); `"auto"`: `builtin` once an account '
        "exists, `none` before",
        choices=MODES,
    )
    session_hours: float = setting(12.0, 0.05, 24 * 366, help="how long a sign-in lasts")
    proxy_header: str = setting(
        "Remote-User",
        help="`proxy`: the header naming the signed-in account",
        allowed="an HTTP header name",
    )
    proxy_addresses: tuple[str, ...] = setting(
        (),
        help="`proxy`: the proxy's addresses or CIDR networks, the only connections whose "
        'header is read (required with `auth = "proxy"`)',
        allowed="a list of addresses or CIDR networks",
    )
    allow_anonymous: bool = setting(
        False,
        help="lets `none` (or `auto` before the first account) listen on an address other "
        "than loopback, with a warning at start",
    )
    failures_before_delay: int = setting(
        3,
        1,
        1000,
        help="sign-in failures per account or per address before each next try is slowed",
    )
    max_delay_seconds: float = setting(
        300.0, 0, 86_400, help="the longest a failing account or address waits between tries"
    )


def effective_mode(settings: WebSettings, accounts_exist: bool) -> AuthMode:
    """The mode in force: the configured one, or for "auto" builtin once an account exists."""
    if settings.auth == AUTO:
        return AuthMode.BUILTIN if accounts_exist else AuthMode.NONE
    return AuthMode(settings.auth)


SESSION_COOKIE = "session"
"""The browser's sign-in: a random secret whose hash the store keeps (`storage/accounts.py`)."""


_HEADER = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
"""An HTTP field name (RFC 9110 `token`)."""


def parse_web(table: Mapping[str, Any], path: Path) -> WebSettings:
    """The `[web]` table; every error names the file, the key and what it must be."""
    r = TableReader(table, path, "[web]")
    r.check_keys(key_names(WebSettings))
    values = read_plain(WebSettings, r)
    auth = r.get("auth", str, f"one of {', '.join(map(repr, MODES))}")
    if auth is not None:
        if auth.strip().lower() not in MODES:
            raise r.fail("auth", f"expected one of {', '.join(map(repr, MODES))}, got {auth!r}")
        values["auth"] = auth.strip().lower()
    header = r.get("proxy_header", str, 'a header name such as "Remote-User"')
    if header is not None:
        if not _HEADER.fullmatch(header.strip()):
            raise r.fail(
                "proxy_header", f'expected a header name such as "Remote-User", got {header!r}'
            )
        values["proxy_header"] = header.strip()
    addresses = r.get("proxy_addresses", list, 'a list such as ["127.0.0.1", "10.0.0.0/24"]')
    if addresses is not None:
        values["proxy_addresses"] = _addresses(addresses, r)
    settings = WebSettings(**values)
    if settings.auth == AuthMode.PROXY and not settings.proxy_addresses:
        raise r.fail(
            "proxy_addresses",
            'auth = "proxy" trusts the header only from these addresses: name your reverse '
            'proxy\'s, such as proxy_addresses = ["127.0.0.1"]',
        )
    return settings


def _addresses(values: list[Any], r: TableReader) -> tuple[str, ...]:
    """The addresses and CIDR networks, each as `ipaddress` writes it."""
    found = []
    for value in values:
        if not isinstance(value, str):
            raise r.fail(
                "proxy_addresses", f"expected addresses or CIDR networks as strings, got {value!r}"
            )
        try:
            found.append(str(ipaddress.ip_network(value.strip(), strict=True)))
        except ValueError as exc:
            raise r.fail(
                "proxy_addresses",
                f'{value!r} is not an address or CIDR network ({exc}), such as "10.0.0.0/24"',
            ) from None
    return tuple(found)


def proxy_networks(
    settings: WebSettings,
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """`proxy_addresses` as networks (a bare address is a network of one)."""
    return tuple(ipaddress.ip_network(value) for value in settings.proxy_addresses)
