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
from aggregator.config_fields import key_names, read_plain, setting
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
    """The `[settings]` table with defaults filled in. Times in seconds unless named minutes;
    each key's range and meaning are defined here once (README tables: `make settings-docs`)."""

    database_url: str = setting(
        help="SQLAlchemy URL (`sqlite:///...` or `postgresql://...`); "
        "`$AGGREGATOR_DATABASE_URL` overrides it",
        shown="SQLite file `var/aggregator.db`",
        allowed="`sqlite:///...` or `postgresql://...`",
    )
    contact_url: str = setting(
        "https://github.com/aggregator/aggregator",
        help="contact in the User-Agent: `aggregator/0.1.0 (+URL)`",
        shown="project page",
        allowed="an http(s):// URL or a mailto: address",
    )
    allow_private_networks: tuple[Network, ...] | bool = setting(
        False,
        help="`true`, or addresses/CIDR ranges that may be reached although private",
        allowed="`true`, `false` or a list of addresses and CIDR ranges",
    )
    target_language: str = setting(
        "en", help="language the drafts are written in", allowed="a language code"
    )
    default_interval: int = setting(
        60, 1, 10_080, help="minutes between checks of a feed without its own `interval`"
    )
    min_interval: int = setting(5, 1, 10_080, help="least minutes between checks of a feed")
    max_interval: int = setting(1440, 1, 100_800, help="most minutes between checks of a feed")
    max_backoff: int = setting(
        1440, 1, 100_800, help="cap, in minutes, of the exponential error backoff"
    )
    jitter: float = setting(
        0.1, 0, 1, help="up to this fraction is added to each delay, to spread load"
    )
    max_connections: int = setting(30, 1, 1000, help="requests in flight overall")
    per_host_connections: int = setting(2, 1, 100, help="requests in flight to one host")
    per_host_gap: float = setting(
        1.0, 0, 3600, help="seconds between the starts of two requests to one host"
    )
    max_body_bytes: int = setting(
        10_000_000, 1024, 1 << 31, help="cap on a response body, after decompression"
    )
    request_deadline: float = setting(
        30.0, 1, 3600, help="seconds for a whole request, headers and body"
    )
    max_redirects: int = setting(5, 0, 20, help="redirects followed per request")
    parse_workers: int = setting(
        factory=lambda: os.cpu_count() or 1,
        low=0,
        high=64,
        help="processes that parse feeds (`0`: in the main process)",
        shown="number of cores",
    )
    parse_time_budget: float = setting(
        20.0, 0.1, 3600, help="seconds of processor time for parsing one document"
    )
    parse_memory_mb: int = setting(512, 32, 1 << 16, help="MB of memory for parsing one document")
    max_items_per_feed: int = setting(
        50_000, 1, 1_000_000, help="items kept from one document (the first, in feed order)"
    )
    backfill_items: int = setting(
        20,
        0,
        1_000_000,
        help="on a feed's first fetch, only its newest this many items get articles and stubs "
        "(per feed: `backfill_items` in `[[feeds]]`; `0`: none)",
    )
    tick_seconds: int = setting(30, 1, 3600, help="how often the service looks for due feeds")
    extract_attempts: int = setting(
        5, 1, 100, help="tries for an article page before keeping the feed's content"
    )
    extract_concurrency: int = setting(16, 1, 256, help="article pages worked on at once")
    extract_lease_seconds: int = setting(
        600,
        1,
        86_400,
        help="how long a claimed article is left to its worker; after a crash, it is taken "
        "up again once this has passed",
    )
    draft_lease_seconds: int = setting(
        900,
        1,
        86_400,
        help="how long a claimed stub is left to its drafter; after a crash, it is taken up "
        "again once this has passed",
    )
    listen: str = setting(
        "127.0.0.1:8080",
        help="host:port of the web server of `aggregator run` (`$AGGREGATOR_LISTEN`, "
        "`run --listen` override it)",
        allowed='`"host:port"`',
    )
    retention_days: int = setting(
        90,
        1,
        36_500,
        help="article texts, stubs (but approved ones) and histories older than this are "
        "removed daily (`aggregator cleanup`: now)",
    )
    digest_minutes: int = setting(
        15, 1, 1440, help="how often the service rewrites the digest file"
    )


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


def _settings(table: Mapping[str, Any], path: Path) -> Settings:
    r = TableReader(table, path, "[settings]")
    r.check_keys(key_names(Settings))
    values = read_plain(Settings, r)
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
