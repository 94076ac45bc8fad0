"""Edited parts: what an editor's text makes of a part, how it is stored and read back (also from
rows stored before the `edited` kind), and that both renderings show it as the editor's text,
never under a prompt or a machine label."""

from __future__ import annotations

import pytest

from aggregator.drafting.editing import edit_part, kept_entries, unwritten
from aggregator.drafting.messages import messages
from aggregator.stub_records import EDITED, MACHINE_DRAFT, PREPARED, TO_WRITE, Part, Stub
from tests.drafting.examples import (
    FLAGGED_CLAIM,
    KEY_POINTS,
    example_stub,
    in_language,
    with_part,
)
from tests.helpers.stub_pages import PAGES, Page, markdown_page, sections

ANALYSIS = "Chinese AI in the region's cities raises questions of data sovereignty."
PROMPT = "Analyse what the expansion means for data sovereignty in the region."


def edited(stub: Stub, name: str, content: str, who: str = "Ana Horvat") -> Stub:
    part = stub.part(name)
    assert part is not None
    return with_part(stub, edit_part(part, content, who))


def test_a_written_part_is_edited_without_its_prompt() -> None:
    part = Part("expert_analysis", TO_WRITE, "", prompt=PROMPT)
    written = edit_part(part, ANALYSIS, "Ana Horvat")
    assert (written.kind, written.content, written.by) == (EDITED, ANALYSIS, "editor Ana Horvat")
    assert written.edited
    assert (written.prompt, written.pending, written.flags) == (None, None, ())


def test_an_edited_machine_draft_drops_its_flags_and_pending_but_keeps_its_original() -> None:
    draft = Part(
        "news_summary",
        MACHINE_DRAFT,
        "機械の訳。",
        original="The source text.",
        pending="translation pending (en -> ja)",
        by="openai:qwen",
        flags=("number '7' is not in the source",),
    )
    written = edit_part(draft, "編集者の訳。", "Ana")
    assert (written.kind, written.original) == (EDITED, "The source text.")
    assert (written.pending, written.flags, written.by) == (None, (), "editor Ana")


def test_a_part_saved_empty_is_to_write_again_with_a_prompt_in_the_stubs_language() -> None:
    english, japanese = messages("en"), messages("ja")
    written = edit_part(Part("summary", TO_WRITE, "", prompt="Write it."), "Text.", "Ana")
    emptied = edit_part(written, "  ", "Ana", "en")
    assert emptied == Part("summary", TO_WRITE, "", prompt=english("prompt.summary"))
    assert not emptied.edited
    assert edit_part(written, "", "Ana", "ja").prompt == japanese("prompt.summary")
    # A part drafting gives no prompt gets a plain one naming it; a translation keeps the
    # original it is to be made from.
    source = unwritten(Part("source", EDITED, "Source: Global Voices", by="editor Ana"), "en")
    assert source.kind == TO_WRITE
    assert source.prompt is not None
    assert source.prompt.startswith("Source: left empty by an editor")
    ja_source = unwritten(Part("source", EDITED, "出典", by="editor Ana"), "ja")
    assert ja_source.prompt == japanese("prompt.left_empty", heading=japanese.heading("source"))
    # The News Summary is asked to be translated only when there is an original to translate.
    summary = Part("news_summary", EDITED, "要約。", original="Summary.", by="editor Ana")
    assert unwritten(summary, "ja").prompt == japanese("prompt.news_summary")
    summary = Part("news_summary", EDITED, "Summary.", by="editor Ana")
    assert unwritten(summary, "en").prompt == english(
        "prompt.left_empty", heading=english.heading("news_summary")
    )
    title = unwritten(Part("title", EDITED, "Titel", original="Title", by="editor Ana"))
    assert (title.kind, title.original) == (TO_WRITE, "Title")


def test_entries_stay_for_the_lines_the_editor_kept() -> None:
    stub = example_stub()
    key_points = stub.part("key_points")
    assert key_points is not None
    kept = kept_entries(key_points.entries, f"{KEY_POINTS[0]}\nA point of my own.")
    assert [entry.text for entry in kept] == [KEY_POINTS[0]]


