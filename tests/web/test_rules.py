"""The input rules (`aggregator/web/rules.py`) replayed through the running app: the cases of
issue 15, sent by the API and by the pages' forms, refused the same way, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from aggregator.web.rules import BadInput, editor_name, json_depth
from tests.web.conftest import Web
from tests.web.editing import DAM, form_token, post_form, save_parts, stub_id
from tests.web.input_rules import BAD_NAMES, LONG_CATEGORY, send, send_raw

PERSIAN = "\u0645\u0631\u06cc\u0645\u200c\u062e\u0627\u0646\u06cc"
"""A Persian name with the zero-width non-joiner it needs."""


def history(web: Web, item_id: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = web.client.get(f"/api/stubs/{item_id}/events").json()["events"]
    return events


def test_replay_1000_nested_brackets_in_2kb_to_state_is_400_not_500(web: Web) -> None:
    item_id = stub_id(web, DAM)
    body = b"[" * 1000 + b" " * 1048
    assert len(body) == 2048
    response = send_raw(web, "POST", f"/api/stubs/{item_id}/state", body)
    assert response.status_code == 400
    assert response.json() == {
        "error": "the body nests arrays and objects 1000 deep; at most 32 are read"
    }


def test_nesting_inside_a_string_is_text_and_32_levels_are_read(web: Web) -> None:
    item_id = stub_id(web, DAM)
    text = "[" * 1000
    ok = send(web, "PUT", f"/api/stubs/{item_id}/parts/summary", {"content": text, "editor": "Ana"})
    assert ok.status_code == 200, ok.text
    deep = b'{"state": "reviewed", "editor": "Ana", "x": ' + b"[" * 31 + b"]" * 31 + b"}"
    assert send_raw(web, "POST", f"/api/stubs/{item_id}/state", deep).status_code == 200


def test_replay_746_character_category_with_newlines_is_refused_and_no_feed_appears(
    web: Web,
) -> None:
    item_id = stub_id(web, DAM)
    path = f"/api/stubs/{item_id}/parts/category"
    response = send(web, "PUT", path, {"content": LONG_CATEGORY, "editor": "Ana"})
    assert response.status_code == 400
    assert "is not a category; categories are General" in response.json()["error"]
    page = save_parts(web, item_id, {"category": LONG_CATEGORY}, "Ana")
    assert page.status_code == 400
    assert "is not a category; categories are General" in page.text
    assert web.ctx.desk.get(item_id).category == "General"
    assert history(web, item_id) == []
    assert web.client.get("/digest/breaking-news-breaking-news.atom").status_code == 404
    assert "Breaking" not in web.client.get("/stubs").text


def test_a_category_of_the_config_is_taken_and_the_page_offers_only_those(web: Web) -> None:
    item_id = stub_id(web, DAM)
    page = web.client.get(f"/stubs/{item_id}").text
    assert '<select id="content-category" name="content-category">' in page
    assert '<option value="General" selected>General</option>' in page
    response = send(
        web, "PUT", f"/api/stubs/{item_id}/parts/category", {"content": " General ", "editor": "A"}
    )
    assert response.status_code == 200
    assert response.json()["category"] == "General"


@pytest.mark.parametrize("case", sorted(BAD_NAMES))
def test_replay_editor_names_with_controls_are_refused_by_api_and_form(web: Web, case: str) -> None:
    item_id = stub_id(web, DAM)
    name = BAD_NAMES[case]
    response = send(
        web, "POST", f"/api/stubs/{item_id}/state", {"state": "reviewed", "editor": name}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("an editor's name cannot hold ")
    page = post_form(
        web,
        f"/stubs/{item_id}/state",
        {"state": "reviewed", "editor": name},
        page=f"/stubs/{item_id}",
    )
    assert page.status_code == 400
    assert "an editor&#39;s name cannot hold " in page.text
    assert history(web, item_id) == []
    assert web.ctx.desk.get(item_id).state == "draft"


def test_editor_names_are_1_to_80_characters_of_printable_text(web: Web) -> None:
    item_id = stub_id(web, DAM)
    path = f"/api/stubs/{item_id}/state"
    long = send(web, "POST", path, {"state": "reviewed", "editor": "A" * 81})
    assert long.status_code == 400
    assert long.json()["error"] == "an editor's name has at most 80 characters"
    ok = send(web, "POST", path, {"state": "reviewed", "editor": f"  {PERSIAN}   Ōta "})
    assert ok.status_code == 200
    assert history(web, item_id)[0]["who"] == f"{PERSIAN} Ōta"


def test_replay_invalid_utf8_is_400_in_forms_and_api_and_nothing_is_stored(web: Web) -> None:
    item_id = stub_id(web, DAM)
    before = web.ctx.desk.get(item_id).part("summary")
    token = form_token(web, f"/stubs/{item_id}")
    form = web.client.post(
        f"/stubs/{item_id}/parts",
        content=f"content-summary=caf%E9+%FF&editor=Ana&csrf_token={token}".encode("ascii"),
        headers={"Origin": web.base_url, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400
    assert "the form is not UTF-8" in form.text
    raw = send_raw(
        web,
        "PUT",
        f"/api/stubs/{item_id}/parts/summary",
        b'{"content": "caf\xe9 \xff", "editor": "Ana"}',
    )
    assert raw.status_code == 400
    assert raw.json()["error"] == "the body is not UTF-8: byte 16 cannot be read"
    escaped = send_raw(
        web,
        "PUT",
        f"/api/stubs/{item_id}/parts/summary",
        b'{"content": "caf\\udce9", "editor": "Ana"}',
    )
    assert escaped.status_code == 400
    assert "lone surrogate" in escaped.json()["error"]
    after = web.ctx.desk.get(item_id).part("summary")
    assert after == before
    assert history(web, item_id) == []


def test_json_depth_counts_brackets_outside_strings_only() -> None:
    assert json_depth('{"a": [1, {"b": "[[[[\\"]]"}]}') == 3
    assert json_depth("[" * 1000) == 1000
    assert json_depth('"[[["') == 0


def test_editor_name_names_the_character_and_where_it_is() -> None:
    with pytest.raises(BadInput, match=r"a bidirectional control \(U\+202E, character 4\)"):
        editor_name("Ana\u202e")
    with pytest.raises(BadInput, match=r"a control character \(U\+0009, character 4\)"):
        editor_name("Ana\tKovač")
    assert editor_name("  Ana   Kovač ") == "Ana Kovač"
