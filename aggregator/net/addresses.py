"""Which network addresses we are willing to connect to.

Feeds and pages are written by strangers, so a URL (or a redirect, or a DNS answer) must not make
us talk to the newsroom's own network. The check is done on the address we are about to connect
to, after resolution, so DNS rebinding cannot slip past it. IPv6 forms that embed an IPv4 address
(IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) are unwrapped first: `ipaddress` calls some of
them global although they lead straight to a private IPv4 host.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def parse_allowlist(values: Iterable[str]) -> tuple[Network, ...]:
    """Parse `allow_private_networks` entries; a bare address means just that address."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=True))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an address or CIDR range ({exc})") from None
    return tuple(networks)


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to, for the forms that embed one."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64) or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """True when the address, and any IPv4 address it embeds, is globally routable unicast."""
    inner = embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
    )


def is_allowed(address: Address, allow: tuple[Network, ...] | bool) -> bool:
    """May we connect to this address?

    `allow` is the `allow_private_networks` setting: False refuses every non-public address;
    a tuple of networks lets exactly those through (matched against the address as connected,
    so an encoded form of an allowed address is still refused); True allows everything but the
    unspecified and multicast addresses, which are never a real destination.
    """
    if address.is_unspecified or address.is_multicast:
        return False
    if allow is True:
        return True
    if is_public(address):
        return True
    if allow is False:
        return False
    return any(address.version == net.version and address in net for net in allow)


def literal_address(host: str) -> Address | None:
    """The address a host name denotes literally, including the legacy IPv4 spellings that
    `inet_aton` accepts (`2130706433`, `0177.0.0.1`, `127.1`, `0x7f.1`)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def is_refused_literal(host: str, allow: tuple[Network, ...] | bool) -> bool:
    """True when `host` is an address literal that `is_allowed` refuses."""
    address = literal_address(host)
    return address is not None and not is_allowed(address, allow)
