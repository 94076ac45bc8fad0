"""The README's settings tables are written from the settings' definitions (`config_docs.py`):
this test fails, naming the keys, when a table there differs from its definition."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import Settings
from aggregator.config_docs import README, TABLES, drift, main, rewrite, rows, table
from aggregator.config_fields import table_keys


def test_the_readme_tables_are_the_generated_ones() -> None:
    problems = drift(README.read_text(encoding="utf-8"))
    assert not problems, "; ".join(map(str, problems)) + " (run `make settings-docs`)"


@pytest.mark.parametrize("section", list(TABLES))
def test_every_key_has_a_row(section: str) -> None:
    names = [key.name for key in table_keys(TABLES[section])]
    assert [row.split("`")[1] for row in rows(TABLES[section])] == names


def test_a_row_shows_the_default_the_range_and_the_help() -> None:
    lines = rows(Settings)
    assert "| `jitter` | `0.1` | number 0 to 1 | up to this fraction" in next(
        line for line in lines if "`jitter`" in line
    )
    assert "| `max_body_bytes` | `10000000` | integer 1,024 to 2,147,483,648 |" in "\n".join(lines)
    assert "| `parse_workers` | number of cores | integer 0 to 64 |" in "\n".join(lines)
    assert '| `listen` | `"127.0.0.1:8080"` | `"host:port"` |' in "\n".join(lines)


def document(**tables: str) -> str:
    parts = ["# Title", "", "Prose before."]
    for section in TABLES:
        body = tables.get(section, table(section))
        parts += ["", f"<!-- settings:{section} -->", body, f"<!-- /settings:{section} -->"]
    parts += ["", "Prose after.", ""]
    return "\n".join(parts)


def test_a_generated_document_has_no_drift() -> None:
    assert drift(document()) == []


def test_a_missing_row_is_named() -> None:
    lines = table("workers").splitlines()
    drifted = document(workers="\n".join(line for line in lines if "`lanes`" not in line))
    (problem,) = drift(drifted)
    assert problem.section == "workers"
    assert problem.missing == ("lanes",)
    assert str(problem) == "[workers] table: missing: lanes"


def test_a_changed_default_and_an_unknown_key_are_named() -> None:
    text = table("digest").replace("| `limit` | `50` |", "| `limit` | `40` |")
    text += '\n| `colour` | `"red"` |  | no such key |'
    (problem,) = drift(document(digest=text))
    assert problem.changed == ("limit",)
    assert problem.unknown == ("colour",)
    assert str(problem) == "[digest] table: not defined: colour; changed: limit"


def test_absent_markers_are_named() -> None:
    text = document().replace("<!-- settings:web -->", "")
    assert [str(p) for p in drift(text)] == [
        "[web]: no <!-- settings:web --> markers in the README"
    ]


def test_rewrite_replaces_only_the_tables() -> None:
    stale = document(settings="| key | default | meaning |\n| `old` | `1` | gone |")
    fixed = rewrite(stale)
    assert fixed == document()
    assert fixed.startswith("# Title\n\nProse before.")
    assert fixed.endswith("Prose after.\n")


def test_the_command_checks_and_rewrites_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    lines = table("web").splitlines()
    readme.write_text(document(web="\n".join(lines[:-1])), encoding="utf-8")
    assert main(["--check", str(readme)]) == 1
    assert "[web] table: missing: max_delay_seconds; run `make settings-docs`" in (
        capsys.readouterr().err
    )
    assert main([str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == document()
    assert main(["--check", str(readme)]) == 0


@pytest.mark.parametrize("section", list(TABLES))
def test_every_row_says_what_its_key_allows(section: str) -> None:
    """A range, choices, true/false, or the definition's `allowed` for keys checked by hand."""
    for row in rows(TABLES[section]):
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert cells[2], f"[{section}] {cells[0]} says nothing in its allowed column"
