"""The editors' desk in a real browser (Debian's headless Chromium through Playwright): review
and approve a stub, with and without JavaScript, see hostile feed values shown as text
without anything running, and two editors saving the same stub without losing either's text.

Deselect with `-m "not browser"`; skipped with the reason when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import feedparser
import pytest

from aggregator.storage.tables import articles, items
from tests.web.conftest import Web
from tests.web.editing import DAM, VOTE, stub_id, update

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="the dev extra installs playwright")
expect = sync_api.expect

XSS_TITLE = '<img src=x onerror="window.__xss=1;alert(1)">'
XSS_TEXT = (
    "Plain start.\n\n<script>window.__xss=2;alert(2)</script>\n\n<b onmouseover=alert(3)>end</b>"
)
XSS_PART = '<svg onload="window.__xss=3"></svg><script>alert(4)</script>'


def approved_digest_titles(web: Web) -> list[str]:
    response = web.client.get("/digest.atom")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [entry.title for entry in parsed.entries]


@pytest.mark.parametrize("config_extra", ['[digest]\nstates = "approved"\n'])
def test_an_editor_edits_reviews_and_approves_a_stub(
    web: Web, page: Page, watched: dict[str, list[str]], tmp_path: Path
) -> None:
    assert approved_digest_titles(web) == []  # the digest shows approved stubs only
    page.goto(web.base_url + "/")
    expect(page).to_have_url(web.base_url + "/stubs")
    expect(page.locator("td.title a")).to_have_count(2)
    page.screenshot(path=tmp_path / "list.png", full_page=True)

    page.get_by_role("link", name=VOTE).click()
    expect(page.locator("h1")).to_have_text(VOTE)
    expect(page.locator(".source-text")).to_contain_text("The city council voted 31 to 9")

    page.locator("form.move input[name=editor]").fill("Ana Horvat")
    summary = page.locator("#part-summary")
    expect(page.locator("#parts input[name=editor]")).to_have_value("Ana Horvat")  # desk.js
    expect(summary.locator(".kind")).to_have_text("to write")
    expect(summary.locator(".prompt")).to_have_count(1)
    prompt = summary.locator(".prompt").inner_text()  # in the stub's language
    expect(page.locator(".rendered")).to_contain_text(prompt)
    summary.locator("textarea").fill("The defences are voted; work starts in March.")
    page.locator("#parts button.save").click()
    expect(page.locator(".flash")).to_have_text("Saved Summary.")
    expect(page.locator("#part-summary .edited")).to_have_text("edited by Ana Horvat")
    expect(page.locator(".rendered")).to_contain_text("work starts in March")
    # Written, the part is edited: no kind label, no prompt, none in the preview either.
    expect(summary).to_have_class(re.compile(r"\bkind-edited\b"))
    expect(summary.locator(".kind")).to_have_count(0)
    expect(summary.locator(".prompt")).to_have_count(0)
    expect(page.locator(".rendered")).not_to_contain_text(prompt)

    move = page.locator("form.move")
    expect(move.locator("input[name=editor]")).to_have_value("Ana Horvat")
    move.get_by_role("button", name="reviewed").click()
    expect(page.locator(".flash")).to_have_text("Moved to reviewed.")
    page.locator("form.move").get_by_role("button", name="approved").click()
    expect(page.locator(".flash")).to_have_text("Moved to approved.")
    expect(page.locator(".state-now")).to_have_text("approved")
    expect(page.locator(".changed-by")).to_have_text("Ana Horvat")
    expect(page.locator(".history tbody tr").first).to_contain_text("reviewed → approved")
    page.screenshot(path=tmp_path / "stub.png")
    page.screenshot(path=tmp_path / "stub-full.png", full_page=True)

    assert web.ctx.desk.get(stub_id(web, VOTE)).state == "approved"
    assert approved_digest_titles(web) == [VOTE]
    assert watched == {"dialogs": [], "csp": []}


def test_the_desk_works_without_javascript(web: Web, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{web.base_url}/stubs/{stub_id(web, VOTE)}")
        move = page.locator("form.move")
        move.locator("input[name=editor]").fill("Ben")
        move.get_by_role("button", name="rejected").click()
        expect(page.locator(".state-now")).to_have_text("rejected")
        expect(page.locator(".changed-by")).to_have_text("Ben")
    finally:
        context.close()


def test_hostile_values_are_text_and_nothing_runs(
    web: Web, page: Page, watched: dict[str, list[str]]
) -> None:
    item_id = stub_id(web, VOTE)
    update_hostile(web, item_id)
    page.goto(web.base_url + "/stubs")
    link = page.locator(f'td.title a[href="/stubs/{item_id}"]')
    expect(link).to_have_text(XSS_TITLE)
    assert page.locator("td.title img").count() == 0

    link.click()
    expect(page.locator("h1")).to_have_text(XSS_TITLE)
    expect(page.locator(".source-text p").nth(1)).to_have_text(
        "<script>window.__xss=2;alert(2)</script>"
    )
    expect(page.locator("#content-summary")).to_have_value(XSS_PART)
    expect(page.locator(".rendered")).to_contain_text(XSS_TITLE)
    assert page.locator("main img, main svg, main script, main b").count() == 0

    assert page.evaluate("window.__xss") is None
    assert watched == {"dialogs": [], "csp": []}


def update_hostile(web: Web, item_id: int) -> None:
    update(web, items, item_id, title=XSS_TITLE)
    update(web, articles, item_id, title=XSS_TITLE, text=XSS_TEXT)
    now = web.ctx.app.clock()
    web.ctx.desk.edit(item_id, "title", XSS_TITLE, "Feed", now)
    web.ctx.desk.edit(item_id, "summary", XSS_PART, "Feed", now)


def test_fetch_now_from_the_feeds_page(web: Web, page: Page, tmp_path: Path) -> None:
    page.goto(web.base_url + "/stubs")
    page.get_by_role("link", name="Feeds").click()
    row = page.locator("#feed-city")
    expect(row.locator(".status")).to_have_text("ok")
    page.screenshot(path=tmp_path / "feeds.png")
    row.get_by_role("button", name="Fetch now").click()
    expect(page.locator(".flash")).to_have_text("Fetching city now; reload in a moment.")
    assert web.fetches.calls == [("city",)]


def test_chromium_shows_the_favicon_as_a_16_pixel_icon(web: Web, page: Page) -> None:
    page.goto(web.base_url + "/favicon.ico")
    size = page.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [16, 16]
    corner, line = page.evaluate(
        """() => {
            const canvas = document.createElement("canvas");
            canvas.width = canvas.height = 16;
            const drawing = canvas.getContext("2d");
            drawing.drawImage(document.images[0], 0, 0);
            const at = (x, y) => Array.from(drawing.getImageData(x, y, 1, 1).data);
            return [at(0, 0), at(5, 4)];
        }"""
    )
    assert corner == [0x1F, 0x2B, 0x33, 255]  # the dark ground
    assert line == [0xF5, 0xF5, 0xF5, 255]  # a light line


def test_the_category_is_chosen_from_the_config_and_saved(web: Web, page: Page) -> None:
    item_id = stub_id(web, VOTE)
    web.ctx.desk.edit(item_id, "category", "", "Ben", web.ctx.app.clock())  # to write again
    page.goto(f"{web.base_url}/stubs/{item_id}")
    form = page.locator("#part-category")
    expect(form.locator("select[name=content-category] option")).to_have_text(
        ["(to write)", "General"]
    )
    form.locator("select[name=content-category]").select_option("General")
    page.locator("#parts input[name=editor]").fill("Ana")
    page.locator("#parts button.save").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text("Saved")
    part = web.ctx.desk.get(item_id).part("category")
    assert part is not None
    assert (part.kind, part.content) == ("edited", "General")


BENS = "Ben: the port reopens on Friday, the harbour master says."
ANAS = "Ana: the port stays shut until the river falls below 3 metres."


@pytest.fixture
def editors(browser: Browser) -> Iterator[tuple[Page, Page]]:
    """Two editors on one stub: each a browser context of its own (own cookies, own form
    tokens)."""
    first, second = browser.new_context(), browser.new_context()
    try:
        yield first.new_page(), second.new_page()
    finally:
        first.close()
        second.close()


def test_the_second_of_two_editors_sees_both_texts_and_loses_nothing(
    web: Web, editors: tuple[Page, Page], tmp_path: Path
) -> None:
    ben, ana = editors
    item_id = stub_id(web, DAM)
    url = f"{web.base_url}/stubs/{item_id}"
    ben.goto(url)
    ana.goto(url)  # both open the same version

    ben.locator("#content-summary").fill(BENS)
    ben.locator("#parts input[name=editor]").fill("Ben")
    ben.locator("#parts button.save").click()
    expect(ben.locator(".flash")).to_have_text("Saved Summary.")

    ana.locator("#content-summary").fill(ANAS)
    ana.locator("#content-background").fill("Ana's background.")
    ana.locator("#parts input[name=editor]").fill("Ana")
    ana.locator("#parts button.save").click()

    expect(ana.locator(".error")).to_contain_text("Not saved: someone else changed this stub")
    conflict = ana.locator("#part-summary .conflict")
    expect(conflict.locator(".theirs")).to_contain_text(BENS)
    expect(conflict.locator(".theirs")).to_contain_text("by Ben")
    expect(conflict.locator(".yours")).to_contain_text(ANAS)
    expect(ana.locator("#content-summary")).to_have_value(ANAS)
    expect(ana.locator("#content-background")).to_have_value("Ana's background.")
    expect(ana.locator("#part-background .conflict")).to_have_count(0)
    ana.screenshot(path=tmp_path / "conflict.png", full_page=True)
    summary = web.ctx.desk.get(item_id).part("summary")
    assert summary is not None
    assert summary.content == BENS, "Ben's save stands; Ana's changed nothing"

    ana.locator("#parts button.save").click()  # Ana keeps hers, over Ben's version
    expect(ana.locator(".flash")).to_contain_text("Saved")
    stub = web.ctx.desk.get(item_id)
    saved = {p.name: p.content for p in stub.parts}
    assert (saved["summary"], saved["background"]) == (ANAS, "Ana's background.")
    history = [(e.who, e.detail) for e in web.ctx.desk.events(item_id)]
    assert history == [("Ben", "summary"), ("Ana", "background"), ("Ana", "summary")]


def test_leaving_with_unsaved_parts_asks_first(web: Web, browser: Browser) -> None:
    """A state button pressed with a part changed but not saved: the page asks before it
    leaves, and staying keeps the text and the state; after Save, the buttons just work."""
    context = browser.new_context()
    asked: list[str] = []
    try:
        page = context.new_page()

        def stay(dialog: Any) -> None:
            asked.append(dialog.type)
            dialog.dismiss()

        page.on("dialog", stay)
        item_id = stub_id(web, DAM)
        page.goto(f"{web.base_url}/stubs/{item_id}")
        page.locator("form.move input[name=editor]").fill("Ana")
        page.locator("#content-summary").fill(ANAS)
        page.locator("form.move").get_by_role("button", name="reviewed").click()
        page.wait_for_timeout(500)
        assert asked == ["beforeunload"]
        expect(page.locator("#content-summary")).to_have_value(ANAS)
        assert web.ctx.desk.get(item_id).state == "draft"

        page.locator("#parts button.save").click()
        expect(page.locator(".flash")).to_have_text("Saved Summary.")
        page.locator("form.move").get_by_role("button", name="reviewed").click()
        expect(page.locator(".flash")).to_have_text("Moved to reviewed.")
        assert asked == ["beforeunload"]
    finally:
        context.close()
