"""Per-site extraction rules: CSS selectors that say where a site keeps its article.

A generic extractor guesses; a rule knows. Sites we republish from often enough to care about
get a rule (Global Voices ships built in, feeds can add their own in the config), and the
chain falls back to the generic extractor whenever a rule finds nothing, so a redesign costs
quality, not articles. Every selector list is ordered: the first selector that matches wins,
which lets one rule cover a site's old and new layouts at once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import soupsieve
from bs4 import BeautifulSoup, Tag

from aggregator.articles.clean import article_text
from aggregator.articles.pagemeta import parse_date
from aggregator.records import ExtractedPage

__all__ = ["SiteRule", "apply_rule", "builtin_rules", "match_rule", "parse_date", "parse_rule"]

MAX_HTML_CHARS = 5_000_000
# Never article text, whatever the site: removed from every body before its text is read.
_ALWAYS_DROP = "script, style, noscript, template, iframe, object, embed, form, button, select"

_KEYS = ("name", "hosts", "path_prefix", "body", "drop", "title", "author", "published")
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteRule:
    """Where one site keeps its article; every selector tuple is tried in order.

    `hosts` match themselves and their subdomains; `path_prefix` (if set) matches whole path
    segments. `drop` is removed from the body before anything else is read from it. `title`,
    `author` and `published` are searched in the whole page and read the element's `content`
    (or, for dates, `datetime`) attribute when it has one, its text otherwise.
    """

    name: str
    hosts: tuple[str, ...]
    path_prefix: str | None = None
    body: tuple[str, ...]
    drop: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    published: tuple[str, ...] = ()


@functools.lru_cache(maxsize=512)
def _compiled(selector: str) -> soupsieve.SoupSieve:
    return soupsieve.compile(selector)


def _selectors(table: Mapping[str, Any], key: str, *, required: bool = False) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        if required:
            raise ValueError(f"{key}: required (a CSS selector or a list of them)")
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(s, str) for s in items):
        raise ValueError(f"{key}: expected a CSS selector string or a list of strings")
    selectors = tuple(s.strip() for s in items)
    if required and not selectors:
        raise ValueError(f"{key}: expected at least one CSS selector")
    for selector in selectors:
        if not selector:
            raise ValueError(f"{key}: empty CSS selector")
        try:
            _compiled(selector)
        except soupsieve.SelectorSyntaxError as exc:
            first_line = str(exc).splitlines()[0]
            raise ValueError(f"{key}: invalid CSS selector {selector!r}: {first_line}") from None
    return selectors


def _hosts(table: Mapping[str, Any], default_hosts: tuple[str, ...]) -> tuple[str, ...]:
    value = table.get("hosts")
    if value is None:
        value = list(default_hosts)
    if not isinstance(value, list | tuple) or not all(isinstance(h, str) for h in value):
        raise ValueError("hosts: expected a list of host names, e.g. ['example.org']")
    hosts = tuple(h.strip().lower().rstrip(".").removeprefix("*.").lstrip(".") for h in value)
    if not hosts:
        raise ValueError("hosts: required (a list of host names) when the rule has no feed")
    for host in hosts:
        if not _HOST.match(host):
            raise ValueError(f"hosts: {host!r} is not a host name (no scheme, port or path)")
    return hosts


def parse_rule(table: Mapping[str, Any], *, default_hosts: tuple[str, ...] = ()) -> SiteRule:
    """Build a rule from its config table, checking every key and compiling every selector.

    Raises ValueError naming the offending key, so that a typo in a selector is reported when
    the configuration is loaded rather than as an article silently extracted the generic way.
    """
    if not isinstance(table, Mapping):
        raise ValueError("rule: expected a table of keys")
    unknown = sorted(str(k) for k in table if k not in _KEYS)
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown key (expected one of {', '.join(_KEYS)})")
    hosts = _hosts(table, default_hosts)
    prefix = table.get("path_prefix")
    if prefix is not None and (not isinstance(prefix, str) or not prefix.startswith("/")):
        raise ValueError("path_prefix: expected a URL path starting with '/'")
    name = table.get("name", hosts[0] + (prefix or ""))
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name: expected a non-empty string")
    return SiteRule(
        name=name.strip(),
        hosts=hosts,
        path_prefix=prefix,
        body=_selectors(table, "body", required=True),
        drop=_selectors(table, "drop"),
        title=_selectors(table, "title"),
        author=_selectors(table, "author"),
        published=_selectors(table, "published"),
    )


def builtin_rules() -> tuple[SiteRule, ...]:
    """The rules shipped with the aggregator: Global Voices, in its 2009 and current layouts.

    2009 (globalvoicesonline.org, checked against 15 captured pages): the post is
    `#full-article .post > div.entry#single`; title `#ctxtool h2.post-title`; byline
    `.post-byline-block` ("by <a>Author</a>" in an h4, "Thursday, June 11th, 2009 @ 10:57 UTC" in
    an h3). Quoted posts carry their translation in `div.translation` inside the body: that is
    article text and is kept (the site's *list of translations* is `#translations`).
    Current site (globalvoices.org and its language subdomains): the body is
    `.entry-container > .entry` inside `.post`; the title `.post-title.screen-title` (related
    cards reuse `.post-title`, so the bare class would be ambiguous); credits in
    `#post-header-credit .contributor-name .user-link`; the date in `article:published_time`.
    The share, translations, related-posts and comments selectors cover both generations and
    the usual WordPress plugins; hidden elements go too (2009 hid a category list and excerpt).
    """
    return (
        SiteRule(
            name="globalvoices",
            hosts=("globalvoices.org", "globalvoicesonline.org"),
            body=(".entry-container > .entry", "div.entry#single", "#full-article .post > .entry"),
            drop=(
                "#share-this-trigger, #share-this-wrapper, .animated-form-wrapper, .postfooter",
                ".share-tools, .sharing, .sharedaddy, .social-share, .share-buttons, .a2a_kit",
                "#translations, .post-translations, [class*='post-translation'], "
                ".translation-language, .translations-list",
                ".related-posts, .related-articles, #related-posts, .jp-relatedposts, "
                ".yarpp-related, .recent-articles, .zemanta-related, .zemanta-pixie",
                "#comments, #respond, .commentlist, .comments-area, .comment-respond",
                "#hidden-categories, [hidden], [style*='display:none'], [style*='display: none']",
            ),
            title=(
                ".post-title.screen-title",
                "#ctxtool h2.post-title",
                "meta[property='og:title']",
            ),
            author=(
                "#post-header-credit .contributor-name .user-link",
                ".post-byline-block h4 a",
                ".postfooter .author a",
                "meta[name='author']",
            ),
            published=(
                "meta[property='article:published_time']",
                ".post-byline-block h3",
                "time[datetime]",
            ),
        ),
    )


def _path_match(path: str, prefix: str | None) -> bool:
    if prefix is None or prefix == "/":
        return True
    return path == prefix.rstrip("/") or path.startswith(prefix.rstrip("/") + "/")


def match_rule(url: str, rules: Sequence[SiteRule]) -> SiteRule | None:
    """The most specific rule for `url`: longest matching host, then longest path prefix.

    Ties go to the earlier rule, so a caller that lists per-feed rules before the built-in
    ones lets a feed override a shipped rule for the same host.
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    best: SiteRule | None = None
    best_key = (-1, -1)
    for rule in rules:
        hosts = [len(h) for h in rule.hosts if host == h or host.endswith("." + h)]
        if not hosts or not _path_match(parts.path or "/", rule.path_prefix):
            continue
        key = (max(hosts), len(rule.path_prefix or ""))
        if key > best_key:
            best, best_key = rule, key
    return best


def _first(soup: BeautifulSoup, selectors: tuple[str, ...], attrs: tuple[str, ...]) -> str | None:
    for selector in selectors:
        for element in _compiled(selector).select(soup, limit=5):
            for attr in attrs:
                raw = element.get(attr)
                if isinstance(raw, str) and raw.strip():
                    return " ".join(raw.split())
            text = " ".join(element.get_text(" ").split())
            if text:
                return text
    return None


def apply_rule(html: str, url: str, rule: SiteRule) -> ExtractedPage | None:
    """The article found by `rule` in `html`, raw (the chain cleans it), or None.

    None means the body selectors matched nothing or the body holds no text: the caller then
    tries the generic extractor. `url` is accepted for symmetry with the other extractors.
    """
    del url  # links are made absolute by the cleaning step, not here
    soup = BeautifulSoup(html[:MAX_HTML_CHARS], "lxml")
    body: Tag | None = None
    for selector in rule.body:
        body = _compiled(selector).select_one(soup)
        if body is not None:
            break
    if body is None:
        return None
    title = _first(soup, rule.title, ("content",))
    author = _first(soup, rule.author, ("content",))
    date_text = _first(soup, rule.published, ("datetime", "content"))
    for selector in (_ALWAYS_DROP, *rule.drop):
        for element in _compiled(selector).select(body):
            if not element.decomposed:  # already gone with an enclosing match
                element.decompose()
    fragment = body.decode_contents()
    text = article_text(fragment)
    if not text:
        return None
    return ExtractedPage(
        text=text,
        html=fragment,
        title=title,
        author=author,
        published=parse_date(date_text) if date_text else None,
    )
