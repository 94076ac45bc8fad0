"""Print how far the releases installed in this interpreter have moved from a lock file.

Run by `make drift` with the Python of a virtualenv that installed the newest releases
pyproject.toml allows: one line per package, `name: locked -> installed`, then a count. It
reports and never fails: a drift is news for `make upgrade`, not a broken build."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(text: str) -> dict[str, list[str]]:
    """Each locked name with its versions (two when a marker splits it, e.g. by Python)."""
    pins: dict[str, list[str]] = {}
    for name, version in PIN.findall(text):
        pins.setdefault(normalise(name), []).append(version)
    return pins


def installed() -> dict[str, str]:
    return {
        normalise(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"]
    }


def drift(pins: dict[str, list[str]], have: dict[str, str]) -> list[str]:
    lines = []
    for name in sorted(set(pins) | set(have)):
        if name == "aggregator":
            continue
        version = have.get(name)
        versions = pins.get(name)
        if versions is None:
            lines.append(f"{name}: not locked -> {version}")
        elif version is not None and version not in versions:
            lines.append(f"{name}: {' / '.join(versions)} -> {version}")
    return lines


def main(argv: list[str]) -> int:
    lock = Path(argv[1] if len(argv) > 1 else "requirements-dev.lock")
    pins = locked(lock.read_text(encoding="utf-8"))
    lines = drift(pins, installed())
    for line in lines:
        print(line)
    print(f"drift: {len(lines)} of {len(pins)} packages in {lock} differ from the newest releases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