def test_the_kind_is_stored_and_old_rows_with_the_flag_read_as_edited() -> None:
    written = edit_part(Part("summary", TO_WRITE, "", prompt="Write it."), "Text.", "Ana")
    stored = written.to_json()
    assert (stored["kind"], stored["edited"]) == ("edited", True)
    assert "prompt" not in stored
    assert Part.from_json(stored) == written
    legacy = {
        "name": "summary",
        "kind": "machine_draft",
        "content": "The editor's words.",
        "prompt": "Check the summary.",
        "pending": "translation pending (en -> ja)",
        "flags": ["a claim"],
        "by": "editor Ana",
        "edited": True,
    }
    read = Part.from_json(legacy)
    assert read == Part("summary", EDITED, "The editor's words.", by="editor Ana")
    unedited = Part.from_json({"name": "summary", "kind": "prepared", "content": "x"})
    assert (unedited.kind, unedited.edited) == (PREPARED, False)
    assert "edited" not in unedited.to_json()


@PAGES
def test_an_edited_part_shows_the_text_and_a_note_not_the_prompt(page: Page) -> None:
    before = sections(page(example_stub()))["Expert Analysis"]
    assert "[to write]" in before
    assert PROMPT in before
    found = sections(page(edited(example_stub(), "expert_analysis", ANALYSIS)))
    shown = found["Expert Analysis"]
    assert shown.startswith(ANALYSIS)
    assert "edited by an editor" in shown
    for marker in ("[to write]", PROMPT, "[for the editor]", "check before publishing"):
        assert marker not in shown
    assert "[for the editor]" in found["Background and Context"], "others keep their marks"


@PAGES
def test_an_edited_machine_draft_loses_its_label_and_flags(page: Page) -> None:
    before = sections(page(example_stub()))["Summary"]
    assert "check before publishing" in before
    assert FLAGGED_CLAIM in before
    shown = sections(page(edited(example_stub(), "summary", "The desk's own summary.")))
    summary = shown["Summary"]
    assert summary.startswith("The desk's own summary.")
    for marker in ("machine draft", "check before publishing", FLAGGED_CLAIM, "[for the editor]"):
        assert marker not in summary
    assert "edited by an editor" in summary


@PAGES
def test_an_edited_translation_keeps_its_original_and_the_title_its_text(page: Page) -> None:
    stub = edited(example_stub(), "news_summary", "編集者が書いた要約。")
    stub = edited(stub, "title", "編集者の見出し")
    found = sections(page(stub))
    assert "編集者が書いた要約。" in found["News Summary"]
    assert "Original (en):" in found["News Summary"]
    assert "machine draft" not in found["News Summary"]
    assert "編集者の見出し" in found
    assert "machine draft" not in found["編集者の見出し"]


def test_an_edited_list_keeps_the_links_of_the_lines_kept() -> None:
    stub = example_stub()
    related = stub.part("related_news")
    assert related is not None
    title = related.entries[0].title
    assert title is not None
    stub = edited(stub, "related_news", f"{title} (env-news)\nA story I remember, unlinked.")
    soup = markdown_page(stub)
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links[f"{title} (env-news)"] == "https://news.example/basel-2025"
    assert "A story I remember, unlinked." not in links
    assert "A story I remember, unlinked." in sections(soup)["Related News"]


@pytest.mark.parametrize("name", ["key_points", "additional_data"])
def test_an_edited_list_shows_the_editors_lines_not_the_old_entries(name: str) -> None:
    stub = edited(example_stub(), name, "Only this line.")
    found = sections(markdown_page(stub))
    heading = "Key points" if name == "key_points" else "Additional Data and Fact Reinforcement"
    assert found[heading] == "Only this line. edited by an editor"


@PAGES
def test_a_japanese_stub_says_edited_in_japanese(page: Page) -> None:
    japanese = messages("ja")
    stub = edited(in_language(example_stub(), "ja"), "expert_analysis", "編集部の分析。")
    stub = with_part(stub, Part("summary", EDITED, "", by="editor Ana"))  # stored empty, as before
    found = sections(page(stub))
    assert found[japanese.heading("expert_analysis")] == f"編集部の分析。 {japanese('note.edited')}"
    assert found[japanese.heading("summary")].startswith(japanese("note.left_empty"))  # footer
