"""Edits are never lost: the API's ETag and If-Match (428, 412), and the stub page's one Save,
whose stale save shows both texts and changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
from bs4 import BeautifulSoup, Tag

from tests.web.conftest import Web
from tests.web.editing import DAM, VOTE, page_form, post_form, save_parts, stub_id

THEIRS = "Ben's summary: the port reopens on Friday."
YOURS = "Ana's summary: the port stays shut until the river falls."


def write(web: Web, method: str, path: str, body: dict[str, str], **headers: str) -> httpx.Response:
    return web.client.request(method, path, json=body, headers={"Origin": web.base_url, **headers})


def summary(web: Web, item_id: int) -> str:
    part = web.ctx.desk.get(item_id).part("summary")
    assert part is not None
    return part.content


def test_a_get_gives_the_version_as_a_strong_etag_and_writes_answer_the_new_one(web: Web) -> None:
    item_id = stub_id(web, DAM)
    read = web.client.get(f"/api/stubs/{item_id}")
    version = read.json()["version"]
    assert read.headers["ETag"] == f'"{item_id}-{version}"'
    path = f"/api/stubs/{item_id}/parts/summary"
    saved = write(
        web, "PUT", path, {"content": YOURS, "editor": "Ana"}, **{"If-Match": read.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == version + 1
    assert saved.headers["ETag"] == f'"{item_id}-{version + 1}"'
    moved = write(
        web,
        "POST",
        f"/api/stubs/{item_id}/state",
        {"state": "reviewed", "editor": "Ana"},
        **{"If-Match": saved.headers["ETag"]},
    )
    assert moved.status_code == 200, moved.text
    assert moved.headers["ETag"] == f'"{item_id}-{version + 2}"'
    assert web.client.get(f"/api/stubs/{item_id}").headers["ETag"] == moved.headers["ETag"]


def test_a_write_without_if_match_is_428_and_says_what_to_send(web: Web) -> None:
    item_id = stub_id(web, DAM)
    before = web.ctx.desk.get(item_id)
    for if_match in ({}, {"If-Match": "*"}):
        put = write(
            web,
            "PUT",
            f"/api/stubs/{item_id}/parts/summary",
            {"content": YOURS, "editor": "Ana"},
            **if_match,
        )
        assert put.status_code == 428
        assert "send If-Match with the ETag of a GET" in put.json()["error"]
        post = write(
            web,
            "POST",
            f"/api/stubs/{item_id}/state",
            {"state": "reviewed", "editor": "Ana"},
            **if_match,
        )
        assert post.status_code == 428
    assert web.ctx.desk.get(item_id) == before
    missing = write(web, "PUT", "/api/stubs/9999/parts/summary", {"content": "x", "editor": "A"})
    assert missing.status_code == 404, "no such stub says so before asking for If-Match"


def test_a_write_over_a_version_someone_replaced_is_412_with_the_current_text(web: Web) -> None:
    item_id = stub_id(web, DAM)
    etag = web.client.get(f"/api/stubs/{item_id}").headers["ETag"]
    path = f"/api/stubs/{item_id}/parts/summary"
    ben = write(web, "PUT", path, {"content": THEIRS, "editor": "Ben"}, **{"If-Match": etag})
    assert ben.status_code == 200
    ana = write(web, "PUT", path, {"content": YOURS, "editor": "Ana"}, **{"If-Match": etag})
    assert ana.status_code == 412
    body: dict[str, Any] = ana.json()
    assert (body["version"], body["etag"], body["content"]) == (
        ben.json()["version"],
        ben.headers["ETag"],
        THEIRS,
    )
    assert ana.headers["ETag"] == ben.headers["ETag"]
    assert "nothing was saved" in body["error"]
    assert summary(web, item_id) == THEIRS
    for stale in ("W/" + ben.headers["ETag"], f'"{item_id + 1}-{body["version"]}"', '"junk"'):
        refused = write(
            web, "PUT", path, {"content": YOURS, "editor": "Ana"}, **{"If-Match": stale}
        )
        assert refused.status_code == 412, stale
    move = write(
        web,
        "POST",
        f"/api/stubs/{item_id}/state",
        {"state": "reviewed", "editor": "Ana"},
        **{"If-Match": etag},
    )
    assert (move.status_code, move.json()["version"]) == (412, body["version"])
    assert web.ctx.desk.get(item_id).state == "draft"
    again = write(
        web, "PUT", path, {"content": YOURS, "editor": "Ana"}, **{"If-Match": body["etag"]}
    )
    assert again.status_code == 200, "sent over the new version, the editor's text is kept"
    assert summary(web, item_id) == YOURS


def test_the_documented_write_operations_name_if_match_412_and_428(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    for path, method in (
        ("/api/stubs/{item_id}/parts/{name}", "put"),
        ("/api/stubs/{item_id}/state", "post"),
    ):
        operation = document["paths"][path][method]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [(p["name"], p["required"]) for p in headers] == [("If-Match", True)]
        assert {"412", "428"} <= set(operation["responses"])
        assert "ETag" in operation["responses"]["200"]["headers"]
    stub = document["paths"]["/api/stubs/{item_id}"]["get"]
    assert "ETag" in stub["responses"]["200"]["headers"]


def test_one_save_saves_every_changed_part_in_one_version(web: Web) -> None:
    item_id = stub_id(web, VOTE)
    before = web.ctx.desk.get(item_id)
    texts = {"summary": YOURS, "background": "The defences were first planned in 2019."}
    response = save_parts(web, item_id, texts, "Ana")
    assert response.status_code == 303
    assert response.headers["location"] == f"/stubs/{item_id}#part-background"
    after = web.ctx.desk.get(item_id)
    assert after.version == before.version + 1
    for name, text in texts.items():
        part = after.part(name)
        assert part is not None
        assert (part.content, part.kind) == (text, "edited")
    unchanged = [p for p in after.parts if p.name not in texts]
    assert unchanged == [p for p in before.parts if p.name not in texts]
    assert [(e.who, e.detail) for e in web.ctx.desk.events(item_id)] == [
        ("Ana", "background"),
        ("Ana", "summary"),
    ]
    page = web.client.get(f"/stubs/{item_id}").text
    assert "Saved Background and Context and Summary." in page
    nothing = save_parts(web, item_id, {}, "Ana")
    assert nothing.status_code == 303
    assert web.ctx.desk.get(item_id).version == after.version


def test_a_stale_save_shows_both_texts_and_changes_nothing(web: Web) -> None:
    item_id = stub_id(web, DAM)
    anas_page = web.client.get(f"/stubs/{item_id}").text  # Ana opens the stub
    bens = save_parts(web, item_id, {"summary": THEIRS, "title": "Ben's title"}, "Ben")
    assert bens.status_code == 303
    after_ben = web.ctx.desk.get(item_id)

    texts = {"summary": YOURS, "key_points": "Ana's key point."}
    response = save_parts(web, item_id, texts, "Ana", html=anas_page)
    assert response.status_code == 409
    assert web.ctx.desk.get(item_id) == after_ben, "nothing of Ana's was saved"
    assert len(web.ctx.desk.events(item_id)) == 2
    soup = BeautifulSoup(response.text, "html.parser")
    error = soup.find(class_="error")
    assert error is not None
    assert "Not saved: someone else changed this stub while you were editing it" in error.text
    assert "To keep yours, press Save again" in error.text
    conflict = soup.find("section", id="part-summary")
    assert isinstance(conflict, Tag)
    theirs, yours = conflict.find(class_="theirs"), conflict.find(class_="yours")
    assert theirs is not None
    assert yours is not None
    assert THEIRS in theirs.text
    assert "by Ben" in theirs.text
    assert YOURS in yours.text
    fields = page_form(response.text)
    assert fields["content-summary"] == YOURS
    assert fields["content-key_points"] == "Ana's key point."
    assert fields["content-title"] == "Ben's title", "what Ana did not touch shows Ben's"
    assert fields["version"] == str(after_ben.version)
    key_points = soup.find("section", id="part-key_points")
    assert isinstance(key_points, Tag)
    assert key_points.find(class_="conflict") is None, "only Ana changed the key points"

    again = save_parts(web, item_id, {}, "Ana", html=response.text)  # save again: keep Ana's
    assert again.status_code == 303
    stub = web.ctx.desk.get(item_id)
    assert stub.version == after_ben.version + 1
    assert summary(web, item_id) == YOURS
    title = stub.part("title")
    assert title is not None
    assert title.content == "Ben's title"


def test_a_refused_save_keeps_the_version_it_was_based_on(web: Web) -> None:
    """A save refused for another reason (no name) shows the page with the editor's text, but
    still based on the version the editor saw: saving from it after someone else's save is
    refused as stale, not saved over the other's text."""
    item_id = stub_id(web, DAM)
    anas_page = web.client.get(f"/stubs/{item_id}").text
    unnamed = save_parts(web, item_id, {"summary": YOURS}, "", html=anas_page)
    assert unnamed.status_code == 400
    assert save_parts(web, item_id, {"summary": THEIRS}, "Ben").status_code == 303
    response = save_parts(web, item_id, {}, "Ana", html=unnamed.text)
    assert response.status_code == 409
    assert summary(web, item_id) == THEIRS


def test_a_stale_move_moves_nothing_and_the_page_can_move_it_then(web: Web) -> None:
    item_id = stub_id(web, DAM)
    page = f"/stubs/{item_id}"
    old = str(web.ctx.desk.get(item_id).version)
    assert save_parts(web, item_id, {"summary": THEIRS}, "Ben").status_code == 303
    stale = post_form(
        web, f"{page}/state", {"state": "reviewed", "editor": "Ana", "version": old}, page
    )
    assert stale.status_code == 409
    assert "Not moved to reviewed: someone else changed this stub" in stale.text
    assert web.ctx.desk.get(item_id).state == "draft"
    moved = post_form(web, f"{page}/state", {"state": "reviewed", "editor": "Ana"}, page)
    assert moved.status_code == 303
    assert web.ctx.desk.get(item_id).state == "reviewed"
    unversioned = post_form(
        web, f"{page}/state", {"state": "draft", "editor": "Ana", "version": ""}, page
    )
    assert unversioned.status_code == 400
    assert web.ctx.desk.get(item_id).state == "reviewed"
