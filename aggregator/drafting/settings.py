"""The `[drafting]` table and the `[[categories]]` rules of `config/feeds.toml`.

API keys never live in the file: `api_key_env` names the environment variable that holds one,
and it is read when a backend is opened, not here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator.config_fields import key_names, read_plain, setting
from aggregator.config_reader import TableReader, table_of
from aggregator.drafting.messages import messages


class Backend(enum.StrEnum):
    """The drafting backends `[drafting].backend` may name; `none` drafts without one."""

    NONE = "none"
    OPENAI = "openai"
    DEEPL = "deepl"
    LIBRETRANSLATE = "libretranslate"


class StructuredOutput(enum.StrEnum):
    """How an OpenAI-compatible server is asked for JSON (`[drafting].structured_output`)."""

    JSON_OBJECT = "json_object"
    JSON_SCHEMA = "json_schema"
    NONE = "none"
    """Asked in the prompt only, for servers that support neither."""


DEFAULT_DISCLAIMERS: Mapping[str, str] = {}
"""Configured disclaimers come first; a language without one gets its message catalogue's
(`aggregator/drafting/messages/<language>.toml`), else the English one."""


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """A category and what maps an item to it: its own categories, its feed's tags, keywords."""

    name: str
    item_categories: tuple[str, ...] = ()
    feed_tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DraftingSettings:
    """The `[drafting]` table; each key's range and meaning are defined here once."""

    backend: Backend = setting(
        Backend.NONE, help="what drafts the parts a machine writes; `none`: drafted offline"
    )
    base_url: str | None = setting(
        None,
        help="the backend's server: any OpenAI-compatible one (Ollama, vLLM, llama.cpp...), "
        "a LibreTranslate server",
        allowed="an http(s):// URL",
    )
    model: str | None = setting(
        None, help="the model an OpenAI-compatible server is asked for", allowed="a model name"
    )
    api_key_env: str | None = setting(
        None,
        help="the environment variable holding the key; never the key itself",
        allowed="a variable name",
    )
    timeout: float = setting(60.0, 1, 3600, help="seconds for one request to the backend")
    max_attempts: int = setting(
        4,
        1,
        20,
        help="tries of one request to the backend (and rounds for parts that failed validation) "
        "before the stub waits `retry_minutes`",
    )
    structured_output: StructuredOutput = setting(
        StructuredOutput.JSON_OBJECT,
        help="how an OpenAI-compatible server is asked for JSON: `json_schema` for LM Studio, "
        "`none` in the prompt only",
    )
    price_input_per_million: float | None = setting(
        None, 0, 1e9, help="price of a million input tokens (openai): cost is recorded per stub"
    )
    price_output_per_million: float | None = setting(
        None, 0, 1e9, help="price of a million output tokens (openai)"
    )
    price_per_million_chars: float | None = setting(
        None, 0, 1e9, help="price of a million characters (DeepL, LibreTranslate)"
    )
    daily_budget: float | None = setting(
        None,
        0,
        1e9,
        help="spending cap per UTC day in the prices' currency (needs the prices); over it, "
        "stubs wait for the next day",
    )
    daily_units: int | None = setting(
        None,
        0,
        1 << 40,
        help="cap per UTC day in the backend's units: tokens (openai), characters (the "
        "translators)",
    )
    write_commentary: bool = setting(
        True, help="with the openai backend, also draft Expert Analysis and Summary"
    )
    summary_sentences: int = setting(4, 3, 5, help="sentences of the News Summary")
    key_points: int = setting(4, 3, 5, help="sentences of Key points")
    related_limit: int = setting(6, 0, 50, help="most Related News and Background entries")
    max_text_chars: int = setting(
        50_000,
        1000,
        10_000_000,
        help="characters of an article a stub is drafted from; a longer text is cut at a "
        "boundary (below)",
    )
    retry_minutes: int = setting(
        30,
        1,
        1440,
        help="how soon a stub whose backend failed is tried again (doubling up to a day)",
    )
    stubs_dir: Path | None = setting(
        None,
        help="where Markdown stubs are written (relative to the config file's directory)",
        shown="`var/stubs` beside the database's `var/`",
        allowed="a directory",
    )
    default_category: str = setting(
        "General",
        help="the category of a stub that no `[[categories]]` rule matches",
        allowed="a category name",
    )
    disclaimers: Mapping[str, str] = setting(
        factory=lambda: dict(DEFAULT_DISCLAIMERS),
        help='`[drafting.disclaimers]`: `ja = "..."`, the disclaimer per target language',
        shown="the message catalogue's",
        allowed='a table of `language = "text"`',
    )
    categories: tuple[CategoryRule, ...] = ()
    """From the `[[categories]]` tables, not a key of `[drafting]`."""

    def disclaimer(self, language: str) -> str:
        return self.disclaimers.get(language) or messages(language)("disclaimer")


