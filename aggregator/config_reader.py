"""Typed reading of one TOML table, with errors that name the file, the key and the fix."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aggregator.errors import ConfigError

_DEFAULT_PORTS = {"http": 80, "https": 443}


class TableReader:
    """Typed access to one TOML table with errors that say where and what."""

    def __init__(self, table: Mapping[str, Any], path: Path, where: str) -> None:
        self.table, self.path, self.where = table, path, where

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(str(self.path), f"{self.where}.{key}", problem)

    def get(self, key: str, kind: type | tuple[type, ...], expected: str) -> Any:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(key, f"expected {expected}, got {value!r}")
        if not isinstance(value, kind):
            raise self.fail(key, f"expected {expected}, got {value!r}")
        return value

    def number(self, key: str, low: float, high: float, *, integer: bool = True) -> Any:
        kind: tuple[type, ...] = (int,) if integer else (int, float)
        what = "an integer" if integer else "a number"
        value = self.get(key, kind, f"{what} between {low:g} and {high:g}")
        if value is not None and not low <= value <= high:
            raise self.fail(key, f"expected {what} between {low:g} and {high:g}, got {value!r}")
        return value

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.table:
            if key not in allowed:
                raise self.fail(key, f"unknown key; expected one of: {', '.join(sorted(allowed))}")


def table_of(value: Any, path: Path, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(str(path), where, "expected a table")
    return value


def url_key(url: str) -> str:
    """A URL in the form used to spot duplicates: scheme and host lower-cased, default port
    and fragment dropped, an empty path as "/". Anything unparseable is compared as written.
    Taken again until it no longer changes: splitting and joining a URL with stray spaces
    or an empty query can expose more to drop, and a key read again must be the same key."""
    key = _url_key_once(url)
    for _ in range(4):
        again = _url_key_once(key)
        if again == key:
            break
        key = again
    return key


def _url_key_once(url: str) -> str:
    text = _trimmed(url)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return _trimmed(urlunsplit((scheme, host, parts.path or "/", parts.query, "")))


def _trimmed(text: str) -> str:
    """`text` without the spaces and control characters at either end, Unicode's as well as
    the ones `urlsplit` drops itself (so that a key read again is the same key)."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] < " "):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] < " "):
        end -= 1
    return text[start:end]
