"""Accounts on the desk in Chromium: an editor signs in, edits and marks a stub reviewed, sees no
approve button and is refused by the API when the page asks it to approve anyway; a reviewer
approves; the history names both accounts. A wrong password is refused, and after several the
next try is slowed even with the right one; signing out ends the session for good.

Deselect with `-m "not browser"`; skipped with the reason when /usr/bin/chromium is absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from aggregator.web.pages.signin import WRONG
from tests.web.conftest import Web
from tests.web.editing import VOTE, stub_id
from tests.web.signing import PASSWORDS, add_accounts, stopped_clock

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="the dev extra installs playwright")
expect = sync_api.expect

SLOWED = "too many failed sign-ins for this account or address: try again in"
# The page asks the API to approve, as a script of the editor's own page could.
APPROVE_FROM_PAGE = """async (itemId) => {
    const read = await fetch(`/api/stubs/${itemId}`, {credentials: "same-origin"});
    const moved = await fetch(`/api/stubs/${itemId}/state`, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "If-Match": read.headers.get("ETag")},
        body: JSON.stringify({state: "approved"}),
    });
    return {read: read.status, status: moved.status, body: await moved.text()};
}"""


def sign_in_on_page(page: Page, name: str, password: str | None = None) -> None:
    """Fill the login form the page shows and send it."""
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORDS[name] if password is None else password)
    page.get_by_role("button", name="Sign in").click()


def test_an_editor_edits_a_reviewer_approves_and_the_history_names_them(
    web: Web, page: Page, watched: dict[str, list[str]]
) -> None:
    add_accounts(web, "ana", "rita")
    item_id = stub_id(web, VOTE)
    stub_page = f"{web.base_url}/stubs/{item_id}"

    page.goto(stub_page)  # nobody yet: the login form, which comes back here
    expect(page).to_have_url(f"{web.base_url}/login?next=%2Fstubs%2F{item_id}")
    sign_in_on_page(page, "ana")
    expect(page).to_have_url(stub_page)
    expect(page.locator("#signed-in-as")).to_have_text("ana")
    expect(page.locator("input[name=editor]")).to_have_count(0)  # the account is the name
    expect(page.locator("#first-run")).to_have_count(0)

    page.locator("#content-summary").fill("The defences are voted; work starts in March.")
    page.locator("#parts button.save").click()
    expect(page.locator(".flash")).to_have_text("Saved Summary.")
    expect(page.locator("#part-summary .edited")).to_have_text("edited by ana")
    move = page.locator("form.move")
    expect(move.locator("button")).to_have_text(["reviewed"])  # no reject, no approve
    move.get_by_role("button", name="reviewed").click()
    expect(page.locator(".flash")).to_have_text("Moved to reviewed.")
    expect(page.locator(".state-now")).to_have_text("reviewed")
    expect(page.locator("button.to-approved")).to_have_count(0)
    expect(page.locator("form.move")).to_have_count(0)  # nothing an editor may move it to

    refused = page.evaluate(APPROVE_FROM_PAGE, item_id)
    assert refused["read"] == 200
    assert refused["status"] == 403, refused
    assert "reviewer" in refused["body"]
    assert web.ctx.desk.get(item_id).state == "reviewed"

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{web.base_url}/login")
    expect(page.locator(".flash")).to_have_text("Signed out.")

    page.goto(stub_page)
    sign_in_on_page(page, "rita")
    expect(page.locator("#signed-in-as")).to_have_text("rita")
    page.locator("form.move").get_by_role("button", name="approved").click()
    expect(page.locator(".flash")).to_have_text("Moved to approved.")
    expect(page.locator(".state-now")).to_have_text("approved")
    expect(page.locator(".changed-by")).to_have_text("rita")
    history = page.locator(".history tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("rita")
    expect(history.nth(0)).to_contain_text("reviewed → approved")
    expect(history.nth(1)).to_contain_text("ana")
    expect(history.nth(1)).to_contain_text("draft → reviewed")
    expect(history.nth(2)).to_contain_text("ana")
    expect(history.nth(2)).to_contain_text("edited")

    whos = {event.who for event in web.ctx.desk.events(item_id)}
    assert whos == {"ana", "rita"}

    page.set_viewport_size({"width": 400, "height": 800})  # a phone: the header wraps
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    assert watched == {"dialogs": [], "csp": []}


def test_wrong_passwords_are_refused_then_slowed_and_signing_out_ends_the_session(
    web: Web, browser: Browser
) -> None:
    clock = stopped_clock(web)  # the lock-out's delay passes when the test says
    add_accounts(web, "ana")
    context = browser.new_context(java_script_enabled=False)  # plain forms do it all
    try:
        page = context.new_page()
        page.goto(f"{web.base_url}/stubs")
        for n in range(3):  # [web] failures_before_delay = 3
            sign_in_on_page(page, "ana", f"a guess, number {n}")
            expect(page.locator(".error")).to_have_text(WRONG)
            expect(page.get_by_label("Password")).to_have_value("")
        sign_in_on_page(page, "ana")  # the right password, too soon: not even checked
        expect(page.locator(".error")).to_contain_text(f"{SLOWED} 1 s")
        assert not [c for c in context.cookies() if c["name"] == "session"]

        clock.advance(1.5)
        sign_in_on_page(page, "ana")
        expect(page).to_have_url(f"{web.base_url}/stubs")
        expect(page.locator("#signed-in-as")).to_have_text("ana")
        session = [c for c in context.cookies() if c["name"] == "session"]
        assert len(session) == 1
        assert session[0]["httpOnly"]
        assert session[0]["sameSite"] == "Lax"

        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(f"{web.base_url}/login")
        assert not [c for c in context.cookies() if c["name"] == "session"]
    finally:
        context.close()

    replayed = browser.new_context(java_script_enabled=False)
    try:
        old: SetCookieParam = {"name": "session", "value": session[0]["value"], "url": web.base_url}
        replayed.add_cookies([old])  # the old cookie, kept by someone
        page = replayed.new_page()
        page.goto(f"{web.base_url}/stubs")
        expect(page).to_have_url(f"{web.base_url}/login?next=%2Fstubs")
        expect(page.locator("h1")).to_have_text("Sign in")
    finally:
        replayed.close()
