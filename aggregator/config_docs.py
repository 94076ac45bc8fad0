"""The README's settings tables, written from the settings' definitions (`config_fields`).

Each table sits between markers, `<!-- settings:workers -->` and `<!-- /settings:workers -->`;
the prose around them is the README's own. `python -m aggregator.config_docs` rewrites the
tables in place (`make settings-docs`), `--check` only says which keys differ, and
tests/test_config_docs.py fails when the README drifts from the definitions.
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass
from pathlib import Path
from typing import Any

from aggregator.auth.settings import WebSettings
from aggregator.config import Settings
from aggregator.config_fields import Key, choices_of, table_keys
from aggregator.digest.settings import DigestSettings
from aggregator.drafting.settings import DraftingSettings
from aggregator.workers.settings import WorkerSettings

README = Path(__file__).resolve().parent.parent / "README.md"
TABLES: Mapping[str, type[Any]] = {
    "settings": Settings,
    "drafting": DraftingSettings,
    "digest": DigestSettings,
    "workers": WorkerSettings,
    "web": WebSettings,
}
"""Every table of the config file that is one dataclass, by the name in its `[brackets]`."""
HEADER = ("| key | default | allowed | meaning |", "| --- | --- | --- | --- |")


def rows(cls: type[Any]) -> list[str]:
    """The Markdown rows of one table: key, default, range or choices, meaning."""
    return [
        f"| `{key.name}` | {_default(key)} | {_allowed(key)} | {key.info.help} |"
        for key in table_keys(cls)
    ]


def table(section: str) -> str:
    return "\n".join([*HEADER, *rows(TABLES[section])])


def _default(key: Key) -> str:
    if key.info.shown is not None:
        return key.info.shown
    if key.default is MISSING or key.default is None:
        return "unset"
    return f"`{_toml(key.default)}`"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _toml(value.value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _readable(value: float) -> str:
    """A bound as people read it: 86,400, 0.05."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _allowed(key: Key) -> str:
    if key.info.allowed is not None:
        return key.info.allowed
    if key.info.low is not None and key.info.high is not None:
        what = "integer" if key.kind == "int" else "number"
        return f"{what} {_readable(key.info.low)} to {_readable(key.info.high)}"
    choices = choices_of(key)
    if choices:
        return ", ".join(f'`"{choice}"`' for choice in choices)
    return {"bool": "`true`, `false`"}.get(key.kind, "")


@dataclass(frozen=True, slots=True)
class Drift:
    """One table of the README that differs from its definition."""

    section: str
    missing: tuple[str, ...] = ()
    """Keys defined but not in the README's table."""
    unknown: tuple[str, ...] = ()
    """Keys in the README's table that are not defined."""
    changed: tuple[str, ...] = ()
    """Keys whose row differs (default, range or meaning)."""
    absent: bool = False
    """The markers themselves are not in the README."""

    def __str__(self) -> str:
        if self.absent:
            return f"[{self.section}]: no <!-- settings:{self.section} --> markers in the README"
        parts = [
            f"{what}: {', '.join(keys)}"
            for what, keys in (
                ("missing", self.missing),
                ("not defined", self.unknown),
                ("changed", self.changed),
            )
            if keys
        ]
        return f"[{self.section}] table: {'; '.join(parts)}"


def _markers(section: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- settings:{section} -->\n)(.*?)(<!-- /settings:{section} -->)", re.DOTALL
    )


def _keyed(lines: Sequence[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        match = re.match(r"\| `([a-z_]+)` \|", line)
        if match:
            found[match.group(1)] = line
    return found


def drift(text: str) -> list[Drift]:
    """The README's settings tables that differ from the definitions, with the keys."""
    found = []
    for section in TABLES:
        match = _markers(section).search(text)
        if match is None:
            found.append(Drift(section, absent=True))
            continue
        written = match.group(2).strip().splitlines()
        if written == table(section).splitlines():
            continue
        want, have = _keyed(rows(TABLES[section])), _keyed(written)
        missing = tuple(k for k in want if k not in have)
        unknown = tuple(k for k in have if k not in want)
        changed = tuple(k for k in want if k in have and have[k] != want[k])
        if not (missing or unknown or changed):
            changed = ("(the header, the order or a line between the rows)",)
        found.append(Drift(section, missing, unknown, changed))
    return found


def rewrite(text: str) -> str:
    """`text` with every marked table replaced by the generated one."""
    for section in TABLES:
        generated = table(section)

        def replace(match: re.Match[str], generated: str = generated) -> str:
            return f"{match.group(1)}{generated}\n{match.group(3)}"

        text = _markers(section).sub(replace, text)
    return text


def main(argv: Sequence[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    path = Path(paths[0]) if paths else README
    text = path.read_text(encoding="utf-8")
    problems = drift(text)
    if check:
        for problem in problems:
            print(f"{path}: {problem}; run `make settings-docs`", file=sys.stderr)
        return 1 if problems else 0
    absent = [p for p in problems if p.absent]
    for problem in absent:
        print(f"{path}: {problem}", file=sys.stderr)
    updated = rewrite(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"{path}: rewrote {len(problems) - len(absent)} settings table(s)")
    return 1 if absent else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
