"""A digest as data: the feed and its entries, made from stubs, before any format spells it.

Both formats get the same entries with the same stable ids: an entry's id is derived from its
feed's name and the item's guid (or link), so it stays the same across builds, pages and the
per-category feeds. Every text is cleaned here of the characters XML 1.0 forbids, so neither
writer can fail on a stray control character from a feed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from aggregator.drafting.render import render_html
from aggregator.sanitize import safe_http_url
from aggregator.stub_records import PREPARED, Part, Stub

DIGEST_NAMESPACE = uuid.UUID("dd0bf046-f145-51f2-9fcd-d6e64a368822")
"""uuid5 namespace of the digest's ids (itself uuid5 of the project's URL)."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The `updated` of an empty digest: fixed, so its validators do not change by themselves."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_SLUG_NOISE = re.compile(r"[^a-z0-9]+")
MAX_SLUG_CHARS = 60


@dataclass(frozen=True, slots=True)
class Link:
    rel: str
    href: str


@dataclass(frozen=True, slots=True)
class DigestEntry:
    id: str
    title: str
    url: str | None
    """The source article: an absolute http(s) URL, or None."""
    updated: datetime
    published: datetime
    author: str
    category: str | None
    content_html: str
    """The stub as a sanitised HTML fragment."""
    summary: str | None
    language: str | None
    """The language of the entry's text: the target language when it is translated, the
    source language while its translation is pending."""
    title_language: str | None = None
    """The title's language, when it differs from `language` (a translated title over a
    summary still pending)."""
    summary_language: str | None = None
    """The summary's language, when it differs from `language`."""
    content_language: str | None = None
    """The language of the stub's page (its labels; text in another language is marked with
    `lang` inside), when it differs from `language`: the target while the text is pending."""
    desk_url: str | None = None
    """The stub's page on the editors' desk (`<base_url>/stubs/<item id>`)."""
    state: str | None = None
    """The stub's state on the desk: draft, reviewed, approved or rejected."""


@dataclass(frozen=True, slots=True)
class Digest:
    id: str
    title: str
    author: str
    updated: datetime
    self_url: str
    home_url: str
    """The editors' web page of the stubs."""
    paging: tuple[Link, ...]
    """RFC 5005 links: first, previous, next, last (those that apply)."""
    next_url: str | None
    entries: tuple[DigestEntry, ...]


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/F)."""
    return _NOT_XML.sub("", text)


def one_line(text: str) -> str:
    return " ".join(xml_text(text).split())


def entry_id(feed: str, guid: str | None, url: str | None, item_id: int) -> str:
    """A stable `urn:uuid:` for an item: from its feed and guid, else link, else item id."""
    key = guid or url or f"item:{item_id}"
    return uuid.uuid5(DIGEST_NAMESPACE, f"{feed}\n{key}").urn


def feed_id(base_url: str, category: str | None) -> str:
    """A stable `urn:uuid:` for the digest (or one category's digest) of this service."""
    return uuid.uuid5(DIGEST_NAMESPACE, f"feed\n{base_url}\n{category or ''}").urn


def category_slug(name: str) -> str:
    """Lowercase ASCII words joined by "-"; a hash of the name is added when letters had to be
    dropped (e.g. Japanese), so such categories keep slugs of their own."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_NOISE.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG_CHARS].strip("-")
    lost = any(not c.isascii() and unicodedata.category(c)[0] in "LN" for c in decomposed)
    if not lost and slug:
        return slug
    tag = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}-{tag}" if slug else tag


def entry_of(
    stub: Stub, source_names: Mapping[str, str], desk_base: str | None = None
) -> DigestEntry:
    """The digest entry of a stub; `source_names` credits a feed when the article has no
    author (feed name -> the source's name from the config); `desk_base`, the service's base
    URL, links the entry to the stub's page on the desk."""
    title = one_line(stub.title)
    if not title:
        part = stub.part("title")
        title = one_line(part.original or "") if part is not None else ""
    summary_part = stub.part("news_summary")
    summary = xml_text(summary_part.content).strip() if summary_part is not None else ""
    title_language = _language(stub, stub.part("title"))
    summary_language = _language(stub, summary_part) if summary else None
    language = summary_language or title_language
    stated = stub.provenance.target_language
    target = stated if _LANGUAGE_TAG.fullmatch(stated or "") else None
    author = one_line(stub.author or "") or source_names.get(stub.feed) or stub.feed
    return DigestEntry(
        id=entry_id(stub.feed, stub.guid, stub.url, stub.item_id),
        title=title or f"Stub {stub.item_id}",
        url=safe_http_url(stub.url),
        updated=stub.updated_at,
        published=stub.published or stub.drafted_at,
        author=one_line(author) or stub.feed,
        category=one_line(stub.category or "") or None,
        content_html=xml_text(render_html(stub)),
        summary=summary or None,
        language=language,
        title_language=title_language if title_language != language else None,
        summary_language=summary_language if summary_language != language else None,
        content_language=target if target != language else None,
        desk_url=f"{desk_base}/stubs/{stub.item_id}" if desk_base else None,
        state=stub.state,
    )


def _language(stub: Stub, part: Part | None) -> str | None:
    """The language `part` is shown in: the target's once translated or written for the
    target (a machine draft, an editor's text), the source's while still to translate."""
    provenance = stub.provenance
    source, target = provenance.source_language, provenance.target_language
    if part is None or part.pending or (part.kind == PREPARED and part.original is None):
        language = source or target
    else:
        language = target
    return language if _LANGUAGE_TAG.fullmatch(language or "") else None


def rfc3339(when: datetime) -> str:
    """`2026-11-29T12:00:00Z`: UTC, to the second."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
