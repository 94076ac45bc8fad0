"""The desk for a working day over real HTTP: search, sort and counts on the list and the API,
bulk state changes from the list, next/previous on a stub's page keeping the list's query."""

from __future__ import annotations

import re

import httpx
import pytest

from aggregator.storage.desk import StubFilter
from aggregator.storage.ordering import SORTS
from tests.web.conftest import Web
from tests.web.editing import DAM, VOTE, clone_stubs, diversify, form_token, stub_id

_ROWS = re.compile(r'<td class="title"><a href="(/stubs/\d+[^"]*)">([^<]*)</a>')


def rows(html: str) -> list[tuple[str, str]]:
    return [(link.replace("&amp;", "&"), title) for link, title in _ROWS.findall(html)]


def api_titles(web: Web, query: str) -> list[str]:
    response = web.client.get("/api/stubs?" + query)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def bulk(web: Web, fields: list[tuple[str, str]], back: str = "") -> httpx.Response:
    token = form_token(web, "/stubs")
    return web.client.post(
        "/stubs/bulk",
        data=dict([*fields, ("csrf_token", token), ("back", back)]),
        headers={"Origin": web.base_url},
    )


def flash(web: Web, response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    page = web.client.get(response.headers["location"]).text
    found = re.search(r'<p class="flash" role="status">([^<]*)</p>', page)
    assert found is not None, page
    return found.group(1).replace("&#39;", "'")


def checkbox(web: Web, item_id: int) -> tuple[str, str]:
    return (f"stub-{item_id}", str(web.ctx.desk.get(item_id).version))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=flood", {VOTE, DAM}),
        ("q=flood+-defences", {DAM}),
        ("q=council", {DAM, VOTE}),  # the dam's article: "The city council approved"
        ("q=%22river+port%22", {DAM}),
        ("q=%22port+river%22", set()),
        ("q=NEAR(flood", set()),
        ("q=%22", set()),
        ("q=flood&sort=relevance", {VOTE, DAM}),
        ("sort=-quality", [DAM, VOTE]),
        ("sort=quality", [VOTE, DAM]),
        ("sort=drafted", [DAM, VOTE]),
        ("sort=-drafted", [VOTE, DAM]),
    ],
)
def test_the_api_searches_and_sorts(web: Web, query: str, expected: list[str] | set[str]) -> None:
    diversify(web)  # the vote: quality 0.3, reviewed; the dam: 1.0
    found = api_titles(web, query)
    assert (set(found) if isinstance(expected, set) else found) == expected


def test_an_unknown_sort_is_400_on_the_api_and_ignored_with_a_note_on_the_page(
    web: Web,
) -> None:
    refused = web.client.get("/api/stubs?sort=title")
    assert refused.status_code == 400
    assert "sort: one of" in refused.json()["error"]
    page = web.client.get("/stubs?sort=title&q=flood")
    assert page.status_code == 200
    assert "the list is in its usual order" in page.text
    assert len(rows(page.text)) == 2
    for value in SORTS:
        assert f'<option value="{value}"' in page.text


def test_the_page_counts_each_state_for_the_other_filters(web: Web) -> None:
    diversify(web)
    page = web.client.get("/stubs?q=flood&state=draft").text
    assert [t for _, t in rows(page)] == [DAM]
    assert 'draft <span class="count">1</span>' in page
    assert 'reviewed <span class="count">1</span>' in page
    assert 'approved <span class="count">0</span>' in page
    narrower = web.client.get("/stubs?q=votes").text
    assert 'draft <span class="count">0</span>' in narrower
    assert 'reviewed <span class="count">1</span>' in narrower


def test_bulk_moves_each_stub_by_the_rules_and_says_which_could_not(web: Web) -> None:
    dam, vote = stub_id(web, DAM), stub_id(web, VOTE)
    web.ctx.desk.move(vote, "reviewed", "Ana", web.ctx.app.clock())
    fields = [checkbox(web, dam), checkbox(web, vote), ("state", "approved"), ("editor", "Ben")]
    line = flash(web, bulk(web, fields, back="q=flood&sort=-quality"))
    assert line.startswith("Approved 1 stub. 1 stub could not be moved: ")
    assert f"#{dam}: a draft stub can go to rejected, reviewed, not approved" in line
    assert web.ctx.desk.get(vote).state == "approved"
    assert web.ctx.desk.get(dam).state == "draft"
    assert [(e.who, e.action) for e in web.ctx.desk.events(vote)][-1] == ("Ben", "state")
    assert web.ctx.desk.events(dam) == []

    fields = [checkbox(web, dam), checkbox(web, vote), ("state", "rejected"), ("editor", "Cy")]
    response = bulk(web, fields, back="q=flood&sort=-quality&bogus=1")
    assert response.headers["location"] == "/stubs?q=flood&sort=-quality"
    assert flash(web, response) == "Rejected 2 stubs."
    assert {web.ctx.desk.get(i).state for i in (dam, vote)} == {"rejected"}
    assert [e.who for e in web.ctx.desk.events(dam)] == ["Cy"]


