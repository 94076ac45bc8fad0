"""Which texts of a stub are translated, and how their translations are laid back: pure."""

from __future__ import annotations

from aggregator.drafting.messages import messages
from aggregator.drafting.translation import apply_translations, mark_pending, pieces
from aggregator.stub_records import EDITED, PREPARED, Entry, Part

LINK = Entry(
    text="Floods close the port",
    url="https://news.example/1",
    title="Floods close the port",
    published="2026-11-01",
    source="city",
    score=0.42,
)
FIGURE = Entry(text="Rain raised the river by 2.4 metres.", start=0, end=36, url="https://e/a")


def parts() -> list[Part]:
    return [
        Part("title", PREPARED, "A title", by="source"),
        Part("key_points", PREPARED, "One.\nTwo.", entries=(Entry("One."), Entry("Two."))),
        Part("additional_data", PREPARED, FIGURE.text, entries=(FIGURE,)),
        Part("related_news", PREPARED, "Floods close the port (city)", entries=(LINK,)),
        Part("summary", EDITED, "An editor's words."),
    ]


def test_every_reader_visible_text_is_a_piece_and_edited_parts_are_left_alone() -> None:
    names = [p.name for p in pieces(parts())]
    assert names == ["title", "key_points.0", "key_points.1", "additional_data.0", "related_news.0"]
    assert pieces(parts())[-1].text == "Floods close the port"


def test_translations_keep_the_original_and_the_shape_of_entries() -> None:
    texts = {p.name: f"[ja] {p.text}" for p in pieces(parts())}
    done = apply_translations(
        parts(), texts, by="deepl", sources=[FIGURE.text], words=messages("ja")
    )
    assert pieces(done) == []
    link = done[3].entries[0]
    assert link.title == link.text == "[ja] Floods close the port"
    assert link.original == "Floods close the port"
    assert (link.url, link.published, link.source, link.score) == (
        LINK.url,
        LINK.published,
        LINK.source,
        LINK.score,
    )
    assert done[3].kind == "machine_draft"
    assert done[3].content == "[ja] Floods close the port (city, 2026-11-01)"
    figure = done[2].entries[0]
    assert figure.original == FIGURE.text
    assert (figure.url, figure.start, figure.end) == (FIGURE.url, 0, 36)
    assert done[2].flags == ()
    data = done[3].to_json()["entries"][0]
    assert set(data) == {"text", "url", "title", "published", "source", "score", "original"}
    assert done[4] == parts()[4]


def test_a_translated_figure_with_an_invented_number_is_flagged_in_the_stub_language() -> None:
    texts = {"additional_data.0": "川の水位は9.9メートル上昇した。"}
    done = apply_translations(parts(), texts, by="m", sources=[FIGURE.text], words=messages("ja"))
    (flag,) = done[2].flags
    assert flag.startswith("数値「9.9")
    assert flag.endswith("」は原文にありません")


def test_a_part_half_translated_stays_pending_and_the_rest_are_marked() -> None:
    texts = {"key_points.0": "[ja] One."}
    done = apply_translations(parts(), texts, by="m", sources=[], words=messages("ja"))
    marked = mark_pending(done, "translation pending (en -> ja)")
    pending = {p.name for p in marked if p.pending}
    assert pending == {"title", "key_points", "additional_data", "related_news"}
    assert [p.name for p in pieces(marked)] == [
        "title",
        "key_points.1",
        "additional_data.0",
        "related_news.0",
    ]
