"""Issue 16: the package's layers import one way, downward; the order is written once, here.

A module may import modules of its own layer or of a lower one, never of a higher one. The
imports are read with `ast` (tests/helpers/imports.py): those at the top, those under
`if TYPE_CHECKING:` and those inside functions all count.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from tests.helpers.imports import Edge, Where, import_edges

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "records",
        (
            "aggregator.records",
            "aggregator.stub_records",
            # What the stages need of the store, as Protocols the store satisfies.
            "aggregator.stage_storage",
            "aggregator.errors",
            "aggregator.version",
            # Accounts, roles and the [web] settings as records and pure decisions: the store
            # keeps them, the web and the CLI use them.
            "aggregator.auth",
            # Helpers every layer uses, importing nothing of ours above them.
            "aggregator.logs",
            "aggregator.atomic",
            "aggregator.stopping",
            "aggregator.faults",
            "aggregator.database_kind",
            "aggregator.config_env",
            "aggregator.config_reader",
            "aggregator.config_fields",
        ),
    ),
    (
        "net/text",
        ("aggregator.net", "aggregator.text", "aggregator.sanitize", "aggregator.safe_xml"),
    ),
    (
        "feeds/articles",
        (
            "aggregator.feeds",
            "aggregator.articles",
            "aggregator.opml",
            # The package itself: `extract_text`, the generic extractor's one-call front.
            "aggregator",
        ),
    ),
    ("storage", ("aggregator.storage",)),
    (
        "drafting/digest",
        (
            "aggregator.drafting",
            "aggregator.digest",
            # The config gathers each area's settings and drafting reads it whole; the
            # [workers] table's definition is one of those settings, so it sits here too.
            "aggregator.config",
            "aggregator.config_edit",
            "aggregator.config_feed_edit",
            "aggregator.config_show",
            "aggregator.config_docs",
            "aggregator.workers.settings",
        ),
    ),
    ("app", ("aggregator.app", "aggregator.selfcheck")),
    ("service/workers/web", ("aggregator.service", "aggregator.workers", "aggregator.web")),
    ("cli", ("aggregator.cli", "aggregator.__main__")),
)
"""Lowest first. A pattern (`fnmatch`) names a module and everything under it (`aggregator.cli`
places `aggregator.cli.fetch`); the longest pattern that matches a module places it."""

KNOWN: dict[tuple[str, str], str] = {}
"""Upward imports being removed, with the reason each is still there. The test fails on any
upward import not listed here, and on a listed one that is gone: the list only shrinks."""


def place(module: str) -> int | None:
    """The index in LAYERS of the layer `module` belongs to, or None when no pattern names it."""
    best: tuple[int, int] | None = None
    for number, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            matches = fnmatch.fnmatchcase(module, pattern) or (
                pattern != "aggregator" and fnmatch.fnmatchcase(module, f"{pattern}.*")
            )
            if matches and (best is None or len(pattern) > best[0]):
                best = (len(pattern), number)
    return None if best is None else best[1]


def upward(edges: tuple[Edge, ...]) -> list[Edge]:
    """The imports of a module in a higher layer than the importer's."""
    found = []
    for edge in edges:
        source, target = place(edge.source), place(edge.target)
        if source is not None and target is not None and target > source:
            found.append(edge)
    return found


def _described(edge: Edge) -> str:
    source, target = place(edge.source), place(edge.target)
    assert source is not None
    assert target is not None
    return f"{edge} imports layer {LAYERS[target][0]!r} from {LAYERS[source][0]!r}"


def test_every_module_has_a_layer() -> None:
    modules, _ = import_edges()
    unplaced = sorted(m for m in modules if place(m) is None)
    assert not unplaced, f"add these modules to LAYERS in {__file__}: {unplaced}"


def test_no_module_imports_a_higher_layer() -> None:
    _, edges = import_edges()
    new = [_described(e) for e in upward(edges) if (e.source, e.target) not in KNOWN]
    assert not new, "upward imports (move the code down, or pass it in):\n" + "\n".join(new)


def test_the_known_upward_imports_are_still_there() -> None:
    """A listed import that is gone is taken off KNOWN, so that it cannot come back."""
    _, edges = import_edges()
    present = {(e.source, e.target) for e in upward(edges)}
    gone = sorted(pair for pair in KNOWN if pair not in present)
    assert not gone, f"no longer imported upward: take them off KNOWN: {gone}"


def test_a_planted_upward_import_is_found() -> None:
    """The check fails on an import that goes up, wherever it stands in the module."""
    _, edges = import_edges()
    planted = Edge("aggregator.storage.store", "aggregator.web.app", 1, Where.FUNCTION)
    assert [_described(e) for e in upward((*edges, planted)) if e == planted] == [
        "aggregator.storage.store -> aggregator.web.app (line 1, function) imports layer "
        "'service/workers/web' from 'storage'"
    ]


@pytest.mark.parametrize("where", list(Where))
def test_the_reader_sees_each_kind_of_import(tmp_path: Path, where: Where) -> None:
    package = tmp_path / "aggregator"
    (package / "storage").mkdir(parents=True)
    (package / "web").mkdir()
    for path in ("__init__.py", "storage/__init__.py", "web/__init__.py", "web/app.py"):
        (package / path).write_text("")
    statement = {
        Where.TOP: "from aggregator.web import app\n",
        Where.TYPE_CHECKING: "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from ..web.app import App\n",
        Where.FUNCTION: "def serve() -> None:\n    import aggregator.web.app\n",
    }[where]
    (package / "storage" / "store.py").write_text(statement)
    _, edges = import_edges(package)
    assert [str(e) for e in upward(edges)] == [
        f"aggregator.storage.store -> aggregator.web.app (line {statement.count(chr(10))}, {where})"
    ]


def test_the_layers_name_each_pattern_once() -> None:
    patterns = [p for _, names in LAYERS for p in names]
    assert len(patterns) == len(set(patterns))
