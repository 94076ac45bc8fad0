"""The version the package reports is the one pyproject.toml releases."""

from __future__ import annotations

import tomllib
from pathlib import Path

import aggregator
from aggregator.version import __version__

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_version_is_pyprojects() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"]
    assert aggregator.__version__ is __version__
