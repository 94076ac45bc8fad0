"""The service's listening socket, bound before anything else starts.

`aggregator run` binds `[settings].listen` first: a taken port is one line naming the key and
the address, and no scheduler tick, worker or database work has begun when it is reported.

A desk nobody signs in to (`[web].auth` none, or auto before the first account) is served on
loopback only: on another address the service refuses to start (`anonymous_exposure`), unless
`[web].allow_anonymous = true`, which it logs as a warning.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from aggregator.auth.model import AuthMode
from aggregator.errors import ConfigError

if TYPE_CHECKING:
    from aggregator.config import Config

KEY = "[settings].listen"


def split_listen(listen: str) -> tuple[str, int]:
    """`host:port` (the host may be an IPv6 address in brackets) as (host, port)."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]"), int(port)


def bind(listen: str, config_path: Path) -> socket.socket:
    """A socket bound to `listen` (not yet listening: the web server does that)."""
    host, port = split_listen(listen)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ConfigError(
            str(config_path), KEY, f"cannot resolve {host!r} to listen on ({exc.strerror})"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            fix = "stop the program using it, or set another port"
        elif exc.errno == errno.EACCES:
            fix = "ports below 1024 need privileges; set a port above 1023"
        else:
            fix = "set an address of this machine"
        raise ConfigError(
            str(config_path), KEY, f"cannot listen on {listen}: {exc.strerror or exc}; {fix}"
        ) from None
    return sock


def bind_listen(config: Config) -> socket.socket:
    """`bind` the config's listen address; an error names where that address came from
    (`--listen`, `$AGGREGATOR_LISTEN`) when it was not the config file."""
    try:
        return bind(config.settings.listen, config.path)
    except ConfigError as exc:
        source = dict(config.overridden).get("listen")
        if source is None:
            raise
        raise ConfigError(source, "", exc.problem) from None


def url_to_open(sock: socket.socket) -> str:
    """The address people open in a browser for the bound socket."""
    host, port = sock.getsockname()[:2]
    return local_url(host, port)


def local_url(host: str, port: int) -> str:
    """The address to reach, from this machine, a service listening on `host`:`port` (every
    address is reached through loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def is_loopback(host: str) -> bool:
    """Whether `host` (an address as bound, or a name) is this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def anonymous_exposure(config: Config, mode: AuthMode, host: str) -> bool:
    """Whether the desk would let anyone who reaches `host` in without signing in: True when
    that is allowed (`[web].allow_anonymous`, to be logged as a warning); ConfigError when it
    is not, naming the key and the fixes. False when someone must sign in, or on loopback."""
    if mode is not AuthMode.NONE or is_loopback(host):
        return False
    if config.web.allow_anonymous:
        return True
    why = 'auth = "none"' if config.web.auth == AuthMode.NONE else "no account exists yet"
    raise ConfigError(
        str(config.path),
        "[web].auth",
        f"nobody signs in ({why}) and the desk would listen on {host}, which is not loopback: "
        'create an account (aggregator users add NAME --role admin), set auth = "proxy" '
        "behind a proxy that signs people in, or set allow_anonymous = true if anyone who "
        "reaches this address may edit",
    )
