"""The parts of a stub that come from the archive: Background and Context, Related News,
Additional Data, and the copies of the same story ("also reported by" in the Source part).

Pure functions of parts and related articles. They build those parts when a stub is drafted,
and bring a drafted stub up to date when a later article turns out to be related to it: the
new article goes to Background (published before the stub's own article) or Related News
(otherwise), its figures to Additional Data, or, when it is a copy of the same story, to the
Source part's "also reported by" line. Parts an editor has written are never changed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from aggregator.storage.related import RelatedArticle
from aggregator.stub_records import PREPARED, TO_WRITE, Entry, Part

ALSO_REPORTED = "Also reported by {feeds}"
"""The line naming the copies, when the caller has no catalogue."""
LINKED_PARTS = ("background", "related_news")
FIGURES_BY = "sentences with figures from the source and related articles"


@dataclass(frozen=True, slots=True)
class Related:
    """A related stored article with the sentences of it that carry figures."""

    article: RelatedArticle
    figures: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Refresh:
    """A drafted stub's parts with a later related article added, and what changed, for the
    stub's history."""

    parts: tuple[Part, ...]
    detail: str


def is_earlier(article: RelatedArticle, published: datetime | None) -> bool:
    """Background is what was published before the story; the rest is related news."""
    return published is not None and article.published is not None and article.published < published


def link_entry(article: RelatedArticle) -> Entry:
    return Entry(
        text=article.title or article.url,
        url=article.url,
        title=article.title,
        published=article.published.date().isoformat() if article.published else None,
        source=article.feed,
        score=article.score,
    )


def links_part(name: str, entries: Sequence[Entry], prompt: str) -> Part:
    """Background or Related News listing `entries`; left to write (with `prompt`) when
    there are none. Background keeps its prompt: the links are material, not the text."""
    if not entries:
        return Part(name, TO_WRITE, "", prompt=prompt)
    content = "\n".join(
        f"{e.title or e.url} ({e.source}{', ' + e.published if e.published else ''})"
        for e in entries
    )
    return Part(
        name,
        PREPARED,
        content,
        prompt=prompt if name == "background" else None,
        by="related stored articles",
        entries=tuple(entries),
    )


def figures_part(own: Sequence[Entry], related: Sequence[Related], prompt: str) -> Part:
    """Additional Data: the article's sentences with figures, then its related articles',
    each sentence once (a story reached through two feeds says the same thing twice)."""
    entries = unique_sentences(
        [*own, *(_figure_entry(f, r.article) for r in related for f in r.figures)]
    )
    if not entries:
        return Part("additional_data", TO_WRITE, "", prompt=prompt)
    return Part(
        "additional_data",
        PREPARED,
        "\n".join(e.text for e in entries),
        prompt=prompt if not own else None,
        by=FIGURES_BY,
        entries=entries,
    )


def with_copies(source: Part, copies: Sequence[RelatedArticle], also: str = ALSO_REPORTED) -> Part:
    """The Source part naming, in its last line, the other feeds that carry the same story,
    each once; `also` is that line with a `{feeds}` placeholder, in the stub's language."""
    known = {(e.url, e.source) for e in source.entries if e.score is not None}
    added = [c for c in copies if (c.url, c.feed) not in known]
    if not added:
        return source
    lines = source.content.split("\n")
    if known:  # the line naming the copies found before
        lines = lines[:-1]
    entries = (*source.entries, *(link_entry(c) for c in added))
    # The article's own entry has no score; copies carry theirs.
    feeds = list(dict.fromkeys(e.source for e in entries if e.score is not None and e.source))
    lines.append(also.format(feeds=", ".join(feeds)))
    return dataclasses.replace(source, content="\n".join(lines), entries=entries)


def unique_sentences(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    seen: set[str] = set()
    kept = []
    for entry in entries:
        key = _sentence_key(entry.text)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return tuple(kept)


def add_related(
    parts: Sequence[Part],
    addition: Related,
    published: datetime | None,
    *,
    limit: int,
    with_figures: int,
    prompts: Mapping[str, str],
    copies: Collection[str] = (),
    also: str = ALSO_REPORTED,
) -> Refresh | None:
    """`parts` of a drafted stub (its article published at `published`) with `addition`
    listed where it belongs, or None when nothing changes (listed already, itself or as one
    of its `copies`' addresses, or weaker than a full list). An edited part is left as the
    editor wrote it; the history says what was not added to it."""
    article = addition.article
    by_name = {p.name: p for p in parts}
    changes: dict[str, Part] = {}
    notes: list[str] = []
    if article.same_story:
        source = by_name.get("source")
        if source is None or source.edited:
            return None
        updated = with_copies(source, [article], also)
        if updated == source:
            return None
        return Refresh(_replaced(parts, {"source": updated}), f"also reported by {article.feed}")
    name = "background" if is_earlier(article, published) else "related_news"
    part = by_name.get(name)
    listed = {e.url for p in LINKED_PARTS if (q := by_name.get(p)) for e in q.entries}
    if part is None or article.url in listed or listed & set(copies):
        return None
    if part.edited:
        notes.append(f"not added to the edited {name}: {article.title or article.url}")
    else:
        entries = sorted(
            (*part.entries, link_entry(article)), key=lambda e: (-(e.score or 0.0), e.url or "")
        )
        if len(entries) > limit and entries[-1].url == article.url:
            return None
        changes[name] = links_part(name, entries[:limit], part.prompt or prompts[name])
        notes.append(f"{name} + {article.title or article.url} ({article.feed}, {article.score})")
    figures = by_name.get("additional_data")
    if figures is not None and addition.figures and not figures.edited:
        sources = {e.url for e in figures.entries} - {_own_url(by_name)}
        if len(sources) < with_figures:
            added = unique_sentences(
                [*figures.entries, *(_figure_entry(f, article) for f in addition.figures)]
            )
            if len(added) > len(figures.entries):
                changes["additional_data"] = dataclasses.replace(
                    figures,
                    kind=PREPARED,
                    content="\n".join(e.text for e in added),
                    by=FIGURES_BY,
                    entries=added,
                )
                notes.append(f"additional_data + {len(added) - len(figures.entries)} from it")
    return Refresh(_replaced(parts, changes), "; ".join(notes))


def _figure_entry(figure: Entry, article: RelatedArticle) -> Entry:
    return Entry(
        text=figure.text,
        start=figure.start,
        end=figure.end,
        url=article.url,
        title=article.title,
        source=article.feed,
    )


def _own_url(parts: dict[str, Part]) -> str | None:
    source = parts.get("source")
    own = [e.url for e in source.entries if e.score is None] if source is not None else []
    return own[0] if own else None


def _replaced(parts: Sequence[Part], changes: dict[str, Part]) -> tuple[Part, ...]:
    return tuple(changes.get(p.name, p) for p in parts)


def _sentence_key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()
