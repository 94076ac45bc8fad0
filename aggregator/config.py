"""Reading and validating `config/feeds.toml`.

Every error names the file, the place (`[settings].key` or `feeds[3] "name".key`) and what is
expected, so that a typo can be fixed without reading code.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aggregator.auth.settings import WebSettings, parse_web
from aggregator.config_reader import TableReader, table_of, url_key
from aggregator.database_kind import default_database_url, url_kind
from aggregator.digest.settings import DigestSettings, parse_digest
from aggregator.drafting.settings import DraftingSettings, parse_drafting
from aggregator.errors import ConfigError
from aggregator.net.addresses import Network, is_refused_literal, parse_allowlist
from aggregator.net.hosts import hostname
from aggregator.workers.settings import WorkerSettings, parse_workers

if TYPE_CHECKING:
    from aggregator.articles.rules import SiteRule

DEFAULT_CONFIG = Path("config/feeds.toml")
CONFIG_ENV = "AGGREGATOR_CONFIG"


@dataclass(frozen=True, slots=True)
class FeedConfig:
    name: str
    url: str
    interval: int | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    enabled: bool = True
    rule: SiteRule | None = None
    target_language: str | None = None
    source: SourceInfo | None = None
    backfill_items: int | None = None
    """Items of the first fetch that get articles; None: `[settings].backfill_items`."""


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """How a feed's stories are credited on a stub: name, licence and attribution line."""

    name: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    attribution: str | None = None
    attribution_url: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """The `[settings]` table with defaults filled in. Times in seconds unless named minutes."""

    database_url: str
    contact_url: str = "https://github.com/aggregator/aggregator"
    allow_private_networks: tuple[Network, ...] | bool = False
    default_interval: int = 60
    min_interval: int = 5
    max_interval: int = 1440
    max_backoff: int = 1440
    jitter: float = 0.1
    target_language: str = "en"
    max_connections: int = 30
    per_host_connections: int = 2
    per_host_gap: float = 1.0
    max_body_bytes: int = 10_000_000
    request_deadline: float = 30.0
    max_redirects: int = 5
    parse_workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    parse_time_budget: float = 20.0
    parse_memory_mb: int = 512
    max_items_per_feed: int = 50_000
    backfill_items: int = 20
    """On a feed's first fetch, only its newest this many items get articles and stubs."""
    tick_seconds: int = 30
    extract_attempts: int = 5
    extract_concurrency: int = 16
    extract_lease_seconds: int = 600
    """How long a claimed article is left to its worker before another may take it."""
    draft_lease_seconds: int = 900
    """How long a claimed stub is left to its drafter before another may take it."""
    listen: str = "127.0.0.1:8080"
    """host:port of the web server of `aggregator run`."""
    retention_days: int = 90
    """Article texts, stubs (unless approved) and histories older than this are removed."""
    digest_minutes: int = 15
    """How often the service rebuilds var/digest.atom."""


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    settings: Settings
    feeds: tuple[FeedConfig, ...]
    site_rules: tuple[SiteRule, ...] = ()
    drafting: DraftingSettings = field(default_factory=DraftingSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    workers: WorkerSettings = field(default_factory=WorkerSettings)
    web: WebSettings = field(default_factory=WebSettings)
    problems: tuple[ConfigError, ...] = ()
    """Mistakes that do not stop the rest from working: a feed whose URL names an address we
    refuse. `check-config` reports them as errors; fetching records the refusal on that feed."""
    overridden: tuple[tuple[str, str], ...] = ()
    """`[settings]` keys set from outside the file, with where from: ("listen", "--listen")."""

    def feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.name == name), None)

    @property
    def rules(self) -> tuple[SiteRule, ...]:
        """Every extraction rule: per feed, then `[[rules]]`, then the shipped ones."""
        from aggregator.articles.rules import builtin_rules

        per_feed = tuple(f.rule for f in self.feeds if f.rule is not None)
        return per_feed + self.site_rules + builtin_rules()


def config_path(option: str | None, environ: Mapping[str, str]) -> Path:
    """`--config PATH`, else `$AGGREGATOR_CONFIG`, else `config/feeds.toml`."""
    if option:
        return Path(option)
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    return DEFAULT_CONFIG


