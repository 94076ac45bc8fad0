"""schemathesis against the running API: requests generated from the served OpenAPI document,
valid ones and ones that break it, sent over real HTTP to uvicorn on a loopback port with a
real store of drafted stubs behind it. Every answer must be no server error, have a status the
document lists for the operation, the content type it lists, and a body its schema accepts."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aggregator.web import api_operations
from aggregator.web.openapi import Operation
from tests.web.conftest import Web
from tests.web.editing import DAM, stub_id

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25
"""Per operation and mode: about 40 s for the whole module on a busy 2-core machine."""
OPERATIONS = [op for op in vars(api_operations).values() if isinstance(op, Operation)]


def has_input(op: Operation) -> bool:
    return bool(op.params or op.body or op.query)


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.document_path}")
def test_the_api_answers_as_its_document_says(
    web: Web, op: Operation, mode: schemathesis.GenerationMode
) -> None:
    if mode is schemathesis.GenerationMode.NEGATIVE and not has_input(op):
        pytest.skip("nothing to send that the document does not allow")
    schema = schemathesis.openapi.from_url(f"{web.base_url}/api/openapi.json")
    operation = schema[op.document_path][op.method]
    pinned: dict[str, Any] = {}
    positive = mode is schemathesis.GenerationMode.POSITIVE
    if positive and "{item_id}" in op.path and op is not api_operations.DRAFT_ITEM:
        pinned["item_id"] = stub_id(web, DAM)  # a stub that is there, not only 404s
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)
    current_version = positive and api_operations.IF_MATCH in op.params

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def answers_as_documented(case: schemathesis.Case) -> None:
        if current_version:  # a write based on the stub as it is, not only 412s
            etag = web.client.get(f"/api/stubs/{pinned['item_id']}").headers.get("ETag")
            case.headers = {**(case.headers or {}), "If-Match": etag or ""}
        case.call_and_validate(checks=CHECKS)

    answers_as_documented()
