"""A stub laid out as a page: blocks in the order of the published page, shared by both writers.

Markdown and HTML must show the same thing, above all which parts a machine wrote, so what goes
where is decided once, here; the writers only spell blocks in their syntax and escape text. The
order follows the finished page the stub drafts: title, category, disclaimer, News Summary and its
Source, then Our Commentary. Every part says who made it: a machine draft carries a visible
"check before publishing" label, a part to write carries its prompt, a prepared part a small note
of where it came from, and an edited part shows the editor's text as written with a small "edited
by an editor" note (never a prompt or a machine label: the editor has written it). Nothing here
is trusted: texts stay raw for the writers to escape, and a link is kept only when its URL is
absolute http(s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator.drafting.records import (
    EDITED,
    HEADINGS,
    MACHINE_DRAFT,
    PART_NAMES,
    PREPARED,
    TO_WRITE,
    Entry,
    Part,
    Stub,
)
from aggregator.drafting.render_illustration import Figure, figures
from aggregator.sanitize import safe_http_url, strip_control_chars

PLAIN = "plain"
STRONG = "strong"
EMPHASIS = "emphasis"
SMALL = "small"
MARK = "mark"
"""A label that must catch the eye: machine drafts, parts to write, pending work, warnings."""

TRANSLATED_INTRO = (
    "The following content was published online. A translated summary is presented below. "
    "See the source for details."
)
COMMENTARY_HEADING = "Our Commentary"
COMMENTARY = (
    "background",
    "expert_analysis",
    "key_points",
    "additional_data",
    "related_news",
    "summary",
)
_LINKED_ENTRIES = frozenset({"background", "related_news"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_HASH_SHOWN = 12


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one style; a link when `url` is set (always absolute http(s))."""

    text: str
    style: str = PLAIN
    url: str | None = None


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    """1 for the title, 2 for the page's sections, 3 for the parts inside them."""
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    line: Line


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    pass


Block = Heading | Paragraph | Bullets | Quote | Rule | Figure


def layout(stub: Stub) -> tuple[Block, ...]:
    """The page of `stub` as blocks, top to bottom."""
    source_language = stub.provenance.source_language
    blocks: list[Block] = []
    if stub.stale:
        reason = stub.stale_reason or "the source article has changed"
        blocks.append(_marked(f"[stale: {reason}; redraft or check against the source]"))
    if stub.pending:
        blocks.append(_marked(f"[pending: {stub.pending}]"))
    blocks += _title(stub, source_language)
    blocks += _category(stub, source_language)
    disclaimer = stub.part("disclaimer")
    if disclaimer is not None:
        blocks += _part_body(disclaimer, source_language, style=EMPHASIS)
    summary = stub.part("news_summary")
    if summary is not None:
        blocks.append(Heading(2, HEADINGS["news_summary"]))
        if summary.original is not None:
            blocks.append(_plain(TRANSLATED_INTRO))
        blocks += _part_body(summary, source_language)
    source = stub.part("source")
    if source is not None:
        blocks.append(Heading(3, HEADINGS["source"]))
        blocks += _part_body(source, source_language)
    illustration = stub.part("illustration")
    if illustration is not None:
        blocks.append(Heading(3, HEADINGS["illustration"]))
        blocks += _part_body(illustration, source_language)
    commentary = [part for name in COMMENTARY if (part := stub.part(name)) is not None]
    if commentary:
        blocks.append(Heading(2, COMMENTARY_HEADING))
    for part in commentary:
        blocks.append(Heading(3, HEADINGS[part.name]))
        blocks += _part_body(part, source_language)
    for part in stub.parts:
        if part.name not in PART_NAMES:
            blocks.append(Heading(2, part.name))
            blocks += _part_body(part, source_language)
    blocks += _footer(stub)
    return tuple(blocks)


_TEXT_WITH_ENTRIES = frozenset({"news_summary", "source"})


