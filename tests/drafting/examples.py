"""Example stubs for tests, modelled on the finished page in design/seed-example.md.

`example_stub()` has every part and every kind: a translated title and news summary (machine
drafts with their originals), prepared category, disclaimer, source, key points, figures and
related news, a background prepared from the archive but still to write, an expert analysis to
write, and a machine-drafted summary with a claim flagged as not found in the source.
`untranslated_stub()` is the same item with no translator: English summary, pending marker.
Their target language is "en", so they render with the seed page's English headings and labels;
`in_language(stub, "ja")` gives the same stub as a Japanese page would label it.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from aggregator.stub_records import (
    DRAFT,
    MACHINE_DRAFT,
    PREPARED,
    TO_WRITE,
    Entry,
    Part,
    Provenance,
    Stub,
)

ARTICLE_URL = "https://globalvoices.org/2025/02/10/chinas-ai-expansion-in-southeast-asia/"
TITLE_EN = "China's AI Expansion in Southeast Asia and Global E-Waste Challenges: 2025 Update"
TITLE_JA = "東南アジアにおける中国AIの拡大と世界の電子廃棄物問題 2025年の最新動向"
SUMMARY_EN = (
    "In early 2025, China's AI industry continues to make significant strides, with companies "
    "like DeepSeek leading the charge in advanced AI development. Chinese AI firms are rapidly "
    "expanding their presence in Southeast Asia.\n\nThe implementation of new Basel Convention "
    "amendments in January 2025 marks a significant step in regulating e-waste shipments."
)
SUMMARY_JA = (
    "2025年初頭、中国のAI産業はDeepSeekなどの企業を中心に大きな進歩を続けている。"
    "中国のAI企業は東南アジアでの存在感を急速に高めている。\n\n"
    "2025年1月に発効したバーゼル条約の改正は、電子廃棄物の輸送規制における重要な一歩である。"
)
DISCLAIMER = (
    "[Disclaimer] This article is reconstructed based on information from external sources. "
    "Please verify the original source before referring to this content."
)
SOURCE_LINES = (
    "Source: Global Voices\n"
    "Author: Example Author\n"
    "Published: 2025-02-10\n"
    "Licence: CC BY 3.0 — Global Voices, https://globalvoices.org/"
)
KEY_POINTS = (
    "DeepSeek's advancements in AI models demonstrate China's growing capabilities.",
    "Chinese AI companies are strategically expanding in Southeast Asia.",
    "The influx of e-waste into Southeast Asia poses significant environmental risks.",
)
FLAGGED_CLAIM = "The EU AI Act was adopted in mid-2024."


def example_stub(**changes: object) -> Stub:
    """A complete stub with every part; keyword arguments replace fields of the Stub."""
    when = datetime(2025, 2, 11, 9, 30, tzinfo=UTC)
    stub = Stub(
        item_id=42,
        feed="globalvoices",
        guid="https://globalvoices.org/?p=1234",
        url=ARTICLE_URL,
        state=DRAFT,
        stale=False,
        stale_reason=None,
        category="Digital and AI",
        parts=example_parts(),
        provenance=Provenance(
            feed="globalvoices",
            fetched_at="2025-02-11T09:00:00+00:00",
            extraction_method="rule:globalvoices.org",
            content_hash="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            source_language="en",
            target_language="en",
            backends=("deepl", "openai:qwen2.5:7b"),
            prompt_version="v1",
            drafted_at="2025-02-11T09:30:00+00:00",
        ),
        pending=None,
        errors=(),
        drafted_at=when,
        updated_at=when,
        published=datetime(2025, 2, 10, 12, 0, tzinfo=UTC),
        author="Example Author",
    )
    return dataclasses.replace(stub, **changes)  # type: ignore[arg-type]


def example_parts() -> tuple[Part, ...]:
    offsets = _offsets(SUMMARY_EN + " " + " ".join(KEY_POINTS), KEY_POINTS)
    return (
        Part("title", MACHINE_DRAFT, TITLE_JA, original=TITLE_EN, by="deepl"),
        Part("category", PREPARED, "Digital and AI", by="feed rules"),
        Part("disclaimer", PREPARED, DISCLAIMER, by="configuration"),
        Part("news_summary", MACHINE_DRAFT, SUMMARY_JA, original=SUMMARY_EN, by="deepl"),
        Part(
            "source",
            PREPARED,
            SOURCE_LINES,
            by="source",
            entries=(Entry(text="Article", title=TITLE_EN, url=ARTICLE_URL),),
        ),
        Part(
            "background",
            PREPARED,
            "",
            prompt="Explain the background from these earlier articles.",
            by="archive",
            entries=(
                Entry(
                    text="DeepSeek releases R1 reasoning model",
                    title="DeepSeek releases R1 reasoning model",
                    url="https://globalvoices.org/2025/01/20/deepseek-r1/",
                    published="2025-01-20T08:00:00+00:00",
                    source="globalvoices",
                ),
            ),
        ),
        Part(
            "expert_analysis",
            TO_WRITE,
            "",
            prompt="Analyse what the expansion means for data sovereignty in the region.",
        ),
        Part(
            "key_points",
            PREPARED,
            "\n".join(KEY_POINTS),
            by="extractive summary",
            entries=tuple(
                Entry(text=text, start=start, end=end)
                for text, (start, end) in zip(KEY_POINTS, offsets, strict=True)
            ),
        ),
        Part(
            "additional_data",
            PREPARED,
            "Figures in the article and related stored articles:",
            by="article figures",
            entries=(
                Entry(text="Asia produces nearly half of the world's e-waste.", start=10, end=60),
                Entry(
                    text="Global e-waste is expected to reach 82 million tonnes by 2030.",
                    url="https://news.example/ewaste-2030",
                    title="E-waste monitor",
                    source="ewaste-news",
                ),
            ),
        ),
        Part(
            "related_news",
            PREPARED,
            "",
            by="archive",
            entries=(
                Entry(
                    text="Basel Convention e-waste amendments take effect",
                    title="Basel Convention e-waste amendments take effect",
                    url="https://news.example/basel-2025",
                    published="2025-01-01",
                    source="env-news",
                ),
            ),
        ),
        Part(
            "summary",
            MACHINE_DRAFT,
            "AI expansion and e-waste management highlight progress and sustainability.",
            by="openai:qwen2.5:7b",
            prompt="Check the summary against the article.",
            flags=(FLAGGED_CLAIM,),
        ),
    )


def untranslated_stub(**changes: object) -> Stub:
    """The example with no translator: English title and summary, translation pending."""
    stub = example_stub(**changes)
    pending = "translation pending (en -> ja)"
    stub = with_part(stub, Part("title", PREPARED, TITLE_EN, by="source", pending=pending))
    summary = Part("news_summary", PREPARED, SUMMARY_EN, by="extractive summary", pending=pending)
    return with_part(stub, summary)


def with_part(stub: Stub, part: Part) -> Stub:
    """`stub` with its part of the same name replaced by `part` (or `part` added at the end)."""
    names = [p.name for p in stub.parts]
    if part.name not in names:
        return dataclasses.replace(stub, parts=(*stub.parts, part))
    parts = tuple(part if p.name == part.name else p for p in stub.parts)
    return dataclasses.replace(stub, parts=parts)


def _offsets(text: str, sentences: tuple[str, ...]) -> list[tuple[int, int]]:
    starts = [text.index(sentence) for sentence in sentences]
    return [(start, start + len(s)) for start, s in zip(starts, sentences, strict=True)]


def in_language(stub: Stub, language: str) -> Stub:
    """`stub` with `language` as its target: its page is labelled in that language."""
    provenance = dataclasses.replace(stub.provenance, target_language=language)
    return dataclasses.replace(stub, provenance=provenance)
