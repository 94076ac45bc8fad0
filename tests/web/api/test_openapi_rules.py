"""The OpenAPI document says what the server does for the input rules: each refusal the
server answers here is a status the document lists for that operation, the state enum is
enforced (an empty `state=` too), and the editor's name pattern agrees with the server. The
schemas are generated from the models the handlers validate with (`web/api/bodies.py`), whose
validators call the rules; schemathesis sends what they allow and what they do not
(`test_schemathesis.py`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import Web
from tests.web.editing import DAM, stub_id
from tests.web.input_rules import BAD_NAMES, LONG_CATEGORY, send, send_raw


def operation(web: Web, path: str, method: str) -> dict[str, Any]:
    document = web.client.get("/api/openapi.json").json()
    found: dict[str, Any] = document["paths"][path][method]
    return found


def test_replay_empty_state_filter_is_refused_by_the_api_as_documented(web: Web) -> None:
    response = web.client.get("/api/stubs?state=")
    assert response.status_code == 400
    assert response.json() == {
        "error": "state: empty; states are draft, reviewed, approved, rejected"
    }
    listed = operation(web, "/api/stubs", "get")
    (state,) = [p for p in listed["parameters"] if p["name"] == "state"]
    assert state["schema"]["type"] == "array", "state=draft&state=reviewed"
    assert state["schema"]["items"] == {"$ref": "#/components/schemas/State"}
    states = web.client.get("/api/openapi.json").json()["components"]["schemas"]["State"]
    assert states["enum"] == ["draft", "reviewed", "approved", "rejected"]
    assert "400" in listed["responses"]
    # The page's filter form sends every field, empty ones too: "any".
    assert web.client.get("/stubs?state=&feed=").status_code == 200


@pytest.mark.parametrize(
    ("case", "path", "method", "body"),
    [
        ("nested-1000", "/api/stubs/{item_id}/state", "post", b"[" * 1000),
        ("not-utf8", "/api/stubs/{item_id}/state", "post", b'{"state": "\xff"}'),
        ("category-746", "/api/stubs/{item_id}/parts/{name}", "put", None),
        ("name-nul", "/api/stubs/{item_id}/state", "post", None),
        (
            "empty-name",
            "/api/stubs/{item_id}/state",
            "post",
            b'{"state": "reviewed", "editor": ""}',
        ),
        ("fetch-not-object", "/api/feeds/fetch", "post", b"[]"),
        ("fetch-not-json", "/api/feeds/fetch", "post", b"{"),
    ],
)
def test_every_refusal_of_the_rules_is_a_documented_status(
    web: Web, case: str, path: str, method: str, body: bytes | None
) -> None:
    item_id = stub_id(web, DAM)
    url = path.replace("{item_id}", str(item_id)).replace("{name}", "category")
    if case == "category-746":
        response = send(web, "PUT", url, {"content": LONG_CATEGORY, "editor": "Ana"})
    elif case == "name-nul":
        response = send(web, "POST", url, {"state": "reviewed", "editor": BAD_NAMES["nul"]})
    else:
        assert body is not None
        response = send_raw(web, method.upper(), url, body)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]
    assert str(response.status_code) in operation(web, path, method)["responses"], case


def test_a_write_without_its_json_body_is_the_documented_415(web: Web) -> None:
    fetch = operation(web, "/api/feeds/fetch", "post")
    assert fetch["requestBody"]["required"] is True
    assert web.client.post("/api/feeds/fetch").status_code == 415
    assert "415" in fetch["responses"]
    empty = web.client.post(
        "/api/feeds/fetch", headers={"Origin": web.base_url, "Content-Type": "application/json"}
    )
    assert empty.status_code == 202


def test_the_documented_name_pattern_agrees_with_the_server(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    editor = document["components"]["schemas"]["StateMove"]["properties"]["editor"]
    pattern = re.compile(editor["pattern"])  # \uXXXX reads the same in Python and ECMA-262
    for name in BAD_NAMES.values():
        assert pattern.match(name) is None, name
    assert pattern.match("Ana Kovač") is not None
    assert editor["maxLength"] == 80


def test_the_category_part_names_the_config_categories(web: Web) -> None:
    put = operation(web, "/api/stubs/{item_id}/parts/{name}", "put")
    assert "The category part takes only one of: General (else 400)." in put["description"]
    assert "400" in put["responses"]
