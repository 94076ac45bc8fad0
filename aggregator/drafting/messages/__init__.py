"""What a stub says to its readers, per language: headings, labels, notes, prompts, disclaimer.

Each language is a TOML file beside this module (`en.toml`, `ja.toml`) with the same keys; a
key is the dotted path of its table (`heading.news_summary`). A language without a file, or a
key missing from one, falls back to English, so a stub always has every label. Files are read
on first use, not at import.
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

DEFAULT = "en"


@dataclass(frozen=True, slots=True)
class Messages:
    language: str
    """The catalogue's language: the stub's target language, or "en" when it has none."""
    texts: Mapping[str, str]

    def __call__(self, key: str, /, **values: object) -> str:
        text = self.texts.get(key)
        if text is None:
            text = english().texts[key]
        return text.format(**values) if values else text

    def heading(self, part: str) -> str:
        """The heading of a part; a part no catalogue knows is shown by its name."""
        key = f"heading.{part}"
        return self(key) if key in english().texts else part

    def translated(self, english_text: str | None) -> str | None:
        """An English catalogue text (a prompt written by code that knows no language) in this
        catalogue's language; any other text as it is."""
        if english_text is None or self.language == DEFAULT:
            return english_text
        key = _english_keys().get(english_text)
        return self(key) if key is not None else english_text

    def listing(self, items: list[str]) -> str:
        return self("list_separator").join(items)


def base_language(tag: str | None) -> str:
    """ "ja-JP" -> "ja"; None or "" -> the default."""
    return (tag or DEFAULT).replace("_", "-").split("-", 1)[0].lower() or DEFAULT


def messages(language: str | None) -> Messages:
    """The catalogue of `language` (a BCP 47 tag); English when there is none for it."""
    code = base_language(language)
    return _load(code) if code in available() else english()


def english() -> Messages:
    return _load(DEFAULT)


@functools.cache
def available() -> tuple[str, ...]:
    """The languages with a catalogue."""
    files = resources.files(__name__).iterdir()
    return tuple(sorted(f.name[:-5] for f in files if f.name.endswith(".toml")))


@functools.cache
def _english_keys() -> dict[str, str]:
    return {text: key for key, text in english().texts.items() if "{" not in text}


@functools.cache
def _load(code: str) -> Messages:
    data = tomllib.loads(resources.files(__name__).joinpath(f"{code}.toml").read_text("utf-8"))
    return Messages(language=code, texts=dict(_flatten(data, "")))


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _flatten(data: Mapping[str, Any], prefix: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            found += _flatten(value, f"{prefix}{key}.")
        elif isinstance(value, str):
            found.append((f"{prefix}{key}", value))
        else:
            raise TypeError(f"{prefix}{key}: a message must be a string")
    return found
