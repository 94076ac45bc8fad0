"""What makes an item the same item from one fetch to the next, and when it has changed."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aggregator.records import ParsedItem

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ref_src"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_link(url: str) -> str:
    """Scheme and host lower-cased, default port, fragment and tracking parameters removed."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING
    ]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


def content_hash(item: ParsedItem) -> str:
    """Changes to what a reader sees (title, link, text) change the hash; dates alone do not."""
    digest = hashlib.sha256()
    for part in (item.title, item.link, item.content or item.summary):
        digest.update((part or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def item_identity(item: ParsedItem, digest: str) -> str:
    """By guid; without one, by normalised link; without either, by content hash."""
    if item.guid:
        return f"guid:{item.guid}"
    if item.link:
        return f"link:{normalise_link(item.link)}"
    return f"hash:{digest}"