def load_config(path: Path, overrides: Mapping[str, tuple[str, str]] | None = None) -> Config:
    """The config file at `path`; `overrides` maps `[settings]` keys to (value, where from),
    e.g. {"listen": ("0.0.0.0:8080", "$AGGREGATOR_LISTEN")}: they win over the file, and an
    error in one names where it came from."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            str(path), "", f"file not found; pass --config PATH or set {CONFIG_ENV}"
        ) from None
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot be read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(str(path), "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"is not valid TOML: {exc}") from None
    if not overrides:
        return parse_config(data, path)
    settings = dict(table_of(data.get("settings", {}), path, "[settings]"))
    settings.update({key: value for key, (value, _) in overrides.items()})
    try:
        config = parse_config({**data, "settings": settings}, path)
    except ConfigError as exc:
        key = exc.where.removeprefix("[settings].")
        if key in overrides:
            raise ConfigError(overrides[key][1], "", exc.problem) from None
        raise
    where = tuple((key, source) for key, (_, source) in overrides.items())
    return dataclasses.replace(config, overridden=where)


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    unknown = set(data) - {
        "settings",
        "feeds",
        "rules",
        "drafting",
        "digest",
        "categories",
        "workers",
        "web",
    }
    if unknown:
        raise ConfigError(
            str(path),
            f"[{sorted(unknown)[0]}]",
            "unknown table; expected [settings], [[feeds]], [[rules]], [drafting], [digest], "
            "[workers], [web] or [[categories]]",
        )
    settings = _settings(table_of(data.get("settings", {}), path, "[settings]"), path)
    feeds_raw = data.get("feeds", [])
    if not isinstance(feeds_raw, list):
        raise ConfigError(str(path), "feeds", "expected [[feeds]] tables")
    feeds: list[FeedConfig] = []
    problems: list[ConfigError] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(feeds_raw, start=1):
        feed = _feed(table_of(entry, path, f"feeds[{index}]"), path, index, settings, problems)
        if feed.name in seen:
            raise ConfigError(
                str(path),
                f'feeds[{index}] "{feed.name}".name',
                f"duplicate name (also feeds[{seen[feed.name]}]); feed names must be unique",
            )
        seen[feed.name] = index
        feeds.append(feed)
    _refuse_duplicate_urls(feeds, path)
    rules_raw = data.get("rules", [])
    if not isinstance(rules_raw, list):
        raise ConfigError(str(path), "rules", "expected [[rules]] tables")
    site_rules = tuple(
        _rule(table_of(entry, path, f"rules[{index}]"), path, f"rules[{index}]", ())
        for index, entry in enumerate(rules_raw, start=1)
    )
    categories = data.get("categories", [])
    if not isinstance(categories, list):
        raise ConfigError(str(path), "categories", "expected [[categories]] tables")
    drafting = parse_drafting(
        table_of(data.get("drafting", {}), path, "[drafting]"), categories, path
    )
    digest = parse_digest(table_of(data.get("digest", {}), path, "[digest]"), path, settings.listen)
    workers = parse_workers(table_of(data.get("workers", {}), path, "[workers]"), path)
    web = parse_web(table_of(data.get("web", {}), path, "[web]"), path)
    return Config(
        path=path,
        settings=settings,
        feeds=tuple(feeds),
        site_rules=site_rules,
        drafting=drafting,
        digest=digest,
        workers=workers,
        web=web,
        problems=tuple(problems),
    )


def _refuse_duplicate_urls(feeds: list[FeedConfig], path: Path) -> None:
    """Two `[[feeds]]` with one URL (as `url_key` compares them) would fetch it twice."""
    first: dict[str, tuple[int, str]] = {}
    for index, feed in enumerate(feeds, start=1):
        key = url_key(feed.url)
        if key in first:
            other, name = first[key]
            raise ConfigError(
                str(path),
                f'feeds[{index}] "{feed.name}".url',
                f'the same URL as feeds[{other}] "{name}" ({feed.url}); '
                "a feed is listed once: remove one of the two",
            )
        first[key] = (index, feed.name)


_NUMBERS: dict[str, tuple[float, float, bool]] = {
    "default_interval": (1, 10_080, True),
    "min_interval": (1, 10_080, True),
    "max_interval": (1, 100_800, True),
    "max_backoff": (1, 100_800, True),
    "jitter": (0, 1, False),
    "max_connections": (1, 1000, True),
    "per_host_connections": (1, 100, True),
    "per_host_gap": (0, 3600, False),
    "max_body_bytes": (1024, 1 << 31, True),
    "request_deadline": (1, 3600, False),
    "max_redirects": (0, 20, True),
    "parse_workers": (0, 64, True),
    "parse_time_budget": (0.1, 3600, False),
    "parse_memory_mb": (32, 1 << 16, True),
    "max_items_per_feed": (1, 1_000_000, True),
    "backfill_items": (0, 1_000_000, True),
    "tick_seconds": (1, 3600, True),
    "extract_attempts": (1, 100, True),
    "extract_concurrency": (1, 256, True),
    "extract_lease_seconds": (1, 86_400, True),
    "draft_lease_seconds": (1, 86_400, True),
    "retention_days": (1, 36_500, True),
    "digest_minutes": (1, 1440, True),
}


def _settings(table: Mapping[str, Any], path: Path) -> Settings:
    r = TableReader(table, path, "[settings]")
    r.check_keys(
        set(_NUMBERS)
        | {"database_url", "contact_url", "allow_private_networks", "target_language", "listen"}
    )
    values = r.numbers(_NUMBERS)
    database_url = r.get("database_url", str, 'a SQLAlchemy URL such as "sqlite:///var/a.db"')
    values["database_url"] = database_url or default_database_url(path)
    if url_kind(values["database_url"]) is None:
        raise r.fail("database_url", 'expected a "sqlite:///..." or "postgresql://..." URL')
    contact = r.get("contact_url", str, "an https:// URL or a mailto: address")
    if contact is not None:
        if not contact.startswith(("http://", "https://", "mailto:")) or any(
            c.isspace() or c in "()" for c in contact
        ):
            raise r.fail(
                "contact_url", f"expected an http(s):// URL or mailto: address, got {contact!r}"
            )
        values["contact_url"] = contact
    language = r.get("target_language", str, 'a language code such as "en"')
    if language is not None:
        values["target_language"] = language
    listen = r.get("listen", str, 'host:port such as "127.0.0.1:8080"')
    if listen is not None:
        values["listen"] = _listen(listen, r)
    allow = table.get("allow_private_networks")
    if allow is not None:
        values["allow_private_networks"] = _allowlist(allow, r)
    return Settings(**values)


def _listen(value: str, r: TableReader) -> str:
    host, _, port = value.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise r.fail("listen", f'expected host:port such as "127.0.0.1:8080", got {value!r}')
    return f"{host}:{int(port)}"


def _allowlist(value: Any, r: TableReader) -> tuple[Network, ...] | bool:
    if isinstance(value, bool):
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise r.fail(
            "allow_private_networks",
            'expected true, false or a list of addresses and CIDR ranges like ["127.0.0.1/32"]',
        )
    try:
        return parse_allowlist(value)
    except ValueError as exc:
        raise r.fail(
            "allow_private_networks", f"{exc}; expected addresses or CIDR ranges"
        ) from None


def _feed(
    table: Mapping[str, Any],
    path: Path,
    index: int,
    settings: Settings,
    problems: list[ConfigError],
) -> FeedConfig:
    name = table.get("name")
    label = f'feeds[{index}] "{name}"' if isinstance(name, str) else f"feeds[{index}]"
    r = TableReader(table, path, label)
    r.check_keys(
        {"name", "url", "interval", "language", "tags", "enabled", "rule", "target_language"}
        | {"backfill_items"}
        | set(_SOURCE_KEYS)
    )
    if not isinstance(name, str) or not name.strip():
        raise r.fail("name", "required: a unique, non-empty name for this feed")
    url = r.get("url", str, "an http:// or https:// URL")
    if url is None:
        raise r.fail("url", "required: the feed's http:// or https:// URL")
    refused = _check_url(url, r, settings.allow_private_networks)
    if refused is not None:
        problems.append(refused)
    tags = r.get("tags", list, "a list of strings")
    if tags is not None and not all(isinstance(t, str) for t in tags):
        raise r.fail("tags", "expected a list of strings")
    enabled = r.get("enabled", bool, "true or false")
    rule = None
    if "rule" in table:
        host = hostname(url.strip())
        rule_table = table_of(table["rule"], path, f"{label}.rule")
        rule = _rule(rule_table, path, f"{label}.rule", (host,), name=f"feed {name.strip()}")
    return FeedConfig(
        name=name.strip(),
        url=url.strip(),
        interval=r.number("interval", 1, 100_800),
        language=r.get("language", str, 'a language code such as "fr"'),
        tags=tuple(tags or ()),
        enabled=True if enabled is None else enabled,
        rule=rule,
        target_language=r.get("target_language", str, 'a language code such as "ja"'),
        source=_source(r),
        backfill_items=r.number("backfill_items", 0, 1_000_000),
    )


_SOURCE_KEYS = {
    "source_name": "name",
    "licence": "licence",
    "licence_url": "licence_url",
    "attribution": "attribution",
    "attribution_url": "attribution_url",
}


def _source(r: TableReader) -> SourceInfo | None:
    values = {field: r.get(key, str, "a string") for key, field in _SOURCE_KEYS.items()}
    for key in ("licence_url", "attribution_url"):
        url = values[key]
        if url is not None and not url.startswith(("http://", "https://")):
            raise r.fail(key, f"expected an http:// or https:// URL, got {url!r}")
    return SourceInfo(**values) if any(values.values()) else None


def _rule(
    table: Mapping[str, Any],
    path: Path,
    where: str,
    default_hosts: tuple[str, ...],
    name: str | None = None,
) -> SiteRule:
    """An extraction rule; per-feed rules apply to the feed's host unless they say otherwise.
    (The rules module, with its CSS engine, is loaded only when a config has rules.)"""
    from aggregator.articles.rules import parse_rule

    try:
        rule = parse_rule(table, default_hosts=default_hosts)
    except ValueError as exc:
        raise ConfigError(str(path), where, str(exc)) from None
    return dataclasses.replace(rule, name=name) if name and "name" not in table else rule


def _check_url(url: str, r: TableReader, allow: tuple[Network, ...] | bool) -> ConfigError | None:
    """Raises for a URL that is not one; returns the problem of a URL naming an address we
    refuse to reach, which `check-config` reports and fetching refuses, feed by feed."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise r.fail("url", f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise r.fail("url", f"expected an http:// or https:// URL, got {url!r}")
    if is_refused_literal(host, allow):
        return r.fail(
            "url",
            f"{host} is a private, loopback or reserved address; allow it explicitly with "
            "[settings].allow_private_networks if it is really meant",
        )
    return None
