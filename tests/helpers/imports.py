"""The package's import graph, read from its source with `ast` (nothing is imported).

Every import of one of the package's modules is an edge: at the top of a module, under
`if TYPE_CHECKING:` (a type is a dependency: the lower module is written in terms of the
higher one's records) and inside a function (deferred, still a dependency: the module does not
work without the other). `from pkg import name` is an edge to `pkg.name` when that is a module,
else to `pkg`. Importing a submodule also runs its package's `__init__`; that implicit edge is
not drawn, as in Python's own account of who imports whom.
"""

from __future__ import annotations

import ast
import enum
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "aggregator"


class Where(enum.StrEnum):
    """Where in the importing module the import statement stands."""

    TOP = "top"
    TYPE_CHECKING = "TYPE_CHECKING"
    FUNCTION = "function"


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    line: int
    where: Where

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line}, {self.where})"


def module_files(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    """Dotted module name -> file, for every `.py` under `package_dir` (a package)."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(node: ast.AST, where: Where) -> Iterator[tuple[ast.Import | ast.ImportFrom, Where]]:
    for child in ast.iter_child_nodes(node):
        inner = where
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inner = Where.FUNCTION
        elif isinstance(child, ast.If) and where is Where.TOP and _is_type_checking(child.test):
            yield from _statements_of(child.body, Where.TYPE_CHECKING)
            yield from _statements_of(child.orelse, where)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, inner
        else:
            yield from _statements(child, inner)


def _statements_of(
    body: list[ast.stmt], where: Where
) -> Iterator[tuple[ast.Import | ast.ImportFrom, Where]]:
    for statement in body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement, where
        else:
            yield from _statements(statement, where)


def _named(statement: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(statement, ast.Import):
        return [alias.name for alias in statement.names]
    base = statement.module or ""
    if statement.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - (statement.level - 1)]
        base = ".".join([*parts, base] if base else parts)
    return [base, *(f"{base}.{alias.name}" for alias in statement.names)]


def _module_of(name: str, modules: Mapping[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


@functools.cache
def import_edges(package_dir: Path = PACKAGE_DIR) -> tuple[frozenset[str], tuple[Edge, ...]]:
    """The package's modules, and every import of one of them by another (read once a run)."""
    modules = module_files(package_dir)
    edges: dict[tuple[str, str], Edge] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for statement, where in _statements(tree, Where.TOP):
            names = _named(statement, module, path.name == "__init__.py")
            if isinstance(statement, ast.ImportFrom):
                # `from pkg import sub` names the module `pkg.sub`; `from pkg import name`, `pkg`.
                subs = [n for n in names[1:] if n in modules]
                named = subs + names[:1] if len(subs) < len(names) - 1 else subs
            else:
                named = names
            for name in named:
                target = _module_of(name, modules)
                if target is None or target == module:
                    continue
                edge = Edge(module, target, statement.lineno, where)
                known = edges.get((module, target))
                if known is None or _rank(edge) < _rank(known):
                    edges[(module, target)] = edge
    return frozenset(modules), tuple(sorted(edges.values(), key=lambda e: (e.source, e.target)))


def _rank(edge: Edge) -> tuple[int, int]:
    """The edge reported when a module imports another more than once: top first, then line."""
    return list(Where).index(edge.where), edge.line


def strongly_connected(modules: frozenset[str], edges: tuple[Edge, ...]) -> list[frozenset[str]]:
    """The import cycles: components of more than one module (Tarjan's algorithm, iterative)."""
    out: dict[str, list[str]] = {m: [] for m in modules}
    for edge in edges:
        out[edge.source].append(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(out[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(out[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found
