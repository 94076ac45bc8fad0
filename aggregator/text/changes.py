"""What changed in an article since its stub was drafted, said in a line an editor can act on."""

from __future__ import annotations


def describe_change(
    old_title: str | None, old_text: str | None, new_title: str | None, new_text: str | None
) -> str:
    """E.g. "title changed; 2 paragraphs added, 1 removed, 3 kept"; paragraphs compare whole."""
    notes = []
    if (old_title or "") != (new_title or ""):
        notes.append(f"title changed from {_quote(old_title)} to {_quote(new_title)}")
    old = _paragraphs(old_text)
    new = _paragraphs(new_text)
    added = sum(1 for p in new if p not in old)
    removed = sum(1 for p in old if p not in new)
    if added or removed:
        kept = sum(1 for p in new if p in old)
        notes.append(f"{_count(added)} added, {removed} removed, {kept} kept")
    elif old != new:
        notes.append("paragraphs reordered")
    return "; ".join(notes) or "the extracted text changed (whitespace or markup only)"


def _paragraphs(text: str | None) -> list[str]:
    return [" ".join(p.split()) for p in (text or "").split("\n") if p.strip()]


def _count(n: int) -> str:
    return f"{n} paragraph{'s' if n != 1 else ''}"


def _quote(title: str | None) -> str:
    if not title:
        return "(none)"
    return repr(title if len(title) <= 80 else title[:77] + "...")
