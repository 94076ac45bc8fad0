"""schemathesis against the running API: requests generated from the served OpenAPI document,
valid ones and ones that break it, sent over real HTTP to uvicorn on a loopback port with a
real store of drafted stubs behind it. Every answer must be no server error, have a status the
document lists for the operation, the content type it lists, and a body its schema accepts.

One server for the module (fetching and drafting the stories once, not once an operation): the
cases of one operation change what the next one reads (states moved, parts edited), which is
as it should be for checks that hold whatever the stubs say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aggregator.cli import cli
from aggregator.config import load_config
from aggregator.web.api import operations
from aggregator.web.api.openapi import Operation
from tests.conftest import TEST_SETTINGS, write_config
from tests.helpers.drafting import serve
from tests.loopback import Loopback
from tests.web.conftest import Web, open_web
from tests.web.editing import DAM, stub_id

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25
"""Per operation and mode: about 30 s for the whole module on a busy 2-core machine."""
OPERATIONS = [op for op in vars(operations).values() if isinstance(op, Operation)]


def has_input(op: Operation) -> bool:
    return bool(op.params or op.body or op.query)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Web, int]]:
    """The app over a store with the two drafted stories, and the id of one of them."""
    site = Loopback().start()
    try:
        serve(site)
        path: Path = tmp_path_factory.mktemp("api")
        settings = {
            "database_url": f"sqlite:///{path / 'aggregator.db'}",
            **TEST_SETTINGS,
            "target_language": "ja",
        }
        feeds = [{"name": "city", "url": site.url("/feed")}]
        config = load_config(write_config(path / "feeds.toml", feeds, settings))
        result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
        assert result.exit_code == 0, result.output
        for web in open_web(config):
            yield web, stub_id(web, DAM)
    finally:
        site.stop()


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.document_path}")
def test_the_api_answers_as_its_document_says(
    served: tuple[Web, int], op: Operation, mode: schemathesis.GenerationMode
) -> None:
    web, item_id = served
    if mode is schemathesis.GenerationMode.NEGATIVE and not has_input(op):
        pytest.skip("nothing to send that the document does not allow")
    schema = schemathesis.openapi.from_url(f"{web.base_url}/api/openapi.json")
    operation = schema[op.document_path][op.method]
    pinned: dict[str, Any] = {}
    positive = mode is schemathesis.GenerationMode.POSITIVE
    if positive and "{item_id}" in op.path and op is not operations.DRAFT_ITEM:
        pinned["item_id"] = item_id  # a stub that is there, not only 404s
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)
    current_version = positive and operations.IF_MATCH in op.params

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
