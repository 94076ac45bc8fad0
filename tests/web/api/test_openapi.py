"""The OpenAPI document: generated from the models and the operations the routes are built
from, valid OpenAPI 3.1, and describing every route under /api and nothing else."""

from __future__ import annotations

import re
from typing import Any, get_args

from openapi_spec_validator import validate
from starlette.routing import Route

from aggregator.stub_records import KINDS, PART_NAMES, STATES
from aggregator.web.api import operations
from aggregator.web.api.bodies import PartKindValue, PartNameValue, State
from aggregator.web.api.handlers import FALLBACK
from aggregator.web.api.openapi import Operation, openapi_document
from aggregator.web.app import create_web_app
from tests.web.conftest import Web

OPERATIONS = [op for op in vars(operations).values() if isinstance(op, Operation)]


def documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(path, method) for path, ops in document["paths"].items() for method in ops}


def served(web: Web) -> set[tuple[str, str]]:
    """The API's routes, and those beside it that the document describes (`/healthz`)."""
    elsewhere = {op.path for op in operations.ELSEWHERE}
    routes = [
        route
        for route in create_web_app(web.ctx).routes
        if isinstance(route, Route)
        and (route.path.startswith("/api/") or route.path in elsewhere)
        and route.name != FALLBACK
    ]
    return {
        (re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path), method.lower())
        for route in routes
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_the_served_document_is_valid_openapi_3_1(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_describes_every_route_and_nothing_else(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    assert documented(document) == served(web)
    for path, by_method in document["paths"].items():
        in_path = set(re.findall(r"\{(\w+)\}", path))
        for operation in by_method.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, (path, declared)
            assert operation["responses"]


def test_the_document_is_generated_from_the_operations(web: Web) -> None:
    served_document = web.client.get("/api/openapi.json").json()
    assert served_document == openapi_document(OPERATIONS, ("General",))
    assert documented(served_document) == {
        (op.document_path, op.method.lower()) for op in OPERATIONS
    }


def test_every_reference_in_the_document_resolves(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    references = set(re.findall(r"#/components/schemas/([\w-]+)", str(document)))
    assert references
    assert references <= set(document["components"]["schemas"])


def test_the_list_filters_are_the_documented_parameters(web: Web) -> None:
    document = web.client.get("/api/openapi.json").json()
    names = {p["name"] for p in document["paths"]["/api/stubs"]["get"]["parameters"]}
    assert names == {
        "state",
        "feed",
        "category",
        "language",
        "stale",
        "min_quality",
        "q",
        "sort",
        "limit",
        "offset",
        "parts",
    }


def test_a_write_body_is_its_model_and_an_answer_its_serialised_model(web: Web) -> None:
    schemas = web.client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["StateMove"]["required"] == ["state"], "editor: none mode only"
    assert schemas["StateMove"]["properties"]["editor"]["minLength"] == 1, "never null"
    assert schemas["State"]["enum"] == ["draft", "reviewed", "approved", "rejected"]
    part = schemas["Part"]
    assert part["required"] == ["name", "kind", "content"]
    assert part["properties"]["prompt"] == {
        "type": "string",
        "description": "What the editor should write here.",
        "title": "Prompt",
    }, "a key left out when empty is optional in the document, never null"
    assert part["properties"]["kind"]["enum"] == list(KINDS)
    assert "null" in str(schemas["Stub"]["properties"]["guid"]), "every key of a stub is there"


def test_health_is_answered_by_its_model_and_documented(web: Web) -> None:
    response = web.client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"status", "database", "newest_stub", "quick_check_at"}
    operation = web.client.get("/api/openapi.json").json()["paths"]["/healthz"]["get"]
    assert set(operation["responses"]) == {"200", "503"}
    for answer in operation["responses"].values():
        schema = answer["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/HealthReport"}


def test_the_closed_sets_of_the_api_are_the_records() -> None:
    assert get_args(PartNameValue) == PART_NAMES
    assert get_args(PartKindValue) == KINDS
    assert tuple(State) == STATES
