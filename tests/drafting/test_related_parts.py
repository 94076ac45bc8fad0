"""The archive's parts of a stub: built at drafting, brought up to date by later articles."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from aggregator.drafting.compose import PROMPTS
from aggregator.drafting.related_parts import (
    Refresh,
    Related,
    add_related,
    figures_part,
    link_entry,
    links_part,
    unique_sentences,
    with_copies,
)
from aggregator.storage.related import RelatedArticle
from aggregator.stub_records import EDITED, PREPARED, TO_WRITE, Entry, Part

STORY = datetime(2026, 3, 10, 12, tzinfo=UTC)


def article(
    n: int, *, hours: float = 0, score: float = 0.5, same_story: bool = False
) -> RelatedArticle:
    return RelatedArticle(
        item_id=n,
        feed=f"feed{n}",
        title=f"Report {n}",
        url=f"https://e.org/{n}",
        published=STORY + timedelta(hours=hours),
        text=f"Text {n}.",
        language="en",
        score=score,
        shared=("flood",),
        same_story=same_story,
    )


def source() -> Part:
    own = Entry(text="Our story", url="https://e.org/own", source="own")
    return Part("source", PREPARED, "Source: own\nURL: https://e.org/own", entries=(own,))


def drafted(*extra: Part) -> tuple[Part, ...]:
    parts = {
        "source": source(),
        "background": links_part("background", [], PROMPTS["background"]),
        "additional_data": figures_part(
            [Entry("Own figure: 12 dead.", 0, 20, url="https://e.org/own")],
            [],
            PROMPTS["additional_data"],
        ),
        "related_news": links_part("related_news", [], PROMPTS["related_news"]),
        "expert_analysis": Part("expert_analysis", TO_WRITE, "", prompt="Write it."),
    }
    for part in extra:
        parts[part.name] = part
    return tuple(parts.values())


def add(parts: tuple[Part, ...], related: Related, limit: int = 6) -> Refresh | None:
    return add_related(parts, related, STORY, limit=limit, with_figures=3, prompts=PROMPTS)


def named(parts: tuple[Part, ...], name: str) -> Part:
    return next(p for p in parts if p.name == name)


def test_a_later_article_goes_to_related_news_an_earlier_one_to_background() -> None:
    later = Related(article(1, hours=5), (Entry("It cost $3 million.", 0, 19),))
    earlier = Related(article(2, hours=-30), ())

    first = add(drafted(), later)
    assert first is not None
    second = add(first.parts, earlier)
    assert second is not None

    news, background = named(second.parts, "related_news"), named(second.parts, "background")
    assert (news.kind, background.kind) == (PREPARED, PREPARED)
    assert [e.url for e in news.entries] == ["https://e.org/1"]
    assert [e.url for e in background.entries] == ["https://e.org/2"]
    figures = named(second.parts, "additional_data")
    assert [e.text for e in figures.entries] == ["Own figure: 12 dead.", "It cost $3 million."]
    assert figures.entries[1].url == "https://e.org/1"
    assert "related_news + Report 1 (feed1, 0.5)" in first.detail
    assert add(second.parts, later) is None  # listed already


def test_a_full_list_keeps_the_strongest() -> None:
    parts = drafted()
    for n, score in enumerate((0.9, 0.8), start=1):
        refresh = add(parts, Related(article(n, hours=1, score=score), ()), limit=2)
        assert refresh is not None
        parts = refresh.parts
    assert add(parts, Related(article(3, hours=1, score=0.4), ()), limit=2) is None
    stronger = add(parts, Related(article(4, hours=1, score=0.85), ()), limit=2)
    assert stronger is not None
    assert [e.score for e in named(stronger.parts, "related_news").entries] == [0.9, 0.85]


def test_an_edited_part_is_left_as_the_editor_wrote_it_and_the_history_says_so() -> None:
    mine = Part("related_news", EDITED, "Only the wire story, checked.", by="editor Ana")
    analysis = Part("expert_analysis", EDITED, "My analysis.", by="editor Ana")

    refresh = add(drafted(mine, analysis), Related(article(1, hours=2), ()))

    assert refresh is not None
    assert named(refresh.parts, "related_news") == mine
    assert named(refresh.parts, "expert_analysis") == analysis
    assert "not added to the edited related_news: Report 1" in refresh.detail


def test_a_copy_of_the_same_story_is_named_once_in_the_source() -> None:
    copy = Related(article(5, hours=1, score=1.0, same_story=True), ())

    refresh = add(drafted(), copy)

    assert refresh is not None
    part = named(refresh.parts, "source")
    assert part.content.endswith("Also reported by feed5")
    assert [e.url for e in part.entries] == ["https://e.org/own", "https://e.org/5"]
    assert named(refresh.parts, "related_news") == named(drafted(), "related_news")
    assert add(refresh.parts, copy) is None
    same_address = dataclasses.replace(article(6, same_story=True), url="https://e.org/own")
    again = with_copies(part, [same_address], "{feeds}も報道")
    assert again.content.split("\n")[-1] == "feed5, feed6も報道"
    assert "Also reported by" not in again.content


def test_the_same_sentence_from_two_feeds_appears_once() -> None:
    one = Related(article(1), (Entry("Prices rose 12% in May.", 0, 23),))
    two = Related(article(2), (Entry("Prices rose 12 % in May", 5, 28),))
    part = figures_part([], [one, two], "prompt")
    assert [e.url for e in part.entries] == ["https://e.org/1"]
    assert unique_sentences([Entry("A b."), Entry("a, B")]) == (Entry("A b."),)


def test_link_entries_keep_the_jsonl_shape() -> None:
    entry = link_entry(article(3, hours=-1, score=0.4321))
    assert (entry.url, entry.title, entry.score, entry.published, entry.source) == (
        "https://e.org/3",
        "Report 3",
        0.4321,
        "2026-03-10",
        "feed3",
    )
