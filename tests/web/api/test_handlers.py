"""The JSON API over real HTTP: every endpoint and its errors (its OpenAPI document:
`test_openapi.py`, `test_schemathesis.py`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aggregator.storage.tables import feeds
from aggregator.stub_records import PART_NAMES
from aggregator.web.api.handlers import MAX_BODY_BYTES
from tests.web.conftest import Web
from tests.web.editing import DAM, VOTE, diversify, if_match, stub_id

JSON = {"Content-Type": "application/json"}


def send(web: Web, method: str, path: str, body: Any = None) -> httpx.Response:
    headers = {"Origin": web.base_url, **if_match(web, path)}
    return web.client.request(method, path, json=body, headers=headers)


def titles(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["title"] for item in response.json()["items"]}


def test_the_list_has_every_stub_with_its_parts_in_page_order(web: Web) -> None:
    response = web.client.get("/api/stubs?parts=yes")
    assert response.status_code == 200
    data = response.json()
    assert (data["total"], data["limit"], data["offset"]) == (2, 50, 0)
    assert {item["title"] for item in data["items"]} == {DAM, VOTE}
    item = data["items"][0]
    for key in ("item_id", "feed", "guid", "url", "state", "stale", "category", "provenance"):
        assert key in item
    assert item["feed"] == "city"
    assert item["guid"] in ("urn:dam", "urn:vote")
    assert item["provenance"]["target_language"] == "ja"
    names = [part["name"] for part in item["parts"]]
    assert names == [name for name in PART_NAMES if name in names]
    assert {"name", "kind", "content"} <= set(item["parts"][0])
    stub = web.ctx.desk.get(item["item_id"])
    assert item["parts"] == [part.to_json() for part in stub.parts]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=reviewed", {VOTE}),
        ("state=draft&state=reviewed", {DAM, VOTE}),
        ("feed=city", {DAM, VOTE}),
        ("category=Politics", {VOTE}),
        ("language=en", {DAM}),
        ("stale=true", {VOTE}),
        ("stale=false", {DAM}),
        ("min_quality=0.5", {DAM}),
        ("q=votes", {VOTE}),
        ("q=council", {DAM, VOTE}),  # the dam's article: "The city council approved"
    ],
)
def test_the_list_takes_the_pages_filters(web: Web, query: str, expected: set[str]) -> None:
    diversify(web)
    assert titles(web.client.get("/api/stubs?" + query)) == expected


def test_limit_and_offset(web: Web) -> None:
    first = web.client.get("/api/stubs?limit=1").json()
    second = web.client.get("/api/stubs?limit=1&offset=1").json()
    assert first["total"] == second["total"] == 2
    assert len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["item_id"] != second["items"][0]["item_id"]
    assert web.client.get("/api/stubs?offset=2").json()["items"] == []


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=201", "limit=ten", "offset=-1", "state=done", "min_quality=-1"]
)
def test_a_bad_query_is_400(web: Web, query: str) -> None:
    response = web.client.get("/api/stubs?" + query)
    assert response.status_code == 400
    assert response.json()["error"]


def test_one_stub_with_its_source(web: Web) -> None:
    item_id = stub_id(web, DAM)
    data = web.client.get(f"/api/stubs/{item_id}").json()
    assert data["item_id"] == item_id
    assert data["title"] == DAM
    assert data["source"]["text"].startswith("Heavy rain on Monday")
    assert data["source"]["url"] == data["url"]
    assert data["source"]["method"] == "generic"
    for missing in ("/api/stubs/9999", "/api/stubs/abc", "/api/stubs/9999/events"):
        response = web.client.get(missing)
        assert response.status_code == 404
        assert "error" in response.json()


def test_an_edit_through_the_api(web: Web) -> None:
    item_id = stub_id(web, DAM)
    path = f"/api/stubs/{item_id}/parts/expert_analysis"
    response = send(web, "PUT", path, {"content": "Barges wait.", "editor": "Ana"})
    assert response.status_code == 200
    part = next(p for p in response.json()["parts"] if p["name"] == "expert_analysis")
    assert (part["content"], part["edited"], part["by"]) == ("Barges wait.", True, "editor Ana")
    events = web.client.get(f"/api/stubs/{item_id}/events").json()
    assert events["item_id"] == item_id
    (event,) = events["events"]
    assert (event["who"], event["action"], event["detail"]) == ("Ana", "edit", "expert_analysis")
    # The stub's Markdown file under var/stubs follows the store.
    (markdown,) = web.config.path.parent.glob(f"stubs/city/{item_id}-*.md")
    assert "Barges wait." in markdown.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"content": "x"}, 422, "'editor' is required"),
        ({"editor": "Ana"}, 422, "'content' is required"),
        ({"content": 5, "editor": "Ana"}, 422, "'content' is required"),
        ({"content": "x", "editor": "   "}, 422, "name is required"),
        ({"content": "x" * 50_001, "editor": "Ana"}, 422, "at most 50000 characters"),
        (["content", "editor"], 422, "a JSON object"),
    ],
)
def test_an_edit_that_does_not_say_what_is_needed_is_422(
    web: Web, body: Any, status: int, says: str
) -> None:
    item_id = stub_id(web, DAM)
    response = send(web, "PUT", f"/api/stubs/{item_id}/parts/summary", body)
    assert response.status_code == status
    assert says in response.json()["error"]
    assert web.ctx.desk.events(item_id) == []


def test_unreadable_missing_or_huge_bodies(web: Web) -> None:
    item_id = stub_id(web, DAM)
    path = f"/api/stubs/{item_id}/parts/summary"
    broken = web.client.put(path, content=b'{"content": ', headers=JSON)
    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["error"]
    assert web.client.put(path, content=b"", headers=JSON).status_code == 400
    huge = web.client.put(path, content=b" " * (MAX_BODY_BYTES + 1), headers=JSON)
    assert huge.status_code == 413
    unknown = send(web, "PUT", f"/api/stubs/{item_id}/parts/lede", {"content": "x", "editor": "A"})
    assert unknown.status_code == 404
    assert (
        send(
            web, "PUT", "/api/stubs/9999/parts/summary", {"content": "x", "editor": "A"}
        ).status_code
        == 404
    )


def test_moves_through_the_api(web: Web) -> None:
    item_id = stub_id(web, VOTE)
    path = f"/api/stubs/{item_id}/state"
    refused = send(web, "POST", path, {"state": "approved", "editor": "Ana"})
    assert refused.status_code == 409
    assert refused.json() == {"error": "a draft stub can go to rejected, reviewed, not approved"}
    assert send(web, "POST", path, {"state": "published", "editor": "Ana"}).status_code == 422
    assert send(web, "POST", path, {"state": "reviewed"}).status_code == 422
    assert send(web, "POST", path, {"state": "reviewed", "editor": "Ana"}).status_code == 200
    moved = send(web, "POST", path, {"state": "approved", "editor": "Ben"})
    assert moved.status_code == 200
    data = moved.json()
    assert (data["state"], data["state_changed_by"]) == ("approved", "Ben")
    assert data["state_changed_at"] is not None
    events = web.client.get(f"/api/stubs/{item_id}/events").json()["events"]
    assert [(e["who"], e["from"], e["to"]) for e in events] == [
        ("Ana", "draft", "reviewed"),
        ("Ben", "reviewed", "approved"),
    ]


def test_feeds_and_fetch_now(web: Web) -> None:
    (feed,) = web.client.get("/api/feeds").json()["feeds"]
    assert (feed["name"], feed["last_status"], feed["items"]) == ("city", "ok", 2)
    assert feed["last_success_at"] is not None
    assert "next_check_reason" in feed
    one = send(web, "POST", "/api/feeds/city/fetch", {})
    assert (one.status_code, one.json()) == (202, {"fetching": ["city"]})
    every = send(web, "POST", "/api/feeds/fetch", {})
    assert (every.status_code, every.json()) == (202, {"fetching": ["city"]})
    assert send(web, "POST", "/api/feeds/nowhere/fetch", {}).status_code == 404
    with web.ctx.app.store.writing() as conn:
        conn.execute(feeds.update().where(feeds.c.name == "city").values(enabled=False))
    disabled = web.client.post("/api/feeds/city/fetch", headers=JSON)
    assert disabled.status_code == 409
    assert "disabled" in disabled.json()["error"]
    assert web.fetches.calls == [("city",), ()]


def test_fetch_needs_json_too(web: Web) -> None:
    response = web.client.post("/api/feeds/fetch")
    assert response.status_code == 415
    assert web.fetches.calls == []


def test_unknown_endpoints_and_methods_answer_json(web: Web) -> None:
    missing = web.client.get("/api/nothing/here")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no API endpoint /api/nothing/here"}
    wrong = web.client.delete(f"/api/stubs/{stub_id(web, DAM)}")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, HEAD"
    assert "error" in wrong.json()
