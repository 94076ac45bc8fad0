"""An editor's text laid over a part: what the part becomes when an editor saves it.

A part saved with text is `edited`: the text is the editor's, shown as written everywhere, and
redrafting keeps it. What described the text it replaces goes with it: the prompt (the part is
written now), the pending marker and a machine draft's flags. The original a translation was
made from stays (it is the source, still true), and entries (sentences with their offsets,
linked articles) stay only for the lines the editor kept, so a trimmed list of related articles
keeps the links of what is left. A part saved empty is unwritten again: `to_write` with its
prompt, and the next redraft may prepare it again.
"""

from __future__ import annotations

import dataclasses

from aggregator.drafting.compose import PROMPTS
from aggregator.drafting.records import EDITED, HEADINGS, TO_WRITE, Entry, Part

EDITOR_PREFIX = "editor "
"""`by` of an edited part: "editor " and the editor's name."""


def edit_part(part: Part, content: str, who: str) -> Part:
    """`part` with `content` written by the editor `who`; unwritten again when empty."""
    if not content.strip():
        return unwritten(part)
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


def unwritten(part: Part) -> Part:
    """The part left for the editor to write, with the prompt of what belongs there."""
    return Part(part.name, TO_WRITE, "", prompt=prompt_for(part), original=part.original)


def prompt_for(part: Part) -> str:
    """The part's own prompt, else the one drafting gives the part, else a plain one."""
    if part.prompt:
        return part.prompt
    if part.name in PROMPTS:
        return PROMPTS[part.name]
    heading = HEADINGS.get(part.name, part.name)
    return f"{heading}: left empty by an editor; write it, or redraft the stub to prepare it."


def kept_entries(entries: tuple[Entry, ...], content: str) -> tuple[Entry, ...]:
    """The entries whose sentence or article title is still in the editor's text."""
    return tuple(entry for entry in entries if _mentioned(entry, content))


def _mentioned(entry: Entry, content: str) -> bool:
    texts = (entry.text, entry.title or "")
    return any(text.strip() and text.strip() in content for text in texts)
