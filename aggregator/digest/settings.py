"""The `[digest]` table of `config/feeds.toml`: what the digest feed holds and where it lives.

`base_url` is the public address of the service, used for the feed's own links (Atom asks for
absolute ones); by default it is the address `[settings].listen` serves on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aggregator.config_fields import key_names, read_plain, setting
from aggregator.config_reader import TableReader
from aggregator.stub_records import APPROVED, REJECTED, STATES

ALL = "all"
APPROVED_ONLY = "approved"
EVERY_STATE_BUT_REJECTED = tuple(s for s in STATES if s != REJECTED)
DEFAULT_LISTEN = "127.0.0.1:8080"


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """The `[digest]` table; each key's range and meaning are defined here once."""

    title: str = setting("aggregator digest", help="the feeds' title", allowed="text")
    base_url: str = setting(
        f"http://{DEFAULT_LISTEN}",
        help="public URL of the service for the feeds' links, without a trailing slash",
        shown="http:// + `[settings].listen`",
        allowed="an http(s) URL without query",
    )
    window_days: int = setting(14, 1, 3650, help="stubs changed within this many days are in it")
    limit: int = setting(50, 1, 1000, help="entries per page")
    states: tuple[str, ...] = setting(
        EVERY_STATE_BUT_REJECTED,
        help='`"all"`: every stub but rejected ones; `"approved"`, or a list such as '
        '`["reviewed", "approved"]`',
        shown='`"all"`',
        allowed=f'`"all"`, `"approved"` or a list of {", ".join(STATES)}',
    )
    cache_seconds: int = setting(
        300, 0, 86_400, help="`Cache-Control: max-age` of the digest's answers"
    )
    file: Path | None = setting(
        None,
        help="where the digest file is written (relative to the config file's directory)",
        shown="`var/digest.atom` beside a SQLite database; none with PostgreSQL (still served "
        "over HTTP)",
        allowed="a file path",
    )


def base_url_of(listen: str) -> str:
    """`http://host:port` for a `host:port` to listen on (IPv6 hosts in brackets)."""
    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def parse_digest(table: Mapping[str, Any], path: Path, listen: str) -> DigestSettings:
    r = TableReader(table, path, "[digest]")
    r.check_keys(key_names(DigestSettings))
    values = {"base_url": base_url_of(listen), **read_plain(DigestSettings, r)}
    title = r.get("title", str, "a string")
    if title is not None:
        if not title.strip():
            raise r.fail("title", "expected a non-empty title")
        values["title"] = " ".join(title.split())
    base_url = r.get("base_url", str, 'an http(s) URL such as "https://news.example.org"')
    if base_url is not None:
        values["base_url"] = _base_url(base_url, r)
    states = _states(r)
    if states is not None:
        values["states"] = states
    file = r.get("file", str, 'a file path such as "/srv/www/digest.atom"')
    if file is not None:
        if not file.strip():
            raise r.fail("file", "expected a file path, got an empty string")
        given = Path(file)
        values["file"] = given if given.is_absolute() else path.parent / given
    return DigestSettings(**values)


def _base_url(value: str, r: TableReader) -> str:
    url = value.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in url)
    ):
        raise r.fail(
            "base_url",
            f'expected an http(s) URL without query, such as "https://news.example.org", '
            f"got {value!r}",
        )
    return url


def _states(r: TableReader) -> tuple[str, ...] | None:
    expected = f'"{ALL}", "{APPROVED_ONLY}" or a list of states ({", ".join(STATES)})'
    value = r.get("states", (str, list), expected)
    if value is None:
        return None
    if value == ALL:
        return EVERY_STATE_BUT_REJECTED
    if value == APPROVED_ONLY:
        return (APPROVED,)
    if isinstance(value, str) or not value or not all(v in STATES for v in value):
        raise r.fail("states", f"expected {expected}, got {value!r}")
    return tuple(s for s in STATES if s in value)
