"""`aggregator digest`: writes a parseable Atom file and says where and how many entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import feedparser
from click.testing import CliRunner

from aggregator.app import utc_now
from aggregator.cli import cli
from aggregator.config import Config
from tests.digest.checks import check_atom, entries
from tests.digest.seed import open_store, seed_stub

FEEDS = [{"name": "one", "url": "https://e.org/one"}]


def test_digest_output_writes_a_parseable_file(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(FEEDS)
    store = open_store(config.settings.database_url)
    now = utc_now()
    seed_stub(store, "a", updated_at=now - timedelta(hours=1))
    seed_stub(store, "b", updated_at=now, title="<b>Newest</b>")
    store.close()
    output = tmp_path / "feeds" / "digest.xml"
    result = CliRunner().invoke(
        cli, ["--config", str(config.path), "digest", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"{output}: 2 entries\n"
    assert len(entries(check_atom(output.read_bytes()))) == 2
    parsed = feedparser.parse(output.read_bytes())
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == ["<b>Newest</b>", "Story a"]


def test_digest_goes_beside_the_database_by_default(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(FEEDS)
    result = CliRunner().invoke(cli, ["--config", str(config.path), "digest"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "digest.atom"  # the test database is tmp_path/aggregator.db
    assert result.stdout == f"{written}: 0 entries\n"
    assert "database.missing" in result.stderr  # nothing fetched yet, and no file made for it
    assert not (tmp_path / "aggregator.db").exists()
    assert entries(check_atom(written.read_bytes())) == []


def test_digest_needs_an_output_without_sqlite(make_config: Callable[..., Config]) -> None:
    config = make_config(FEEDS, database_url="postgresql://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(cli, ["--config", str(config.path), "digest"])
    assert result.exit_code == 2
    assert "--output" in result.output
