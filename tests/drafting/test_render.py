"""render_markdown and render_html: page order, marks of who made each part, hostile values.

The Markdown is read back through a CommonMark renderer (markdown-it, raw HTML enabled), so the
tests see what an editor's viewer would show, not what the text looks like.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aggregator.drafting.render import render_html, render_markdown
from aggregator.drafting.render_markdown import escape_markdown
from aggregator.stub_records import MACHINE_DRAFT, PREPARED, TO_WRITE, Entry, Part, Stub
from tests.drafting.examples import (
    ARTICLE_URL,
    FLAGGED_CLAIM,
    KEY_POINTS,
    SUMMARY_EN,
    TITLE_EN,
    TITLE_JA,
    example_stub,
    untranslated_stub,
    with_part,
)
from tests.helpers.stub_pages import (
    HEADING_TAGS,
    PAGES,
    Page,
    _soup,
    _text,
    headings,
    html_page,
    markdown_page,
    sections,
)

INTRO = "The following content was published online. A translated summary is presented below."
PENDING = "translation pending (en -> ja)"
SEED_HEADINGS = [
    "News Summary",
    "Source",
    "Our Commentary",
    "Background and Context",
    "Expert Analysis",
    "Key points",
    "Additional Data and Fact Reinforcement",
    "Related News",
    "Summary",
]
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PAGES
def test_headings_follow_the_seed_page(page: Page) -> None:
    found = headings(page(example_stub()))
    assert [text for _, text in found] == [TITLE_JA, *SEED_HEADINGS]
    levels = [level for level, _ in found]
    top = levels[0]
    assert levels == [top, top + 1, top + 2, top + 1] + [top + 2] * 6


def test_markdown_title_is_the_only_h1() -> None:
    soup = markdown_page(example_stub())
    assert [_text(h) for h in soup.find_all("h1")] == [TITLE_JA]


def test_html_fragment_starts_at_h2_for_embedding() -> None:
    soup = html_page(example_stub())
    assert soup.find("h1") is None
    assert _text(soup.find_all("h2")[0]) == TITLE_JA


@PAGES
def test_category_and_disclaimer_sit_between_title_and_summary(page: Page) -> None:
    text = _text(page(example_stub()))
    order = [TITLE_JA, "Category: Digital and AI", "[Disclaimer] This article", "News Summary"]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)


@PAGES
def test_translated_summary_has_intro_marker_and_original_beneath(page: Page) -> None:
    soup = page(example_stub())
    summary = sections(soup)["News Summary"]
    assert summary.startswith(INTRO)
    assert "[machine draft — deepl; check before publishing]" in summary
    assert PENDING not in summary
    translated = summary.index("2025年初頭")
    quote = soup.find_all("blockquote")[1]
    assert _text(quote).startswith("Original (en):")
    assert SUMMARY_EN.split(".")[0] in _text(quote)
    assert summary.index("Original (en):") > translated


@PAGES
def test_untranslated_summary_shows_pending_and_no_intro(page: Page) -> None:
    soup = page(untranslated_stub())
    summary = sections(soup)["News Summary"]
    assert INTRO not in _text(soup)
    assert PENDING not in summary  # said once for the page, not on each part
    note = "[translation pending (en -> ja): Title, News Summary are shown in the source language]"
    assert _text(soup).count("translation pending") == 1
    assert note in _text(soup)
    assert SUMMARY_EN.split(".")[0] in summary
    assert "machine draft" not in summary
    assert "prepared from extractive summary" in summary
    assert headings(soup)[0][1] == TITLE_EN


@PAGES
def test_machine_draft_parts_carry_a_visible_label_with_the_backend(page: Page) -> None:
    found = sections(page(example_stub()))
    assert "[machine draft — deepl; check before publishing]" in found[TITLE_JA]
    assert f"Original (en): {TITLE_EN}" in found[TITLE_JA]
    summary = found["Summary"]
    assert summary.startswith("[machine draft — openai:qwen2.5:7b; check before publishing]")
    assert "[for the editor] Check the summary against the article." in summary


def test_html_labels_are_marked_elements() -> None:
    marks = [_text(m) for m in html_page(example_stub()).find_all("mark")]
    assert "[machine draft — openai:qwen2.5:7b; check before publishing]" in marks
    assert "[to write]" in marks
    assert "[not found in the source; check these claims:]" in marks


def test_markdown_labels_are_emphasised() -> None:
    strong = [_text(s) for s in markdown_page(example_stub()).find_all("strong")]
    assert "[machine draft — deepl; check before publishing]" in strong
    assert "[to write]" in strong


@PAGES
def test_to_write_parts_show_their_prompt(page: Page) -> None:
    analysis = sections(page(example_stub()))["Expert Analysis"]
    assert analysis == (
        "[to write] Analyse what the expansion means for data sovereignty in the region."
    )


@PAGES
def test_prepared_parts_are_plain_with_a_note_of_origin(page: Page) -> None:
    found = sections(page(example_stub()))
    related = found["Related News"]
    assert related.endswith("prepared from archive")
    for marker in ("machine draft", "[to write]", "check before publishing"):
        assert marker not in related
    assert "[for the editor] Explain the background" in found["Background and Context"]


@PAGES
def test_flags_are_listed_as_a_warning(page: Page) -> None:
    summary = sections(page(example_stub()))["Summary"]
    assert f"[not found in the source; check these claims:] {FLAGGED_CLAIM}" in summary


@PAGES
def test_key_points_show_text_and_offsets(page: Page) -> None:
    stub = example_stub()
    key_points = stub.part("key_points")
    assert key_points is not None
    items = [_text(li) for li in _list_after(page(stub), "Key points")]
    expected = [f"{e.text} [chars {e.start}-{e.end}]" for e in key_points.entries]
    assert items == expected
    assert [item.split(" [chars")[0] for item in items] == list(KEY_POINTS)


@PAGES
def test_related_entries_link_title_with_date_and_feed(page: Page) -> None:
    soup = page(example_stub())
    (item,) = _list_after(soup, "Related News")
    link = item.find("a")
    assert isinstance(link, Tag)
    assert link["href"] == "https://news.example/basel-2025"
    assert _text(link) == "Basel Convention e-waste amendments take effect"
    assert _text(item).endswith("(2025-01-01, env-news)")
    (background,) = _list_after(soup, "Background and Context")
    assert _text(background).endswith("(2025-01-20, globalvoices)")


@PAGES
def test_figures_link_their_source_when_they_have_one(page: Page) -> None:
    first, second = _list_after(page(example_stub()), "Additional Data and Fact Reinforcement")
    assert first.find("a") is None
    link = second.find("a")
    assert isinstance(link, Tag)
    assert link["href"] == "https://news.example/ewaste-2030"
    assert _text(link) == "E-waste monitor"


@PAGES
def test_source_block_renders_what_the_part_holds(page: Page) -> None:
    source = sections(page(example_stub()))["Source"]
    for piece in ("Source: Global Voices", "Author: Example Author", "Licence: CC BY 3.0"):
        assert piece in source
    assert "prepared from source" in source


@PAGES
def test_stale_stub_starts_with_a_banner(page: Page) -> None:
    soup = page(example_stub(stale=True, stale_reason="content hash changed"))
    first = next(node for node in soup.children if isinstance(node, Tag))
    assert first.name == "p"
    assert "stale: content hash changed" in _text(first)
    assert "Stale: content hash changed" in _text(soup)


@PAGES
def test_fresh_stub_has_no_banner(page: Page) -> None:
    assert "stale" not in _text(page(example_stub())).lower()


@PAGES
def test_footer_shows_provenance(page: Page) -> None:
    soup = page(example_stub(state="reviewed"))
    hr = soup.find("hr")
    assert isinstance(hr, Tag)
    footer = " ".join(_text(n) for n in hr.find_next_siblings() if isinstance(n, Tag))
    for piece in (
        "Feed: globalvoices",
        f"Article: {ARTICLE_URL}",
        "Extraction: rule:globalvoices.org",
        "Content hash: 9f86d081884c",
        "Languages: en -> en",
        "Backends: deepl, openai:qwen2.5:7b",
        "Drafted: 2025-02-11T09:30:00+00:00",
        "State: reviewed",
    ):
        assert piece in footer
    assert "9f86d081884c7" not in footer


@PAGES
def test_stub_level_pending_and_errors_are_visible(page: Page) -> None:
    text = _text(page(example_stub(pending="daily budget spent", errors=("deepl: timeout",))))
    assert "[pending: daily budget spent]" in text
    assert "Errors: deepl: timeout" in text


@PAGES
def test_machine_draft_without_backend_and_unknown_kinds_are_still_marked(page: Page) -> None:
    stub = with_part(example_stub(), Part("expert_analysis", MACHINE_DRAFT, "Drafted text."))
    stub = with_part(stub, Part("summary", "mystery", "Who wrote this?"))
    found = sections(page(stub))
    assert found["Expert Analysis"].startswith("[machine draft — unknown backend;")
    assert found["Summary"].startswith("[unknown kind 'mystery'; check before publishing]")


@PAGES
def test_missing_parts_are_left_out(page: Page) -> None:
    stub = example_stub()
    kept = tuple(p for p in stub.parts if p.name in ("title", "news_summary"))
    found = [text for _, text in headings(page(dataclasses.replace(stub, parts=kept)))]
    assert found == [TITLE_JA, "News Summary"]


HOSTILE_TITLE = "<img src=x onerror=alert(1)>[click](javascript:alert(1)) *x* `c` <script>"
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_HTML = '"><svg onload=alert(1)><a href="javascript:alert(2)">x</a>'


def hostile_stub() -> Stub:
    stub = example_stub(
        url=HOSTILE_URL,
        stale=True,
        stale_reason=HOSTILE_HTML,
        pending="<iframe src=javascript:alert(3)>",
        errors=("![i](javascript:alert(4))",),
    )
    entry = Entry(
        text=HOSTILE_HTML,
        title="[t](javascript:alert(5)) <b onmouseover=alert(6)>b</b>",
        url=HOSTILE_URL,
        published='2025"><script>',
        source="<style>*{}</style>",
    )
    parts = (
        Part("title", PREPARED, HOSTILE_TITLE, by=HOSTILE_HTML, pending=HOSTILE_HTML),
        Part("category", PREPARED, "# heading\n- item"),
        Part(
            "news_summary",
            MACHINE_DRAFT,
            "<script>alert(7)</script>\n\n# Not a heading\n\n[x](http://evil.example/)",
            original="<img src=y onerror=alert(8)>\n    indented code",
            by=HOSTILE_HTML,
            flags=("<iframe>", "1. not a list"),
        ),
        Part("related_news", PREPARED, "", entries=(entry,)),
        Part("expert_analysis", TO_WRITE, "", prompt="<a href=javascript:alert(9)>x</a>"),
    )
    return dataclasses.replace(stub, parts=parts)


MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "a", "strong", "em", "blockquote", "hr"}
HTML_TAGS = {"h2", "h3", "h4", "p", "ul", "li", "a", "strong", "em", "small", "mark"}
HTML_TAGS |= {"blockquote", "hr"}


@pytest.mark.parametrize(
    ("page", "allowed"), [(markdown_page, MARKDOWN_TAGS), (html_page, HTML_TAGS)]
)
def test_hostile_values_stay_text(page: Page, allowed: set[str]) -> None:
    soup = page(hostile_stub())
    assert {tag.name for tag in soup.find_all(True)} <= allowed
    for tag in soup.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")]
        assert set(tag.attrs) <= {"href", "rel"}
    assert [a.get("href") for a in soup.find_all("a")] == []
    assert headings(soup)[0][1] == " ".join(HOSTILE_TITLE.split())
    text = _text(soup)
    assert "<script>alert(7)</script>" in text
    assert "[x](http://evil.example/)" in text
    assert "# Not a heading" in text
    assert "Category: # heading - item" in text


def test_hostile_markdown_keeps_only_our_links() -> None:
    stub = with_part(
        example_stub(),
        Part("summary", MACHINE_DRAFT, "[evil](https://evil.example/) <https://evil.example/>"),
    )
    hrefs = {a["href"] for a in markdown_page(stub).find_all("a")}
    assert "https://evil.example/" not in hrefs
    assert ARTICLE_URL in hrefs


def test_html_link_urls_are_escaped_attributes() -> None:
    url = 'https://news.example/a?b=1&c="><script>alert(1)</script>'
    entry = Entry(text="t", title="quoted", url=url)
    stub = with_part(example_stub(), Part("related_news", PREPARED, "", entries=(entry,)))
    soup = html_page(stub)
    assert soup.find("script") is None
    (item,) = _list_after(soup, "Related News")
    link = item.find("a")
    assert isinstance(link, Tag)
    assert str(link["href"]).startswith("https://news.example/a?b=1&c=")


def test_markdown_link_destination_cannot_be_closed_early() -> None:
    url = "https://news.example/a>b)c d\\e<f"
    entry = Entry(text="t", title="odd", url=url)
    stub = with_part(example_stub(), Part("related_news", PREPARED, "", entries=(entry,)))
    (item,) = _list_after(markdown_page(stub), "Related News")
    link = item.find("a")
    assert isinstance(link, Tag)
    assert _text(link) == "odd"
    assert str(link["href"]).startswith("https://news.example/a%3Eb)c%20d%5Ce%3Cf")


MARKDOWN_CHARS = st.one_of(
    st.sampled_from([*"#*_[]()<>!`\\|~&-+=.:;@$ \n\t", "http", "www.", "1.", "---"]),
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
)


@SETTINGS
@given(st.lists(MARKDOWN_CHARS, max_size=40).map("".join))
def test_escaped_text_renders_as_itself_everywhere(text: str) -> None:
    expected = " ".join(_visible(text).split())
    escaped = escape_markdown(text)
    renderer = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    for markup, tag in ((escaped, "p"), (f"# {escaped}", "h1"), (f"- {escaped}", "li")):
        soup = _soup(renderer.render(markup))
        names = {t.name for t in soup.find_all(True)}
        assert names <= {tag, "ul"}
        assert " ".join(soup.get_text().split()) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(MARKDOWN_CHARS, min_size=1, max_size=30).map("".join))
def test_any_title_is_the_html_heading_text(title: str) -> None:
    stub = with_part(example_stub(), Part("title", PREPARED, title))
    soup = html_page(stub)
    expected = " ".join(_visible(title).split()) or "(untitled)"
    assert _text(soup.find_all("h2")[0]) == expected


def _visible(text: str) -> str:
    """What a reader sees of `text`: control characters are dropped before rendering."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", "", text)


def _list_after(soup: BeautifulSoup, heading: str) -> list[Tag]:
    start = next(h for h in soup.find_all(HEADING_TAGS) if _text(h) == heading)
    for node in start.find_next_siblings():
        if node.name in HEADING_TAGS:
            break
        if node.name == "ul":
            return list(node.find_all("li"))
    raise AssertionError(f"no list under {heading!r}")


def test_bare_urls_cannot_become_extended_autolinks() -> None:
    escaped = escape_markdown("see https://evil.example, HTTP://x.example and www.evil.example")
    assert "https\\://evil" in escaped
    assert "HTTP\\://x" in escaped
    assert "www\\.evil" in escaped
    assert "://" not in escaped.replace("\\:", "")


def test_list_parts_show_their_entries_once() -> None:
    stub = example_stub()
    part = stub.part("key_points")
    assert part is not None
    assert part.content
    markdown, html = render_markdown(stub), render_html(stub)
    for entry in part.entries:
        assert markdown.count(escape_markdown(entry.text)) == 1
        assert BeautifulSoup(html, "html.parser").get_text().count(entry.text) == 1