def _title(stub: Stub, source_language: str | None) -> list[Block]:
    part = stub.part("title")
    text = stub.title if strip_control_chars(stub.title).strip() else "(untitled)"
    blocks: list[Block] = [Heading(1, text)]
    if part is not None:
        blocks += _part_body(part, source_language, show_content=False)
    return blocks


def _category(stub: Stub, source_language: str | None) -> list[Block]:
    part = stub.part("category")
    text = part.content if part is not None else (stub.category or "")
    if part is None and not text.strip():
        return []
    label = Paragraph((Span(f"{HEADINGS['category']}: ", STRONG), Span(text)))
    if part is None:
        return [label]
    return [label, *_part_body(part, source_language, show_content=False)]


def _part_body(
    part: Part, source_language: str | None, *, style: str = PLAIN, show_content: bool = True
) -> list[Block]:
    """A part's markers, content, entries and original text, in the order an editor reads them."""
    if part.kind == EDITED:
        return _edited_body(part, source_language, style=style, show_content=show_content)
    blocks: list[Block] = list(_kind_markers(part))
    if part.pending:
        blocks.append(_marked(f"[{part.pending}]"))
    if part.flags:
        blocks.append(_marked("[not found in the source; check these claims:]"))
        blocks.append(Bullets(tuple((Span(flag),) for flag in part.flags)))
    # A list part's content is its entries as plain lines (for scripts): show one or the other.
    # The summary and the source block show their text; their entries are where it came from.
    listed = bool(part.entries) and part.name not in _TEXT_WITH_ENTRIES
    if show_content and not (listed and part.name in PART_NAMES):
        blocks += _paragraphs(part.content, style)
    if listed and part.name == "illustration":
        blocks += figures(part.entries)  # each image with its credit and licence beside it
    elif listed:
        linked = part.name in _LINKED_ENTRIES
        blocks.append(Bullets(tuple(_entry_line(entry, linked=linked) for entry in part.entries)))
    if part.original is not None and part.original.strip():
        label = f"Original ({source_language}):" if source_language else "Original:"
        quoted = (Paragraph((Span(label, SMALL),)), *_paragraphs(part.original, PLAIN))
        blocks.append(Quote(quoted))
    note = _made_by_note(part)
    if note:
        blocks.append(Paragraph((Span(note, SMALL),)))
    return blocks


def _edited_body(
    part: Part, source_language: str | None, *, style: str, show_content: bool
) -> list[Block]:
    """The editor's text as written, its lines linked to the entries they kept, the original it
    translates, and a small note; no prompt, pending marker, flags or machine label."""
    blocks: list[Block] = []
    if show_content:
        linked = part.name not in _TEXT_WITH_ENTRIES
        blocks += [
            _edited_line(paragraph, part.entries if linked else (), part.name)
            for paragraph in _paragraphs(part.content, style)
        ]
    if part.original is not None and part.original.strip():
        label = f"Original ({source_language}):" if source_language else "Original:"
        quoted = (Paragraph((Span(label, SMALL),)), *_paragraphs(part.original, PLAIN))
        blocks.append(Quote(quoted))
    note = "edited by an editor" if part.content.strip() else "left empty by an editor"
    blocks.append(Paragraph((Span(note, SMALL),)))
    return blocks


def _edited_line(paragraph: Paragraph, entries: tuple[Entry, ...], name: str) -> Paragraph:
    """A line of the editor's text, linked when it names an entry with a usable link: the whole
    line for a list of articles, else a "source" link after it."""
    (span,) = paragraph.line
    for entry in entries:
        url = safe_http_url(entry.url)
        named = [t.strip() for t in (entry.title or "", entry.text) if t.strip()]
        if url is None or not any(t in span.text for t in named):
            continue
        if name in _LINKED_ENTRIES:
            return Paragraph((Span(span.text, span.style, url),))
        return Paragraph((span, Span(" — "), Span(entry.title or "source", url=url)))
    return paragraph


