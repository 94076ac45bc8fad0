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
from contextvars import ContextVar
from dataclasses import dataclass

from aggregator.drafting.messages import Messages, messages
from aggregator.drafting.render_illustration import Figure, figures
from aggregator.drafting.translation import pending_marker
from aggregator.sanitize import safe_http_url, strip_control_chars
from aggregator.stub_records import (
    EDITED,
    MACHINE_DRAFT,
    PART_NAMES,
    PREPARED,
    TO_WRITE,
    Entry,
    Part,
    Stub,
)

PLAIN = "plain"
STRONG = "strong"
EMPHASIS = "emphasis"
SMALL = "small"
MARK = "mark"
"""A label that must catch the eye: machine drafts, parts to write, pending work, warnings."""

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
    lang: str | None = None
    """The language of the text when it is not the page's (an original kept beside)."""


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    """1 for the title, 2 for the page's sections, 3 for the parts inside them."""
    text: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    line: Line
    lang: str | None = None
    """The language of the text when it is not the page's (still to translate)."""


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[Line, ...]
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    pass


Block = Heading | Paragraph | Bullets | Quote | Rule | Figure


_WORDS: ContextVar[Messages] = ContextVar("words")
"""The catalogue of the stub being laid out: its target language's headings and labels."""


def _w() -> Messages:
    return _WORDS.get()


_SOURCE: ContextVar[str | None] = ContextVar("source", default=None)
"""The language of the stub's article, for what is shown in it: originals, untranslated text."""


def layout(stub: Stub) -> tuple[Block, ...]:
    """The page of `stub` as blocks, top to bottom, its labels in the stub's target language;
    text in the article's language (an original, a part still to translate) says so."""
    provenance = stub.provenance
    token = _WORDS.set(messages(provenance.target_language))
    other = provenance.source_language
    source = _SOURCE.set(other if other and other != provenance.target_language else None)
    try:
        return _layout(stub)
    finally:
        _SOURCE.reset(source)
        _WORDS.reset(token)


def _layout(stub: Stub) -> tuple[Block, ...]:
    source_language = stub.provenance.source_language
    blocks: list[Block] = []
    if stub.stale:
        reason = stub.stale_reason or _w()("marker.stale_default")
        blocks.append(_marked(_w()("marker.stale", reason=reason)))
    if stub.pending:
        blocks.append(_marked(_w()("marker.pending", reason=stub.pending)))
    blocks += _translation_pending(stub)
    blocks += _title(stub, source_language)
    blocks += _category(stub, source_language)
    disclaimer = stub.part("disclaimer")
    if disclaimer is not None:
        blocks += _part_body(disclaimer, source_language, style=EMPHASIS)
    summary = stub.part("news_summary")
    if summary is not None:
        blocks.append(Heading(2, _w().heading("news_summary")))
        if summary.original is not None:
            blocks.append(_plain(_w()("translated_intro")))
        blocks += _part_body(summary, source_language)
    source = stub.part("source")
    if source is not None:
        blocks.append(Heading(3, _w().heading("source")))
        blocks += _part_body(source, source_language)
    illustration = stub.part("illustration")
    if illustration is not None:
        blocks.append(Heading(3, _w().heading("illustration")))
        blocks += _part_body(illustration, source_language)
    commentary = [part for name in COMMENTARY if (part := stub.part(name)) is not None]
    if commentary:
        blocks.append(Heading(2, _w()("heading.commentary")))
    for part in commentary:
        blocks.append(Heading(3, _w().heading(part.name)))
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
    text = stub.title if strip_control_chars(stub.title).strip() else _w()("untitled")
    lang = _SOURCE.get() if part is not None and _waiting(part) else None
    blocks: list[Block] = [Heading(1, text, lang)]
    if part is not None:
        blocks += _part_body(part, source_language, show_content=False)
    return blocks


def _category(stub: Stub, source_language: str | None) -> list[Block]:
    part = stub.part("category")
    text = part.content if part is not None else (stub.category or "")
    if part is None and not text.strip():
        return []
    label = Paragraph((Span(f"{_w().heading('category')}{_w()('colon')}", STRONG), Span(text)))
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
    if part.pending and not part.pending.startswith(_TRANSLATION_PENDING):  # noted once, above
        blocks.append(_marked(f"[{part.pending}]"))
    if part.flags:
        blocks.append(_marked(_w()("marker.flags")))
        blocks.append(Bullets(tuple((Span(flag),) for flag in part.flags)))
    # A list part's content is its entries as plain lines (for scripts): show one or the other.
    # The summary and the source block show their text; their entries are where it came from.
    listed = bool(part.entries) and part.name not in _TEXT_WITH_ENTRIES
    lang = _SOURCE.get() if _waiting(part) else None  # shown in the article's language
    if show_content and not (listed and part.name in PART_NAMES):
        blocks += [Paragraph(p.line, lang) for p in _paragraphs(part.content, style)]
    if listed and part.name == "illustration":
        blocks += figures(part.entries, _w())  # each image with its credit and licence beside it
    elif listed:
        linked = part.name in _LINKED_ENTRIES
        lines = tuple(_entry_line(entry, linked=linked) for entry in part.entries)
        untouched = not any(entry.original for entry in part.entries)
        blocks.append(Bullets(lines, lang if untouched else None))
    blocks += _original_quote(part, source_language)
    note = _made_by_note(part)
    if note:
        blocks.append(Paragraph((Span(note, SMALL),)))
    return blocks


