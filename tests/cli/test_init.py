"""The `aggregator` group and `main()` (aggregator/cli/__init__.py) as people run them: a real
process, real files."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import aggregator
from tests.loopback import Loopback


def test_help_is_fast_and_lists_the_commands() -> None:
    result = aggregator("--help")
    assert result.returncode == 0
    for command in ("fetch", "feeds", "items", "check-config", "run", "enable"):
        assert command in result.stdout


def test_an_unusable_database_is_a_clear_failure(tmp_path: Path, site: Loopback) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[settings]\ndatabase_url = "sqlite:///{blocker}/sub/a.db"\n'
        f'allow_private_networks = ["127.0.0.1/32"]\n'
        f'[[feeds]]\nname = "x"\nurl = "{site.url("/x")}"\n'
    )
    result = aggregator("fetch", config=config)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {config}: [settings].database_url: the directory")
    assert "Traceback" not in result.stderr
