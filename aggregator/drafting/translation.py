"""Which texts of a stub a reader sees, and how their translations are laid back on the parts.

A reader of a stub in the target language reads its title, its News Summary, every key point,
every sentence of Additional Data and the title of every Background and Related News article.
Each of those texts is one piece: the title and the summary by their part's name, an entry of a
list part as `<part>.<index>` (`key_points.2`), so that every piece can be asked of a backend
in one request and kept in the ledger on its own. A translated entry keeps what it was
translated from in `Entry.original`, shown beside it for checking; a translated part keeps
its source text in `Part.original`. Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aggregator.drafting.messages import Messages
from aggregator.stub_records import MACHINE_DRAFT, Entry, Part
from aggregator.text.grounding import check_grounding

TEXT_PARTS = ("title", "news_summary")
"""Parts translated as a whole."""
SENTENCE_PARTS = ("key_points", "additional_data")
"""List parts whose entries are sentences: each sentence is translated."""
LINK_PARTS = ("background", "related_news")
"""List parts whose entries are stored articles: each title is translated."""
TRANSLATABLE = TEXT_PARTS + SENTENCE_PARTS + LINK_PARTS


@dataclass(frozen=True, slots=True)
class Piece:
    name: str
    """The name the piece is asked for under: "title", "key_points.2"."""
    part: str
    index: int | None
    """The entry's position in its part; None for a part translated as a whole."""
    text: str


def pending_marker(source: str | None, target: str) -> str:
    return f"translation pending ({source or 'unknown'} -> {target})"


def open_for_machine(part: Part | None, written: Sequence[str] = ()) -> bool:
    """A part a machine may (re)draft: present, not edited by a person, with input."""
    return part is not None and not part.edited and (bool(part.content) or part.name in written)


def pieces(parts: Sequence[Part]) -> list[Piece]:
    """The reader-visible texts of `parts` still in the source language, in page order."""
    found: list[Piece] = []
    for part in parts:
        if part.name not in TRANSLATABLE or part.edited:
            continue
        if part.name in TEXT_PARTS:
            if part.content.strip() and part.original is None:
                found.append(Piece(part.name, part.name, None, part.content))
            continue
        for index, entry in enumerate(part.entries):
            text = _entry_text(part.name, entry)
            if text and entry.original is None:
                found.append(Piece(f"{part.name}.{index}", part.name, index, text))
    return found


def mark_pending(parts: Sequence[Part], marker: str) -> list[Part]:
    """`parts` with `marker` on each translatable part that still has untranslated text."""
    waiting = {piece.part for piece in pieces(parts)}
    return [
        dataclasses.replace(part, pending=marker)
        if part.name in waiting and part.pending is None
        else part
        for part in parts
    ]


def apply_translations(
    parts: Sequence[Part],
    texts: Mapping[str, str],
    *,
    by: str,
    sources: Sequence[str],
    words: Messages,
) -> list[Part]:
    """`parts` with the translated pieces (`texts`, by piece name) laid over them."""
    by_part: dict[str, dict[int | None, str]] = {}
    for piece in pieces(parts):
        if piece.name in texts:
            by_part.setdefault(piece.part, {})[piece.index] = texts[piece.name]
    result = []
    for part in parts:
        found = by_part.get(part.name)
        if not found:
            result.append(part)
        elif None in found:
            result.append(drafted(part, found[None], by, sources, words, original=part.content))
        else:
            result.append(_entries_translated(part, found, by, sources, words))
    return result


def drafted(
    part: Part,
    text: str,
    by: str,
    sources: Sequence[str],
    words: Messages,
    *,
    original: str | None,
) -> Part:
    """`part` as a machine draft of `text`, its unsupported claims flagged."""
    return dataclasses.replace(
        part,
        kind=MACHINE_DRAFT,
        content=text,
        original=original,
        pending=None,
        by=by,
        flags=flags_of(text, sources, words),
    )


def flags_of(text: str, sources: Sequence[str], words: Messages) -> tuple[str, ...]:
    claims = check_grounding(text, sources).ungrounded
    return tuple(words(f"flag.{claim.kind}", text=claim.text) for claim in claims)


def _entries_translated(
    part: Part,
    found: Mapping[int | None, str],
    by: str,
    sources: Sequence[str],
    words: Messages,
) -> Part:
    entries = list(part.entries)
    flags: list[str] = list(part.flags) if part.kind == MACHINE_DRAFT else []
    for index, text in found.items():
        assert index is not None
        entry = entries[index]
        if part.name in LINK_PARTS:
            entries[index] = dataclasses.replace(entry, text=text, title=text, original=entry.title)
        else:
            entries[index] = dataclasses.replace(entry, text=text, original=entry.text)
            flags += flags_of(text, sources, words)
    untranslated = any(_entry_text(part.name, e) and e.original is None for e in entries)
    return dataclasses.replace(
        part,
        kind=MACHINE_DRAFT,
        content=_list_content(part.name, entries),
        pending=part.pending if untranslated else None,
        by=by,
        flags=tuple(dict.fromkeys(flags)),
        entries=tuple(entries),
    )


def _entry_text(part: str, entry: Entry) -> str:
    """The text of an entry a reader reads: a sentence, or a linked article's title."""
    text = entry.title if part in LINK_PARTS else entry.text
    return (text or "").strip()


def _list_content(part: str, entries: Sequence[Entry]) -> str:
    """A list part's content: its entries as plain lines, as `compose` writes them."""
    if part not in LINK_PARTS:
        return "\n".join(e.text for e in entries)
    return "\n".join(
        f"{e.title or e.url} ({e.source}{', ' + e.published if e.published else ''})"
        for e in entries
    )
