"""The effective settings of a config, for `aggregator config --show`: every key of
`[settings]`, `[drafting]`, `[digest]`, `[workers]` and `[web]` with its value after defaults and
overrides, where the value came from, and secrets masked.

Where from: `file` when the config file sets the key, the variable or option that overrode
it (`$AGGREGATOR_LISTEN`, `--listen`), else `default`. Masked: the password of any URL
(`postgresql://user:***@host/db`), query parameters that carry keys or passwords, and any key
whose name says it is a secret. `api_key_env` names a variable, so it is shown, with whether it
is set (its value never is).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from aggregator.config import Config

MASK = "***"
_SECRET_NAME = re.compile(r"(password|passwd|secret|token|api_?key|credential)", re.IGNORECASE)
_SECTIONS = ("settings", "drafting", "digest", "workers", "web")
_SKIPPED = {"drafting": {"categories"}}
"""Shown as a count, not field by field."""


@dataclass(frozen=True, slots=True)
class Shown:
    section: str
    key: str
    value: Any
    """A TOML-like value: str, int, float, bool, list, dict, or None for unset."""
    source: str
    note: str = ""


def effective(config: Config, environ: Mapping[str, str]) -> list[Shown]:
    """Every setting of `config` in section order, masked, with where it came from."""
    raw = _file_tables(config.path)
    overridden = dict(config.overridden)
    shown: list[Shown] = []
    for section in _SECTIONS:
        values = getattr(config, section)
        written = raw.get(section, {})
        for field in dataclasses.fields(values):
            key = field.name
            if key in _SKIPPED.get(section, ()):
                continue
            source = "file" if key in written else "default"
            if section == "settings" and key in overridden:
                source = overridden[key]
            value = mask(key, _plain(getattr(values, key)))
            note = ""
            if key.endswith("_env") and isinstance(value, str):
                note = "set" if environ.get(value) else "not set in this environment"
            shown.append(Shown(section, key, value, source, note))
        if section == "drafting":
            count = len(config.drafting.categories)
            note = "[[categories]] tables"
            shown.append(Shown(section, "categories", count, "file" if count else "default", note))
    return shown


def mask(key: str, value: Any) -> Any:
    """`value` with its secrets replaced by `***`."""
    if isinstance(value, str):
        if _SECRET_NAME.search(key) and not key.endswith("_env"):
            return MASK if value else value
        return mask_url(value)
    if isinstance(value, list):
        return [mask(key, v) for v in value]
    if isinstance(value, dict):
        return {k: mask(k, v) for k, v in value.items()}
    return value


def mask_url(text: str) -> str:
    """A URL without its password and secret query parameters; other text as it is."""
    if "://" not in text:
        return text
    try:
        parts = urlsplit(text)
        password = parts.password
    except ValueError:
        return text
    masked = text  # rebuilt by replacing parts only: urlunsplit would rewrite sqlite:////path
    if password is not None:
        user, _, host = parts.netloc.rpartition("@")
        masked = masked.replace(parts.netloc, f"{user.split(':', 1)[0]}:{MASK}@{host}", 1)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any(_SECRET_NAME.search(k) for k, _ in pairs):
        query = urlencode([(k, MASK if _SECRET_NAME.search(k) else v) for k, v in pairs], safe="*")
        masked = masked.replace(f"?{parts.query}", f"?{query}", 1)
    return masked


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # networks of allow_private_networks


def _file_tables(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)}
