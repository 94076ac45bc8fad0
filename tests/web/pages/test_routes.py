"""The editors' pages over real HTTP: the filtered list, a stub beside its source, edits and
moves through forms (Post/Redirect/Get), the feeds page, and feed values shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from aggregator.config import Config
from aggregator.drafting.messages import messages
from aggregator.storage.tables import articles, items
from aggregator.web.pages.stub_form import digest
from tests.web.conftest import Web, open_web
from tests.web.editing import (
    DAM,
    VOTE,
    clone_stubs,
    diversify,
    post_form,
    save_parts,
    stub_id,
    update,
)

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = "Calm first paragraph.\n\n<script>alert('source')</script> and more.\n\nLast one."
_ROW_TITLES = re.compile(r'<td class="title"><a href="/stubs/\d+(?:\?[^"]*)?">([^<]*)</a>')


def row_titles(html: str) -> list[str]:
    return _ROW_TITLES.findall(html)


def listed(web: Web, query: str) -> set[str]:
    response = web.client.get("/stubs?" + query)
    assert response.status_code == 200, response.text
    return set(row_titles(response.text))


def make_hostile(web: Web, item_id: int) -> None:
    """A feed that sends markup in its title and article text."""
    update(web, items, item_id, title=HOSTILE_TITLE)
    update(web, articles, item_id, title=HOSTILE_TITLE, text=HOSTILE_TEXT)
    web.ctx.desk.edit(item_id, "title", HOSTILE_TITLE, "Feed", web.ctx.app.clock())


def test_home_goes_to_the_list(web: Web) -> None:
    response = web.client.get("/")
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"] == "/stubs"


def test_the_list_shows_each_stub_with_its_columns(web: Web) -> None:
    response = web.client.get("/stubs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert sorted(row_titles(page)) == sorted([DAM, VOTE])
    assert f'href="/stubs/{stub_id(web, DAM)}"' in page
    assert "Stubs 1 to 2 of 2" in page
    assert 'draft <span class="count">2</span>' in page
    assert "<td>city</td>" in page
    assert "<td>General</td>" in page
    assert "en → ja" in page
    assert re.search(r'<td class="num">\d\.\d\d</td>', page)
    assert re.search(r'<td class="when">\d{4}-\d\d-\d\d \d\d:\d\d UTC</td>', page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {DAM, VOTE}),
        ("state=reviewed", {VOTE}),
        ("state=draft", {DAM}),
        ("state=draft&state=reviewed", {DAM, VOTE}),
        ("feed=city", {DAM, VOTE}),
        ("feed=elsewhere", set()),
        ("category=Politics", {VOTE}),
        ("category=General", {DAM}),
        ("language=hr", {VOTE}),
        ("language=en", {DAM}),
        ("stale=yes", {VOTE}),
        ("stale=no", {DAM}),
        ("min_quality=0.5", {DAM}),
        ("min_quality=0.2", {DAM, VOTE}),
        ("q=votes", {VOTE}),
        ("q=council", {DAM, VOTE}),  # the dam's article: "The city council approved"
        ("q=RIVER+port", {DAM}),
        ("q=flood", {DAM, VOTE}),
        ("state=&feed=&category=&language=&stale=&min_quality=&q=", {DAM, VOTE}),
        ("state=draft&feed=city&category=General&language=en&stale=no&q=port", {DAM}),
    ],
)
def test_each_filter_narrows_the_list(web: Web, query: str, expected: set[str]) -> None:
    diversify(web)
    assert listed(web, query) == expected


def test_the_filter_form_keeps_what_was_asked(web: Web) -> None:
    diversify(web)
    page = web.client.get("/stubs?state=reviewed&category=Politics&stale=yes&q=council").text
    assert '<option value="reviewed" selected>' in page
    assert '<option value="Politics" selected>' in page
    assert '<option value="yes" selected>' in page
    assert 'name="q" value="council"' in page
    assert 'reviewed <span class="count">1</span>' in page
    assert 'draft <span class="count">0</span>' in page


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("state=published", "unknown state 'published'"),
        ("min_quality=high", "min_quality: a number from 0 to 1"),
        ("min_quality=2", "min_quality: a number from 0 to 1"),
        ("stale=maybe", "stale: yes or no"),
        ("page=0", "page: 1 or more"),
    ],
)
def test_a_filter_that_cannot_be_read_is_refused_with_the_reason(
    web: Web, query: str, reason: str
) -> None:
    response = web.client.get("/stubs?" + query)
    assert response.status_code == 400
    assert reason in response.text.replace("&#39;", "'")


def test_pages_of_fifty_newest_first(web: Web) -> None:
    clone_stubs(web, stub_id(web, DAM), 60)
    first = web.client.get("/stubs")
    titles = row_titles(first.text)
    assert len(titles) == 50
    assert titles[:2] == ["Copy 59", "Copy 58"]
    assert "Stubs 1 to 50 of 62" in first.text
    assert "Page 1 of 2" in first.text
    assert 'rel="next" href="/stubs?page=2"' in first.text
    second = web.client.get("/stubs?page=2")
    assert len(row_titles(second.text)) == 12
    assert "Stubs 51 to 62 of 62" in second.text
    assert 'rel="prev" href="/stubs?page=1"' in second.text
    beyond = web.client.get("/stubs?page=3")
    assert row_titles(beyond.text) == []
    assert 'Page 3 is past the last page: <a href="/stubs?page=2">' in beyond.text
    filtered = web.client.get("/stubs?q=copy&page=2")
    assert len(row_titles(filtered.text)) == 10
    assert 'href="/stubs?q=copy&amp;page=1"' in filtered.text


def test_a_japanese_stub_page_names_its_parts_in_japanese(web: Web) -> None:
    page = web.client.get(f"/stubs/{stub_id(web, DAM)}").text
    preview = page.split('class="rendered"', 1)[1].split("</details>")[0]
    for name in ("news_summary", "key_points", "additional_data"):
        heading = messages("ja").heading(name)
        assert f'<label for="content-{name}">{heading}</label>' in page
        assert f">{heading}</h" in preview  # the stub as its page reads
    assert preview.count("翻訳待ち") == 1  # once, for the parts still in English
    assert "translation pending" not in preview


def test_a_stub_page_shows_the_source_beside_the_parts(web: Web) -> None:
    item_id = stub_id(web, DAM)
    page = web.client.get(f"/stubs/{item_id}").text
    source = web.ctx.desk.source(item_id)
    assert "<h1>Floods close the river port</h1>" in page
    assert "Heavy rain on Monday pushed the Sava river 2.4 metres" in page
    assert f'href="{source.url}"' in page
    assert page.count(f'action="/stubs/{item_id}/parts"') == 1  # one form, one Save
    for part in web.ctx.desk.get(item_id).parts:
        assert f'id="content-{part.name}" name="content-{part.name}"' in page
        assert f'name="base-{part.name}" value="{digest(part.content)}"' in page
    assert messages("ja")("prompt.expert_analysis") in page  # the stub speaks its language
    assert '<span class="kind">to write</span>' in page
    assert '<button type="submit" name="state" value="reviewed"' in page
    assert '<button type="submit" name="state" value="rejected"' in page
    assert 'value="approved"' not in page
    assert "since drafting" in page
    assert "No edits or moves yet." in page


def test_an_edit_is_saved_and_the_page_says_so(web: Web) -> None:
    item_id = stub_id(web, DAM)
    page = f"/stubs/{item_id}"
    response = save_parts(web, item_id, {"summary": "The port reopens on Friday."}, "Ana Horvat")
    assert response.status_code == 303
    assert response.headers["location"] == f"{page}#part-summary"
    assert "editor=Ana%20Horvat" in response.headers["set-cookie"]
    shown = web.client.get(page).text
    assert "Saved Summary." in shown
    assert "The port reopens on Friday.</textarea>" in shown
    assert '<span class="edited">edited by Ana Horvat</span>' in shown
    assert 'name="editor" value="Ana Horvat"' in shown
    assert "edited Summary" in shown
    assert "Saved Summary." not in web.client.get(page).text
    part = web.ctx.desk.get(item_id).part("summary")
    assert part is not None
    assert (part.content, part.edited) == ("The port reopens on Friday.", True)


def test_moves_record_who_and_when(web: Web) -> None:
    item_id = stub_id(web, VOTE)
    page = f"/stubs/{item_id}"
    moved = post_form(web, f"{page}/state", {"state": "reviewed", "editor": "Ana"}, page)
    assert (moved.status_code, moved.headers["location"]) == (303, page)
    moved = post_form(web, f"{page}/state", {"state": "approved", "editor": "Ben"}, page)
    assert moved.status_code == 303
    shown = web.client.get(page).text
    assert "Moved to approved." in shown
    assert '<strong class="state-now">approved</strong>' in shown
    assert 'set by <strong class="changed-by">Ben</strong>' in shown
    stub = web.ctx.desk.get(item_id)
    assert stub.state_changed_at is not None
    assert f"{stub.state_changed_at:%Y-%m-%d %H:%M} UTC" in shown
    assert "<td>Ana</td><td>draft → reviewed</td>" in shown
    assert "<td>Ben</td><td>reviewed → approved</td>" in shown
    assert 'value="draft"' in shown
    assert 'value="rejected"' in shown


def test_a_refused_move_shows_the_page_again_with_the_reason(web: Web) -> None:
    item_id = stub_id(web, DAM)
    page = f"/stubs/{item_id}"
    response = post_form(web, f"{page}/state", {"state": "approved", "editor": "Ana"}, page)
    assert response.status_code == 409
    assert "a draft stub can go to rejected, reviewed, not approved" in response.text
    assert "<h1>Floods close the river port</h1>" in response.text
    assert web.ctx.desk.get(item_id).state == "draft"


def test_an_edit_without_a_name_is_refused_and_keeps_the_text(web: Web) -> None:
    item_id = stub_id(web, DAM)
    response = save_parts(web, item_id, {"background": "Unsaved words"}, "  ")
    assert response.status_code == 400
    assert "an editor&#39;s name is required" in response.text
    assert "Unsaved words</textarea>" in response.text
    assert web.ctx.desk.events(item_id) == []
    unknown = save_parts(web, item_id, {"nonsense": "x"}, "Ana")
    assert unknown.status_code == 404
    assert "has no part" in unknown.text


def test_an_unknown_stub_is_404(web: Web) -> None:
    assert web.client.get("/stubs/9999").status_code == 404
    assert web.client.get("/stubs/not-a-number").status_code == 404
    response = post_form(web, "/stubs/9999/state", {"state": "reviewed", "editor": "Ana"})
    assert response.status_code == 404


def test_the_feeds_page_shows_each_feeds_health(web: Web) -> None:
    (row,) = web.ctx.app.store.feed_rows()
    page = web.client.get("/feeds").text
    assert "<strong>city</strong>" in page
    assert f'href="{row.url}"' in page
    assert '<span class="status">ok</span>' in page
    assert f"{row.last_success_at:%Y-%m-%d %H:%M} UTC" in page
    assert '<td class="num">2</td>' in page
    assert 'action="/feeds/city/fetch"' in page
    assert 'action="/feeds/fetch"' in page


def test_fetch_now_starts_a_fetch_and_says_so(web: Web) -> None:
    one = post_form(web, "/feeds/city/fetch", {}, "/feeds")
    assert (one.status_code, one.headers["location"]) == (303, "/feeds")
    assert "Fetching city now" in web.client.get("/feeds").text
    every = post_form(web, "/feeds/fetch", {}, "/feeds")
    assert every.status_code == 303
    assert "Fetching 1 feed now" in web.client.get("/feeds").text
    unknown = post_form(web, "/feeds/nowhere/fetch", {}, "/feeds")
    assert unknown.status_code == 404
    assert "no feed named &#39;nowhere&#39;" in unknown.text
    assert web.fetches.calls == [("city",), ()]


def test_values_from_feeds_are_shown_as_text(web: Web) -> None:
    item_id = stub_id(web, DAM)
    make_hostile(web, item_id)
    listing = web.client.get("/stubs").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing
    assert "<img" not in listing
    page = web.client.get(f"/stubs/{item_id}").text
    assert "<img" not in page
    assert "<script>alert" not in page
    assert "<p>&lt;script&gt;alert(&#39;source&#39;)&lt;/script&gt; and more.</p>" in page
    assert "<p>Calm first paragraph.</p>" in page
    assert page.count("<script") == 1  # our own script, from /static
    assert '<script src="/static/desk.js" defer></script>' in page


def test_the_stylesheet_and_script_are_served_from_the_package(web: Web) -> None:
    css = web.client.get("/static/desk.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert ".columns" in css.text
    script = web.client.get("/static/desk.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


def test_an_empty_desk_says_nothing_was_fetched_yet(make_config: Callable[..., Config]) -> None:
    """First run offline: "No stubs match." gave no hint that nothing had been fetched."""
    config = make_config([{"name": "city", "url": "https://city.example/feed"}])
    for web in open_web(config):
        page = web.client.get("/stubs")
        assert page.status_code == 200
        assert "nothing has been fetched and drafted" in page.text
        assert 'href="/feeds"' in page.text
        assert "No stubs match." not in page.text


def test_a_filter_matching_nothing_says_so(web: Web) -> None:
    page = web.client.get("/stubs", params={"q": "no such title"})
    assert "No stubs match." in page.text
    assert "nothing has been fetched" not in page.text
