"""Issue 16: no two modules of the package import each other, directly or through a chain.

The import graph is read with `ast` (tests/helpers/imports.py) and its strongly connected
components are the cycles. Imports inside functions count: deferring an import hides a cycle
from the interpreter, not from whoever changes one of the two modules (the drafting backends'
registry was such a cycle). Imports under `if TYPE_CHECKING:` count too: mypy follows them.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.imports import Edge, Where, import_edges, strongly_connected

KNOWN: dict[frozenset[str], str] = {}
"""Cycles being broken, with the reason each is still there. The test fails on a cycle not
listed here, and on a listed one that is gone: the list only shrinks."""


def _shown(cycle: frozenset[str], edges: tuple[Edge, ...]) -> str:
    inside = [str(e) for e in edges if e.source in cycle and e.target in cycle]
    return f"{sorted(cycle)}:\n    " + "\n    ".join(inside)


def test_no_new_import_cycle() -> None:
    modules, edges = import_edges()
    new = [_shown(c, edges) for c in strongly_connected(modules, edges) if c not in KNOWN]
    assert not new, "import cycles (move what both need into a module below them):\n" + "\n".join(
        new
    )


def test_the_known_cycles_are_still_there() -> None:
    modules, edges = import_edges()
    cycles = set(strongly_connected(modules, edges))
    gone = [sorted(c) for c in KNOWN if c not in cycles]
    assert not gone, f"no longer a cycle: take them off KNOWN: {gone}"


def test_a_planted_cycle_is_found() -> None:
    modules, edges = import_edges()
    planted = Edge("aggregator.records", "aggregator.cli", 1, Where.FUNCTION)
    cycles = strongly_connected(modules, (*edges, planted))
    with_records = [c for c in cycles if "aggregator.records" in c]
    assert len(with_records) == 1
    assert {"aggregator.records", "aggregator.cli"} < with_records[0]


def test_a_chain_through_a_function_import_is_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "aggregator"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from aggregator import b\n")
    (package / "b.py").write_text("from . import c\n")
    (package / "c.py").write_text("def late() -> None:\n    from aggregator.a import x\n")
    (package / "d.py").write_text("import aggregator.a\n")
    modules, edges = import_edges(package)
    assert strongly_connected(modules, edges) == [
        frozenset({"aggregator.a", "aggregator.b", "aggregator.c"})
    ]
