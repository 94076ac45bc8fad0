"""Issue 14: every distribution the code imports is declared, and nothing unused is.

A pip that did not map `lxml[html_clean]` to its extra left `lxml_html_clean` out, and the
generic extractor failed on every article; a dependency that arrives only through another's
is one upgrade away from the same."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Declared, but never imported by name: what uses each one.
INDIRECT = {
    "lxml-html-clean": "lxml.html.clean, which trafilatura's jusText imports",
    "psycopg": "the driver SQLAlchemy loads for postgresql:// URLs",
    "python-multipart": "starlette's form parsing on the editors' pages",
    "httptools": "uvicorn's HTTP parser, named by service/process.py's http= setting",
}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_distributions() -> dict[str, str]:
    """Each third-party distribution imported under aggregator/, with one file that does."""
    mapping = importlib.metadata.packages_distributions()
    found: dict[str, str] = {}
    for path in sorted((ROOT / "aggregator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top == "aggregator":
                    continue
                for distribution in mapping.get(top, [top]):
                    found.setdefault(normalise(distribution), str(path.relative_to(ROOT)))
    return found


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        normalise(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]) for spec in project["dependencies"]
    }


def test_every_imported_distribution_is_declared() -> None:
    missing = {d: f for d, f in imported_distributions().items() if d not in declared()}
    assert missing == {}


def test_every_declared_distribution_is_imported_or_its_use_named() -> None:
    unused = declared() - set(imported_distributions()) - set(INDIRECT)
    assert unused == set()
    assert "sniffio" not in declared()