def test_bulk_applies_to_the_versions_the_list_showed(web: Web) -> None:
    dam, vote = stub_id(web, DAM), stub_id(web, VOTE)
    shown = [checkbox(web, dam), checkbox(web, vote)]
    version = web.ctx.desk.get(vote).version
    web.ctx.desk.move(vote, "reviewed", "Ana", web.ctx.app.clock())  # after the list was read
    line = flash(web, bulk(web, [*shown, ("state", "rejected"), ("editor", "Ben")]))
    assert line.startswith("Rejected 1 stub. 1 stub could not be moved: ")
    why = f"changed since the list was read (version {version}, now {version + 1})"
    assert f"#{vote}: {why}" in line
    assert web.ctx.desk.get(vote).state == "reviewed"
    assert web.ctx.desk.get(dam).state == "rejected"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ([("state", "approved"), ("editor", "Ben")], "no stub is checked"),
        ([("stub-1", "1"), ("state", "approved"), ("editor", " ")], "name is required"),
        ([("stub-1", "1"), ("state", "published"), ("editor", "Ben")], "unknown state"),
        ([("stub-1", "one"), ("state", "approved"), ("editor", "Ben")], "a stub id and"),
        ([("stub-1", "1"), ("state", "approved"), ("editor", "B\u202een")], "editor"),
    ],
)
def test_a_bulk_request_that_cannot_work_moves_nothing(
    web: Web, fields: list[tuple[str, str]], reason: str
) -> None:
    assert reason in flash(web, bulk(web, fields)).removeprefix("Nothing was moved: ")
    assert {s.state for s in web.ctx.desk.find(StubFilter())} == {"draft"}


def test_bulk_needs_the_forms_token(web: Web) -> None:
    item_id = stub_id(web, DAM)
    response = web.client.post(
        "/stubs/bulk",
        data={f"stub-{item_id}": "1", "state": "reviewed", "editor": "Ana"},
        headers={"Origin": web.base_url},
    )
    assert response.status_code == 403
    assert web.ctx.desk.get(item_id).state == "draft"


def test_a_full_page_can_be_moved_at_once(web: Web) -> None:
    clone_stubs(web, stub_id(web, DAM), 60)
    page = web.client.get("/stubs").text
    boxes = re.findall(r'name="(stub-\d+)" value="(\d+)"', page)
    assert len(boxes) == 50
    line = flash(web, bulk(web, [*boxes, ("state", "reviewed"), ("editor", "Ana")]))
    assert line == "Marked reviewed 50 stubs."


def test_next_and_previous_keep_the_lists_query(web: Web) -> None:
    clone_stubs(web, stub_id(web, DAM), 3)  # Copy 0..2, drafted after the dam, same text
    listing = rows(web.client.get("/stubs?q=harbour&sort=drafted").text)
    assert [t for _, t in listing] == [DAM, "Copy 0", "Copy 1", "Copy 2"]
    link = listing[1][0]
    assert link.endswith("?q=harbour&sort=drafted")
    page = web.client.get(link).text.replace("&amp;", "&")
    assert f'rel="prev" href="{listing[0][0]}"' in page
    assert f'rel="next" href="{listing[2][0]}"' in page
    assert 'href="/stubs?q=harbour&sort=drafted">' in page  # back to the same list
    last = web.client.get(listing[3][0]).text
    assert 'rel="next"' not in last
    newest = rows(web.client.get("/stubs").text)[0][0]
    plain = web.client.get(newest).text
    assert 'rel="prev"' not in plain  # the newest of the whole list
    assert 'rel="next"' in plain


def test_the_document_lists_the_sorts_the_list_takes(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    parameters = document["paths"]["/api/stubs"]["get"]["parameters"]
    (sort,) = [p for p in parameters if p["name"] == "sort"]
    assert set(sort["schema"]["enum"]) == set(SORTS)
