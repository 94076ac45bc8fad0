"""An editor's text laid over a part: what the part becomes when an editor saves it.

A part saved with text is `edited`: the text is the editor's, shown as written everywhere, and
redrafting keeps it. What described the text it replaces goes with it: the prompt (the part is
written now), the pending marker and a machine draft's flags. The original a translation was
made from stays (it is the source, still true), and entries (sentences with their offsets,
linked articles) stay only for the lines the editor kept, so a trimmed list of related articles
keeps the links of what is left. A part saved empty is unwritten again: `to_write` with its
prompt in the stub's language, and the next redraft may prepare it again.
"""

from __future__ import annotations

import dataclasses

from aggregator.drafting.messages import english, messages
from aggregator.stub_records import EDITED, TO_WRITE, Entry, Part

EDITOR_PREFIX = "editor "
"""`by` of an edited part: "editor " and the editor's name."""


def edit_part(part: Part, content: str, who: str, language: str | None = None) -> Part:
    """`part` with `content` written by the editor `who`; unwritten again when empty, with a
    prompt in `language` (the stub's target language)."""
    if not content.strip():
        return unwritten(part, language)
    return dataclasses.replace(
        part,
        kind=EDITED,
        content=content,
        prompt=None,
        pending=None,
        flags=(),
        by=f"{EDITOR_PREFIX}{who}",
        entries=kept_entries(part.entries, content),
    )


def unwritten(part: Part, language: str | None = None) -> Part:
    """The part left for the editor to write, with the prompt of what belongs there."""
    prompt = prompt_for(part, language)
    return Part(part.name, TO_WRITE, "", prompt=prompt, original=part.original)


def prompt_for(part: Part, language: str | None = None) -> str:
    """The part's own prompt, else the one drafting gives the part in `language`, else a plain
    one naming the part."""
    if part.prompt:
        return part.prompt
    words = messages(language)
    key = f"prompt.{part.name}"
    # The News Summary's own prompt asks for a translation: right only when there is an original.
    translates = part.name != "news_summary" or part.original is not None
    if key in english().texts and translates:
        return words(key)
    return words("prompt.left_empty", heading=words.heading(part.name))


def kept_entries(entries: tuple[Entry, ...], content: str) -> tuple[Entry, ...]:
    """The entries whose sentence or article title is still in the editor's text."""
    return tuple(entry for entry in entries if _mentioned(entry, content))


def _mentioned(entry: Entry, content: str) -> bool:
    texts = (entry.text, entry.title or "")
    return any(text.strip() and text.strip() in content for text in texts)
