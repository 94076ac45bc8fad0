"""The start-up self-check of `run`, `worker`, `fetch` and `check-config`.

Before any work starts: every module the extractors, parsers and backends load later imports
(a module missing from the installation would otherwise fail every article, one by one), and
the database opens, is a database, and has the current schema. A failure is one line naming
the cause and the fix.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aggregator.config import Config
from aggregator.errors import AggregatorError


class SelfCheckFailed(AggregatorError):
    """Something the commands need is missing: the message says what and how to fix it."""


@dataclass(frozen=True, slots=True)
class Needed:
    module: str
    used_for: str


# What the work loads lazily, in the order it would first be needed. Importing trafilatura
# also imports jusText, which needs lxml.html.clean, a separate distribution (lxml_html_clean)
# since lxml 5.2.
MODULES: tuple[Needed, ...] = (
    Needed("feedparser", "parsing feeds"),
    Needed("lxml.html", "reading pages"),
    Needed("lxml_html_clean", "the generic extractor (jusText cleans pages with it)"),
    Needed("lxml.html.clean", "the generic extractor (jusText cleans pages with it)"),
    Needed("trafilatura", "the generic extractor"),
    Needed("aggregator.articles.generic", "the generic extractor"),
    Needed("aggregator.articles.chain", "article extraction"),
    Needed("nh3", "cleaning article HTML"),
    Needed("py3langid.langid", "detecting an article's language"),
    Needed("bs4", "site rules and the stubs' layout"),
    Needed("soupsieve", "site rules' CSS selectors"),
    Needed("protego", "reading robots.txt"),
    Needed("httpcore", "fetching over HTTP"),
    Needed("httptools", "the web server's HTTP parser"),
    Needed("snowballstemmer", "the related-news search"),
    Needed("aggregator.drafting.drafter", "drafting stubs"),
    Needed("aggregator.drafting.backends.openai", "the machine-drafting backends"),
    Needed("aggregator.drafting.backends.deepl", "the machine-drafting backends"),
    Needed("aggregator.drafting.backends.libretranslate", "the machine-drafting backends"),
)

# Where an import name and the distribution that provides it differ.
DISTRIBUTIONS = {
    "lxml_html_clean": "lxml_html_clean",
    "lxml": "lxml",
    "bs4": "beautifulsoup4",
    "py3langid": "py3langid",
}


def check_modules(modules: tuple[Needed, ...] = MODULES) -> None:
    """Import each module; the first that fails is a SelfCheckFailed naming the missing
    distribution and how to install it."""
    for needed in modules:
        try:
            importlib.import_module(needed.module)
        except ImportError as exc:
            raise SelfCheckFailed(import_failure(exc, needed.used_for, needed.module)) from None


def import_failure(exc: ImportError, used_for: str, module: str | None = None) -> str:
    """One line: the module that did not import, what needs it, and how to install it."""
    missing = exc.name or module or "a module"
    top = missing.partition(".")[0]
    if top == "aggregator" or (exc.name is None and module is None):
        fix = "reinstall aggregator with its dependencies: pip install ."
    else:
        fix = f"install it: pip install {DISTRIBUTIONS.get(top, top)}"
    return f"cannot import {missing}, needed for {used_for} ({_first_line(exc)}); {fix}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def self_check(config: Config, *, on_created: Callable[[Path], None] | None = None) -> None:
    """For the commands that work: the modules import, and the database opens (a new file is
    created, `on_created` told) and is migrated to the current schema."""
    from aggregator.storage.opening import open_store

    check_modules()
    open_store(config, create=True, on_created=on_created).close()


def check_only(config: Config) -> str:
    """For `check-config`: the modules import, and what the database is, read without writing."""
    from aggregator.storage.opening import describe_database

    check_modules()
    return describe_database(config)
