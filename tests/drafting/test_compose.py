"""The prepared parts of a stub (`drafting/compose.py`), pure: every part in page order, the
source's own text where there is one, a prompt in the stub's language where the editor must
write, and translation marked pending when the article is in another language."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.config import SourceInfo
from aggregator.drafting.analysis import Analysis
from aggregator.drafting.category import CategoryChoice
from aggregator.drafting.compose import compose, pending_marker
from aggregator.storage.stubs import DraftJob
from aggregator.stub_records import PART_NAMES, PREPARED, TO_WRITE, Entry, Part

PUBLISHED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
JOB = DraftJob(
    item_id=1,
    feed="city",
    feed_tags=(),
    feed_language="en",
    guid="urn:1",
    url="https://news.example.org/floods",
    title="Floods close the river port",
    author="Ana Horvat",
    published=PUBLISHED,
    categories=(),
    fetched_at=PUBLISHED,
    text="Heavy rain pushed the Sava 2.4 metres above its usual level.",
    html=None,
    method="generic",
    content_hash="h",
    language="en",
    attempts=0,
    current=(),
    stale=False,
)
SUMMARY = (Entry("Heavy rain pushed the Sava 2.4 metres above its usual level.", start=0, end=60),)
ANALYSIS = Analysis(
    language="en",
    summary=SUMMARY,
    key_points=SUMMARY,
    figures=(Entry("2.4 metres", start=26, end=36),),
    terms={},
)
LICENSED = SourceInfo(
    name="City News",
    licence="CC BY 4.0",
    licence_url="https://creativecommons.org/licenses/by/4.0/",
    attribution="City News Agency",
)


def parts(
    analysis: Analysis = ANALYSIS, target: str = "en", info: SourceInfo | None = LICENSED
) -> dict[str, Part]:
    composed = compose(
        JOB,
        analysis,
        (),
        category=CategoryChoice("Environment", "keyword flood"),
        disclaimer="Machine-assisted draft.",
        source_info=info,
        target=target,
    )
    assert [p.name for p in composed] == list(PART_NAMES)
    return {p.name: p for p in composed}


def test_the_source_fills_what_it_can() -> None:
    found = parts()
    assert found["title"] == Part("title", PREPARED, JOB.title or "", by="source")
    assert found["category"].content == "Environment"
    assert found["category"].by == "category rules: keyword flood"
    assert found["disclaimer"].content == "Machine-assisted draft."
    summary = found["news_summary"]
    assert (summary.kind, summary.content, summary.pending) == (PREPARED, SUMMARY[0].text, None)
    assert found["key_points"].entries == SUMMARY
    figure = found["additional_data"].entries[0]
    assert (figure.text, figure.url, figure.source) == ("2.4 metres", JOB.url, "city")


def test_the_source_part_credits_the_feed_with_its_licence() -> None:
    source = parts()["source"]
    lines = source.content.splitlines()
    assert lines[0].endswith("City News")
    assert any(line.endswith(JOB.url or "") for line in lines)
    assert any("2026-11-02 10:00 UTC" in line for line in lines)
    assert any("CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)" in line for line in lines)
    assert any(line.endswith("City News Agency") for line in lines)
    assert source.entries == (Entry(text=JOB.title or "", url=JOB.url, source="city"),)
    assert parts(info=None)["source"].content.splitlines()[0].endswith("city")


def test_what_only_an_editor_can_write_carries_a_prompt() -> None:
    found = parts()
    for name in ("expert_analysis", "summary", "background", "related_news"):
        assert found[name].kind == TO_WRITE, name
        assert found[name].prompt, name


def test_an_article_in_another_language_is_pending_translation() -> None:
    found = parts(target="ja")
    marker = pending_marker("en", "ja")
    assert marker == "translation pending (en -> ja)"
    assert found["title"].pending == marker
    assert found["news_summary"].pending == marker
    assert pending_marker(None, "ja") == "translation pending (unknown -> ja)"


def test_prompts_are_in_the_stubs_language() -> None:
    english, japanese = parts()["summary"].prompt, parts(target="ja")["summary"].prompt
    assert english
    assert japanese
    assert english != japanese


def test_no_summary_leaves_the_news_summary_to_write() -> None:
    empty = Analysis(language="en", summary=(), key_points=(), figures=(), terms={})
    found = parts(empty)
    assert (found["news_summary"].kind, found["news_summary"].content) == (TO_WRITE, "")
    assert found["news_summary"].prompt
    assert found["key_points"].kind == TO_WRITE
