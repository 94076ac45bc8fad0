"""The host of a URL, read one way everywhere: for politeness, rules, names and checks."""

from __future__ import annotations

from urllib.parse import urlsplit


def hostname(url: str | None) -> str:
    """The URL's host name, lower-cased (IPv6 without brackets); "" for none or a bad URL."""
    if not url:
        return ""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # an unbalanced "[" in the address
        return ""


def host_key(url: str) -> str:
    """ "host:port" as politeness counts it (the port empty when not written).

    Raises ValueError for a port that is not a number."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or ''}"


def host_of(url: str | None) -> str | None:
    """The host as politeness counts it (`host_key`), or None for a URL without one."""
    if not hostname(url):
        return None
    assert url is not None
    try:
        return host_key(url)
    except ValueError:  # a port that is not a number
        return None


def site_name(url: str) -> str:
    """The host name without a leading "www.": what a feed is named after."""
    return hostname(url).removeprefix("www.")
