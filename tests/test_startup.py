"""Issue 14, replayed with the real command: a broken installation and a taken port fail at
start in one line, and the start-up line names the URL to open."""

from __future__ import annotations

import os
import socket
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from aggregator.config import Config
from aggregator.errors import ConfigError
from aggregator.storage.tables import articles
from tests.conftest import TEST_DATABASE_ENV, empty_postgresql
from tests.helpers.cli import command, news_site, one_line
from tests.loopback import Loopback
from tests.service_process import running_service

# Makes lxml_html_clean unimportable, as a pip that does not know the lxml[html_clean] extra
# leaves an installation; loaded by every Python started with this directory on PYTHONPATH.
BLOCKER = """
import importlib.abc
import sys


class _Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _Missing())
"""


def blocker(tmp_path: Path, module: str = "lxml_html_clean") -> Path:
    shim = tmp_path / "shim"
    shim.mkdir()
    code = f"BLOCKED = {module!r}\n{BLOCKER}"
    (shim / "sitecustomize.py").write_text(code, encoding="utf-8")
    return shim


def test_missing_lxml_html_clean_fails_every_working_command_in_one_line_and_records_nothing(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = news_site(site, make_config)
    shim = blocker(tmp_path)
    database = tmp_path / "aggregator.db"
    for args in (("fetch",), ("check-config",), ("run",)):
        result = command(*args, config=config.path, pythonpath=shim)
        assert result.returncode == 1, (args, result.stderr)
        line = one_line(result.stderr)
        assert line.startswith("error: cannot import lxml_html_clean, needed for the generic")
        assert line.endswith("install it: pip install lxml_html_clean")
        assert not site.hits("/item/urn:a"), "no article may be fetched"
    assert not database.exists()  # nothing recorded, as a failure or otherwise

    # Without the shim the same command works: every article is extracted from its page.
    result = command("fetch", config=config.path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("created a new database at") == 1
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        methods = conn.execute(sa.select(articles.c.method)).scalars().all()
    engine.dispose()
    assert methods == ["generic", "generic"]


def test_missing_feedparser_fails_the_commands_in_one_line_too(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    # feedparser is imported with the app itself, before any self-check could run.
    config = news_site(site, make_config)
    shim = blocker(tmp_path, "feedparser")
    for args in (("fetch",), ("run",), ("check-config",), ("extract", site.url("/item/urn:a"))):
        result = command(*args, config=config.path, pythonpath=shim)
        assert result.returncode == 1, args
        line = one_line(result.stderr)
        assert line.startswith("error: cannot import feedparser, needed for "), args
        assert line.endswith("install it: pip install feedparser")
    assert not site.hits("/feed")


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_ENV), reason=f"needs {TEST_DATABASE_ENV}")
def test_missing_lxml_html_clean_fails_a_worker_in_one_line(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config([], database_url=empty_postgresql())
    result = command("worker", config=config.path, pythonpath=blocker(tmp_path))
    assert result.returncode == 1
    assert "error: cannot import lxml_html_clean" in one_line(result.stderr)


def test_port_in_use_is_one_line_naming_listen_and_the_address_and_nothing_starts(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        address = f"127.0.0.1:{held.getsockname()[1]}"
        config = make_config([], listen=address)
        result = command("run", config=config.path)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith(f"error: {config.path}: [settings].listen: cannot listen on {address}")
    assert "Address already in use" in line
    assert not (tmp_path / "aggregator.db").exists()  # bound before the database was touched


def test_start_up_line_gives_the_url_to_open(make_config: Callable[..., Config]) -> None:
    config = make_config([], listen="127.0.0.1:0")
    with running_service(config) as url:
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/")
        assert url != "http://127.0.0.1:0/"
        with urllib.request.urlopen(url + "healthz", timeout=10) as response:
            assert response.status == 200


def test_url_to_open_names_an_address_a_browser_can_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aggregator.service.listen import bind, url_to_open

    monkeypatch.undo()  # the loopback-only guard refuses "0.0.0.0"; numeric, nothing leaves

    for listen, start in (("0.0.0.0:0", "http://127.0.0.1:"), ("[::1]:0", "http://[::1]:")):
        try:
            sock = bind(listen, tmp_path / "feeds.toml")
        except ConfigError:  # no IPv6 on this machine
            assert listen.startswith("[")
            continue
        with sock:
            url = url_to_open(sock)
        assert url.startswith(start)
        assert url.endswith("/")
        assert int(url.rstrip("/").rpartition(":")[2]) > 0
