"""Issue 16: a `test_*.py` holds tests; what others need lives in tests/helpers or a conftest.py.

A test module that imports from another runs the other's module body (and its fixtures) in its
own namespace, and moving or renaming a test file breaks tests elsewhere."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imports_of_test_modules(root: Path = TESTS) -> set[tuple[str, str]]:
    found = set()
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                if module.startswith("tests.") and module.rpartition(".")[2].startswith("test_"):
                    found.add((str(path.relative_to(root)), module))
    return found


def test_no_test_module_imports_another() -> None:
    assert imports_of_test_modules() == set()


def test_a_planted_import_of_a_test_module_is_found(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "test_a.py").write_text(
        "import tests.helpers.feeds\nfrom tests.web.editing import DAM\n"
        "def f():\n    from tests.drafting.test_machine import serve\n",
        encoding="utf-8",
    )
    (tmp_path / "test_b.py").write_text("import tests.web.test_browser\n", encoding="utf-8")
    assert imports_of_test_modules(tmp_path) == {
        ("web/test_a.py", "tests.drafting.test_machine"),
        ("test_b.py", "tests.web.test_browser"),
    }