_STRINGS = ("base_url", "model", "api_key_env", "default_category")


def parse_drafting(table: Mapping[str, Any], categories: list[Any], path: Path) -> DraftingSettings:
    r = TableReader(table, path, "[drafting]")
    r.check_keys(key_names(DraftingSettings))
    values = read_plain(DraftingSettings, r)
    for key in _STRINGS:
        value = r.get(key, str, "a string")
        if value is not None:
            values[key] = value.strip()
    backend = _choice(r, "backend", tuple(b.value for b in Backend))
    if backend is not None:
        values["backend"] = Backend(backend)
    structured = _choice(r, "structured_output", tuple(s.value for s in StructuredOutput))
    if structured is not None:
        values["structured_output"] = StructuredOutput(structured)
    stubs_dir = r.get("stubs_dir", str, 'a directory such as "var/stubs"')
    if stubs_dir is not None:
        directory = Path(stubs_dir)
        values["stubs_dir"] = directory if directory.is_absolute() else path.parent / directory
    disclaimers = r.get("disclaimers", dict, 'a table of language = "text"')
    if disclaimers is not None:
        if not all(isinstance(v, str) for v in disclaimers.values()):
            raise r.fail("disclaimers", 'expected language = "text" pairs')
        values["disclaimers"] = {**DEFAULT_DISCLAIMERS, **disclaimers}
    settings = DraftingSettings(**values, categories=_categories(categories, path))
    _check_backend(settings, r)
    return settings


def _choice(r: TableReader, key: str, choices: tuple[str, ...]) -> str | None:
    value = r.get(key, str, " or ".join(f'"{c}"' for c in choices))
    if value is not None and value not in choices:
        raise r.fail(key, f"expected {' or '.join(repr(c) for c in choices)}, got {value!r}")
    return value  # type: ignore[no-any-return]


def _check_backend(settings: DraftingSettings, r: TableReader) -> None:
    if settings.backend == Backend.OPENAI:
        if not settings.base_url:
            raise r.fail(
                "base_url",
                'required for backend "openai": e.g. "http://127.0.0.1:11434/v1" (Ollama) '
                'or "https://api.openai.com/v1"',
            )
        if not settings.model:
            raise r.fail("model", 'required for backend "openai": the model name to ask for')
    if settings.backend == Backend.LIBRETRANSLATE and not settings.base_url:
        raise r.fail("base_url", 'required for backend "libretranslate": the server URL')
    if settings.backend == Backend.DEEPL and not settings.api_key_env:
        raise r.fail(
            "api_key_env", 'required for backend "deepl": the environment variable with the key'
        )
    if settings.base_url and not settings.base_url.startswith(("http://", "https://")):
        raise r.fail("base_url", f"expected an http:// or https:// URL, got {settings.base_url!r}")
    if settings.daily_budget is not None and not (
        settings.price_input_per_million is not None
        or settings.price_output_per_million is not None
        or settings.price_per_million_chars is not None
    ):
        raise r.fail(
            "daily_budget",
            "needs prices to count spending: set price_input_per_million and "
            "price_output_per_million (openai) or price_per_million_chars, or use daily_units",
        )


def _categories(entries: list[Any], path: Path) -> tuple[CategoryRule, ...]:
    rules = []
    for index, entry in enumerate(entries, start=1):
        r = TableReader(table_of(entry, path, f"categories[{index}]"), path, f"categories[{index}]")
        r.check_keys({"name", "item_categories", "feed_tags", "keywords"})
        name = r.get("name", str, "a category name")
        if not name or not name.strip():
            raise r.fail("name", 'required: the category shown on stubs, e.g. "Digital and AI"')
        lists = {}
        for key in ("item_categories", "feed_tags", "keywords"):
            value = r.get(key, list, "a list of strings")
            if value is not None and not all(isinstance(v, str) and v.strip() for v in value):
                raise r.fail(key, "expected a list of non-empty strings")
            lists[key] = tuple(v.strip() for v in value or ())
        if not any(lists.values()):
            raise r.fail(
                "name", "a category needs at least one of item_categories, feed_tags or keywords"
            )
        rules.append(CategoryRule(name=name.strip(), **lists))
    return tuple(rules)
