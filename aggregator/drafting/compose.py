"""The prepared parts of a stub, in page order: pure, from the job, its analysis and the archive.

Machine drafts (translations, commentary) are laid over these afterwards by `machine.py`; what
neither can fill is left for the editor with a prompt that says what belongs there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from aggregator.config import SourceInfo
from aggregator.drafting.analysis import Analysis
from aggregator.drafting.category import CategoryChoice
from aggregator.drafting.illustration_part import illustration_part
from aggregator.drafting.messages import Messages, messages
from aggregator.drafting.related_parts import (
    Related,
    figures_part,
    is_earlier,
    link_entry,
    links_part,
    with_copies,
)
from aggregator.storage.related import RelatedArticle
from aggregator.storage.stubs import DraftJob
from aggregator.stub_records import PREPARED, TO_WRITE, Entry, Part

PROMPTS = {
    "title": "Check the title; translate it when no translation is drafted.",
    "news_summary": "Translate the summary; check it against the source.",
    "background": "Write the background: what led up to this story and why it matters now. "
    "The earlier stored articles listed here are material, not text to copy.",
    "expert_analysis": "Write the newsroom's analysis: what this means, for whom, and what "
    "to watch next. Attribute every claim.",
    "additional_data": "Add figures that reinforce the story (statistics, dates, money), "
    "each with its source link.",
    "related_news": "Add related coverage with links; only articles you have checked.",
    "summary": "Write the closing summary: the story and the newsroom's view in a few lines.",
}


def pending_marker(source: str | None, target: str) -> str:
    return f"translation pending ({source or 'unknown'} -> {target})"


def compose(
    job: DraftJob,
    analysis: Analysis,
    related: Sequence[Related],
    *,
    copies: Sequence[RelatedArticle] = (),
    category: CategoryChoice,
    disclaimer: str,
    source_info: SourceInfo | None,
    target: str,
) -> tuple[Part, ...]:
    words = messages(target)  # prompts and labels in the language the stub is written in
    needs_translation = analysis.language != target
    pending = pending_marker(analysis.language, target) if needs_translation else None
    summary = " ".join(e.text for e in analysis.summary)
    earlier = [r for r in related if is_earlier(r.article, job.published)]
    recent = [r for r in related if r not in earlier]
    return (
        Part("title", PREPARED, job.title or "", by="source", pending=pending),
        Part("category", PREPARED, category.name, by=f"category rules: {category.reason}"),
        Part("disclaimer", PREPARED, disclaimer, by="configured disclaimer"),
        Part(
            "news_summary",
            PREPARED if summary else TO_WRITE,
            summary,
            prompt=None if summary else words("prompt.news_summary_empty"),
            pending=pending if summary else None,
            by=analysis.summary_by if summary else None,
            entries=analysis.summary,
        ),
        with_copies(_source(job, source_info, words), copies, words("also_reported_by")),
        _in_language(
            illustration_part(job.html, page_url=job.url, feed=job.feed, source_info=source_info),
            words,
        ),
        _links("background", earlier, words),
        Part("expert_analysis", TO_WRITE, "", prompt=words("prompt.expert_analysis")),
        Part(
            "key_points",
            PREPARED if analysis.key_points else TO_WRITE,
            "\n".join(e.text for e in analysis.key_points),
            prompt=None if analysis.key_points else words("prompt.key_points"),
            by="key sentences of the source",
            entries=analysis.key_points,
        ),
        _figures(job, analysis, related, words),
        _links("related_news", recent, words),
        Part("summary", TO_WRITE, "", prompt=words("prompt.summary")),
    )


def _source(job: DraftJob, info: SourceInfo | None, words: Messages) -> Part:
    name = (info.name if info else None) or job.feed

    def line(label: str, value: str) -> str:
        return f"{words(f'label.{label}')}{words('colon')}{value}"

    lines = [line("source", name)]
    if job.title:
        lines.append(line("article", job.title))
    if job.url:
        lines.append(line("url", job.url))
    if job.author:
        lines.append(line("author", job.author))
    if job.published:
        lines.append(line("published", f"{job.published:%Y-%m-%d %H:%M} UTC"))
    if info and info.licence:
        licence = line("licence", info.licence)
        lines.append(f"{licence} ({info.licence_url})" if info.licence_url else licence)
    if info and info.attribution:
        credit = line("attribution", info.attribution)
        lines.append(f"{credit} ({info.attribution_url})" if info.attribution_url else credit)
    entries = (Entry(text=job.title or name, url=job.url, source=job.feed),) if job.url else ()
    return Part("source", PREPARED, "\n".join(lines), by="feed and config", entries=entries)


def _in_language(part: Part, words: Messages) -> Part:
    """`part` with its prompt in the stub's language, when the catalogue has it."""
    prompt = words.translated(part.prompt)
    return part if prompt == part.prompt else dataclasses.replace(part, prompt=prompt)


def _links(name: str, related: Sequence[Related], words: Messages) -> Part:
    return links_part(name, [link_entry(r.article) for r in related], words(f"prompt.{name}"))


def _figures(
    job: DraftJob, analysis: Analysis, related: Sequence[Related], words: Messages
) -> Part:
    own = tuple(
        Entry(text=e.text, start=e.start, end=e.end, url=job.url, source=job.feed)
        for e in analysis.figures
    )
    return figures_part(own, related, words("prompt.additional_data"))
