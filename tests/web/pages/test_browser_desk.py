"""The desk for a working day in Chromium: keyboard shortcuts on the list and a stub's page, and
the layout of a 400 px wide phone (no sideways scrolling, titles wrapped between words, every
"Fetch now" on screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from aggregator.storage.tables import articles
from tests.web.conftest import Web
from tests.web.editing import DAM, VOTE, stub_id, update

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="the dev extra installs playwright")
expect = sync_api.expect

LONG_TITLE = (
    "Internationalisation responsibilities overwhelm extraordinarily bureaucratic "
    "counterrevolutionaries in Kleinwalsertal"
)
# Where the text of an element wraps: the character before each line's first one.
LINE_BREAKS = """(element) => {
    const node = element.firstChild;
    const text = node.textContent;
    const range = document.createRange();
    const before = [];
    let top = null;
    for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) continue;
        if (top !== null && rects[0].top > top + 2) before.push(text[i - 1]);
        top = rects[0].top;
    }
    return before;
}"""
SIDEWAYS = "[document.documentElement.scrollWidth, window.innerWidth]"


def test_keys_move_check_open_edit_and_approve(
    web: Web, page: Page, watched: dict[str, list[str]]
) -> None:
    page.goto(web.base_url + "/stubs?sort=drafted")
    rows = page.locator("table.stubs tbody tr")
    expect(rows).to_have_count(2)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class("current")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("current")
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class("current")
    page.keyboard.press("x")
    expect(rows.nth(0).locator("input[type=checkbox]")).to_be_checked()
    page.keyboard.press("x")
    expect(rows.nth(0).locator("input[type=checkbox]")).not_to_be_checked()

    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("approve")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()

    search = page.locator("input[name=q]")
    search.focus()
    page.keyboard.type("jk?x")  # typed into the field, not taken as keys
    expect(search).to_have_value("jk?x")
    expect(page.locator("#shortcuts")).to_be_hidden()
    expect(rows.nth(0)).to_have_class("current")
    expect(rows.nth(0).locator("input[type=checkbox]")).not_to_be_checked()

    first = rows.nth(0).locator("td.title a").inner_text()
    page.locator("main h1").click()  # out of the field
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(first)
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id").startswith("content-")
    page.locator("form.move input[name=editor]").fill("Ana")
    page.locator("main h1").click()
    page.keyboard.press("a")  # a draft has no approve button: nothing happens
    expect(page.locator(".state-now")).to_have_text("draft")
    page.locator("form.move").get_by_role("button", name="reviewed").click()
    expect(page.locator(".state-now")).to_have_text("reviewed")
    page.keyboard.press("a")
    expect(page.locator(".flash")).to_have_text("Moved to approved.")
    expect(page.locator(".state-now")).to_have_text("approved")
    item_id = stub_id(web, first)
    assert web.ctx.desk.get(item_id).state == "approved"

    page.keyboard.press("j")  # the next stub of the same list
    second = DAM if first == VOTE else VOTE
    expect(page.locator("h1")).to_have_text(second)
    assert "sort=drafted" in page.url
    page.keyboard.press("k")
    expect(page.locator("h1")).to_have_text(first)
    assert watched == {"dialogs": [], "csp": []}


def test_keys_reject_the_checked_rows_through_the_bulk_form(web: Web, page: Page) -> None:
    page.goto(web.base_url + "/stubs")
    page.locator("#editor-bulk").fill("Ben")
    page.locator("main h1").click()
    page.keyboard.press("j")
    page.keyboard.press("x")
    title = page.locator("table.stubs tr.current td.title a").inner_text()
    page.keyboard.press("r")
    expect(page.locator(".flash")).to_have_text("Rejected 1 stub.")
    assert web.ctx.desk.get(stub_id(web, title)).state == "rejected"
    page.locator("#pick-all").check()
    expect(page.locator("table.stubs tbody input[type=checkbox]:checked")).to_have_count(2)


@pytest.mark.parametrize("path", ["/stubs", "/stub", "/feeds"])
def test_a_400_pixel_screen_never_scrolls_sideways(web: Web, browser: Browser, path: str) -> None:
    item_id = stub_id(web, DAM)
    update(web, articles, item_id, title=LONG_TITLE)
    web.ctx.desk.edit(item_id, "title", LONG_TITLE, "Ana", web.ctx.app.clock())
    context = browser.new_context(viewport={"width": 400, "height": 800})
    try:
        phone = context.new_page()
        phone.goto(web.base_url + (f"/stubs/{item_id}" if path == "/stub" else path))
        width, inner = phone.evaluate(SIDEWAYS)
        assert width <= inner
        if path == "/feeds":
            buttons = phone.get_by_role("button", name="Fetch now")
            assert buttons.count() >= 1
            for n in range(buttons.count()):
                box = buttons.nth(n).bounding_box()
                assert box is not None
                assert box["x"] >= 0
                assert box["x"] + box["width"] <= inner
        else:
            title = phone.locator("td.title a, main h1", has_text=LONG_TITLE[:20]).first
            expect(title).to_have_text(LONG_TITLE)
            style = title.evaluate(
                "e => { const s = getComputedStyle(e); return [s.overflowWrap, s.wordBreak]; }"
            )
            assert style[0] in ("normal", "break-word")
            assert style[1] in ("normal", "keep-all")
            before = title.evaluate(LINE_BREAKS)
            assert before, "a title this long wraps at 400 px"
            assert set(before) == {" "}  # every line starts after a space, none mid-word
    finally:
        context.close()