def _kind_markers(part: Part) -> list[Block]:
    if part.kind == MACHINE_DRAFT:
        by = part.by or "unknown backend"
        markers: list[Block] = [_marked(f"[machine draft — {by}; check before publishing]")]
    elif part.kind == TO_WRITE:
        return [_prompted("[to write]", part.prompt)]
    elif part.kind == PREPARED:
        markers = []
    else:
        markers = [_marked(f"[unknown kind {part.kind!r}; check before publishing]")]
    if part.prompt:
        markers.append(_prompted("[for the editor]", part.prompt))
    return markers


def _made_by_note(part: Part) -> str:
    notes = []
    if part.kind == PREPARED and part.by:
        notes.append(f"prepared from {part.by}")
    return "; ".join(notes)


def _entry_line(entry: Entry, *, linked: bool) -> Line:
    """A stored article (title linked, date, feed) or a sentence (its source and offsets)."""
    url = safe_http_url(entry.url)
    details = [d for d in (_date(entry.published), entry.source) if d]
    if linked:
        spans = [Span(entry.title or entry.text, url=url)]
        if details:
            spans.append(Span(f" ({', '.join(details)})"))
        if entry.title and entry.text.strip() and entry.text.strip() != entry.title.strip():
            spans.append(Span(f" — {entry.text}"))
        return tuple(spans)
    spans = [Span(entry.text)]
    if url is not None:
        spans += [Span(" — "), Span(entry.title or "source", url=url)]
    elif entry.title:
        spans.append(Span(f" — {entry.title}"))
    if details:
        spans.append(Span(f" ({', '.join(details)})"))
    if entry.start is not None:
        where = (
            f"chars {entry.start}-{entry.end}" if entry.end is not None else f"char {entry.start}"
        )
        spans.append(Span(f" [{where}]", SMALL))
    return tuple(spans)


def _footer(stub: Stub) -> list[Block]:
    provenance = stub.provenance
    article = safe_http_url(stub.url)
    lines: list[Line] = [(Span(f"Feed: {provenance.feed}"),)]
    if article is not None:
        lines.append((Span("Article: "), Span(article, url=article)))
    languages = f"{provenance.source_language or 'unknown'} -> {provenance.target_language}"
    fields = [
        ("Fetched", provenance.fetched_at),
        ("Extraction", provenance.extraction_method or "unknown"),
        ("Content hash", (provenance.content_hash or "none")[:_HASH_SHOWN]),
        ("Languages", languages),
        ("Backends", ", ".join(provenance.backends) or "none"),
        ("Prompt version", provenance.prompt_version),
        ("Drafted", provenance.drafted_at or stub.drafted_at.isoformat(timespec="seconds")),
        ("State", stub.state),
        ("Stale", (stub.stale_reason or "yes") if stub.stale else None),
        ("Errors", "; ".join(stub.errors) or None),
    ]
    lines += [(Span(f"{name}: {value}"),) for name, value in fields if value]
    small = tuple(tuple(Span(span.text, SMALL, span.url) for span in line) for line in lines)
    return [Rule(), Paragraph((Span("Provenance", SMALL),)), Bullets(small)]


def _paragraphs(text: str, style: str) -> list[Paragraph]:
    """Blank lines separate paragraphs; a single newline starts a new one as well, so that
    line-shaped content (the source block's "Author: ..." lines) keeps its lines."""
    lines = (line.strip() for block in _PARAGRAPH_BREAK.split(text) for line in block.split("\n"))
    return [Paragraph((Span(line, style),)) for line in lines if line]


def _date(published: str | None) -> str | None:
    if not published or not published.strip():
        return None
    match = _ISO_DATE.match(published.strip())
    return match.group() if match else published.strip()


def _marked(text: str) -> Paragraph:
    return Paragraph((Span(text, MARK),))


def _prompted(label: str, prompt: str | None) -> Paragraph:
    if not prompt:
        return _marked(label)
    return Paragraph((Span(label, MARK), Span(f" {prompt}")))


def _plain(text: str) -> Paragraph:
    return Paragraph((Span(text),))