def _original_quote(part: Part, source_language: str | None) -> list[Block]:
    """The source-language text a translated part was made from, quoted under its label."""
    if part.original is None or not part.original.strip():
        return []
    label = (
        _w()("label.original", language=source_language)
        if source_language
        else _w()("label.original_unknown")
    )
    return [Quote((Paragraph((Span(label, SMALL),)), *_original_paragraphs(part.original)))]


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
    blocks += _original_quote(part, source_language)
    note = _w()("note.edited") if part.content.strip() else _w()("note.left_empty")
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
        label = entry.title or _w()("label.source_link")
        return Paragraph((span, Span(" — "), Span(label, url=url)))
    return paragraph


def _kind_markers(part: Part) -> list[Block]:
    if part.kind == MACHINE_DRAFT:
        by = part.by or "unknown backend"
        markers: list[Block] = [_marked(_w()("marker.machine_draft", by=by))]
    elif part.kind == TO_WRITE:
        return [_prompted(_w()("marker.to_write"), part.prompt)]
    elif part.kind == PREPARED:
        markers = []
    else:
        markers = [_marked(_w()("marker.unknown_kind", kind=repr(part.kind)))]
    if part.prompt:
        markers.append(_prompted(_w()("marker.for_editor"), part.prompt))
    return markers


def _made_by_note(part: Part) -> str:
    notes = []
    if part.kind == PREPARED and part.by:
        notes.append(_w()("note.prepared_from", by=_made_by(part)))
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
        return (*spans, *_original_beside(entry))
    spans = [Span(entry.text), *_original_beside(entry)]
    if url is not None:
        spans += [Span(" — "), Span(entry.title or _w()("label.source_link"), url=url)]
    elif entry.title:
        spans.append(Span(f" — {entry.title}"))
    if details:
        spans.append(Span(f" ({', '.join(details)})"))
    if entry.start is not None:
        where = (
            _w()("label.chars", start=entry.start, end=entry.end)
            if entry.end is not None
            else _w()("label.char", start=entry.start)
        )
        spans.append(Span(f" [{where}]", SMALL))
    return tuple(spans)


def _footer(stub: Stub) -> list[Block]:
    provenance = stub.provenance
    article = safe_http_url(stub.url)
    w = _w()
    colon = w("colon")
    lines: list[Line] = [(Span(f"{w('footer.feed')}{colon}{provenance.feed}"),)]
    if article is not None:
        lines.append((Span(f"{w('footer.article')}{colon}"), Span(article, url=article)))
    unknown, none = w("footer.unknown"), w("footer.none")
    languages = f"{provenance.source_language or unknown} -> {provenance.target_language}"
    state = w(f"state.{stub.state}") if f"state.{stub.state}" in w.texts else stub.state
    fields = [
        ("fetched", provenance.fetched_at),
        ("extraction", provenance.extraction_method or unknown),
        ("text", provenance.text_cut),
        ("content_hash", (provenance.content_hash or none)[:_HASH_SHOWN]),
        ("languages", languages),
        ("backends", ", ".join(w.translated(b) or b for b in provenance.backends) or none),
        ("prompt_version", provenance.prompt_version),
        ("drafted", provenance.drafted_at or stub.drafted_at.isoformat(timespec="seconds")),
        ("state", state),
        ("stale", (stub.stale_reason or w("footer.yes")) if stub.stale else None),
        ("errors", "; ".join(stub.errors) or None),
    ]
    lines += [(Span(f"{w(f'footer.{name}')}{colon}{value}"),) for name, value in fields if value]
    small = tuple(tuple(Span(span.text, SMALL, span.url) for span in line) for line in lines)
    return [Rule(), Paragraph((Span(w("footer.provenance"), SMALL),)), Bullets(small)]


_TRANSLATION_PENDING = pending_marker(None, "").split(" (", 1)[0]
"""How every part's "translation pending (en -> ja)" marker starts."""
_MARKER_LANGUAGES = re.compile(r"\((\S+) -> (\S+)\)")


def _translation_pending(stub: Stub) -> list[Block]:
    """One note for every part still in the source language, instead of one on each."""
    waiting = [p for p in stub.parts if (p.pending or "").startswith(_TRANSLATION_PENDING)]
    if not waiting:
        return []
    names = _w().listing([_w().heading(p.name) for p in waiting])
    languages = _MARKER_LANGUAGES.search(waiting[0].pending or "")
    source, target = languages.groups() if languages else ("?", stub.provenance.target_language)
    note = _w()("marker.translation_pending", source=source, target=target, parts=names)
    return [_marked(note)]


def _original_beside(entry: Entry) -> list[Span]:
    """The text a translated entry was translated from, kept beside it for checking."""
    if entry.original is None or not entry.original.strip():
        return []
    return [
        Span(f" ({_w()('label.original_beside')}{_w()('colon')}"),
        Span(entry.original, SMALL, lang=_SOURCE.get()),
        Span(")"),
    ]


def _waiting(part: Part) -> bool:
    """Whether `part` is still in the article's language, waiting for its translation."""
    return (part.pending or "").startswith(_TRANSLATION_PENDING)


def _original_paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(p.line, _SOURCE.get()) for p in _paragraphs(text, PLAIN)]


def _made_by(part: Part) -> str:
    """Where a prepared part came from, in the stub's language when the catalogue says it."""
    key = f"by.{part.name}"
    if _w().language == "en" or key not in _w().texts:
        return part.by or ""
    return _w()(key)


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
