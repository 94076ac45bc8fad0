"""Issue 16: installs come from lock files with hashes, and the locks say what pyproject.toml says.

`make lock` compiles them; this fails when a dependency was added to (or its range changed in)
pyproject.toml without it, so that `make install` on a fresh clone cannot miss it."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# A pin, its marker if any, then its hash lines: `name==1.0 ; marker \` `    --hash=sha256:...`.
PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: ;[^\\\n]*)? \\\n"
    r"((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)",
    re.M,
)

# Each lock file and the parts of pyproject.toml it must hold.
LOCKS = {
    "requirements.lock": (),
    "requirements-dev.lock": ("dev",),
    "requirements-bench.lock": ("dev", "bench"),
}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, version, _hashes in PIN.findall((ROOT / lock).read_text(encoding="utf-8")):
        found.setdefault(normalise(name), []).append(version)
    return found


def required(extras: tuple[str, ...]) -> list[Requirement]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = [*pyproject["project"]["dependencies"], *pyproject["build-system"]["requires"], "pip"]
    for extra in extras:
        specs += pyproject["project"]["optional-dependencies"][extra]
    return [Requirement(spec) for spec in specs]


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_every_requirement_is_locked_within_its_range(lock: str, extras: tuple[str, ...]) -> None:
    locked = pins(lock)
    wrong = {
        str(requirement): locked.get(normalise(requirement.name))
        for requirement in required(extras)
        if not any(
            Version(version) in requirement.specifier
            for version in locked.get(normalise(requirement.name), [])
        )
    }
    assert wrong == {}, "pyproject.toml and the lock disagree: run `make lock`"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_has_hashes(lock: str) -> None:
    text = (ROOT / lock).read_text(encoding="utf-8")
    pinned = re.findall(r"^[A-Za-z0-9][^ \n]*==", text, re.M)
    assert len(PIN.findall(text)) == len(pinned) > 0


def test_the_runtime_lock_holds_no_test_tools() -> None:
    assert {"pytest", "mypy", "ruff", "playwright"} & set(pins("requirements.lock")) == set()


def test_the_installs_go_through_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "--no-deps --no-build-isolation -e ." in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_drift_lists_each_package_that_moved(tmp_path: Path) -> None:
    lock = tmp_path / "old.lock"
    lock.write_text(
        "pytest==0.0.1 \\\n    --hash=sha256:" + "0" * 64 + "\n"
        "no-such-distribution==1.0 ; python_full_version < '3.0' \\\n"
        "    --hash=sha256:" + "1" * 64 + "\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "drift.py"), str(lock)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert f"pytest: 0.0.1 -> {importlib.metadata.version('pytest')}" in lines
    assert not any(line.startswith("no-such-distribution") for line in lines)
    assert re.fullmatch(
        r"drift: \d+ of 2 packages in .* differ from the newest releases", lines[-1]
    )
