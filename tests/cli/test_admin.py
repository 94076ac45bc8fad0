"""Deployment settings from the environment, `config --show`, `healthcheck` and `cleanup`
(issue 14), through the real CLI; the service is a real `aggregator run` process."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from aggregator.cli import cli
from aggregator.config import Config
from tests.helpers.cli import aggregator
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply
from tests.service_process import running_service

SECRET_DB = "postgresql://editor:hunter2@db.example/aggregator"


def invoke(config: Config, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config.path), *args], env=env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command(config: Config, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aggregator", "--config", str(config.path), *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "error", **env},
    )


def test_environment_database_url_overrides_the_file(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    site.route("/feed", Reply(body=rss([("urn:e:1", "One")])))
    config = make_config([{"name": "env", "url": site.url("/feed")}])
    (tmp_path / "elsewhere").mkdir()
    elsewhere = tmp_path / "elsewhere" / "deployed.db"
    env = {"AGGREGATOR_DATABASE_URL": f"sqlite:///{elsewhere}"}

    result = invoke(config, "fetch", env=env)

    assert result.exit_code == 0, result.output
    assert f"created a new database at {elsewhere}" in result.stderr
    assert elsewhere.exists()
    assert not (tmp_path / "aggregator.db").exists(), "the file's database was not used"
    assert "urn:e:1" in invoke(config, "items", "--format", "jsonl", env=env).stdout


def test_a_bad_environment_value_is_one_line_naming_the_variable(
    make_config: Callable[..., Config],
) -> None:
    config = make_config([])
    bad_db = invoke(config, "check-config", env={"AGGREGATOR_DATABASE_URL": "mysql://x/y"})
    assert bad_db.exit_code == 1
    assert bad_db.stderr.startswith("Error: $AGGREGATOR_DATABASE_URL: expected a ")
    bad_listen = invoke(config, "config", "--show", env={"AGGREGATOR_LISTEN": "everywhere"})
    assert bad_listen.exit_code == 1
    assert bad_listen.stderr == (
        'Error: $AGGREGATOR_LISTEN: expected host:port such as "127.0.0.1:8080", '
        "got 'everywhere'\n"
    )


def test_config_show_prints_defaults_masks_secrets_and_names_the_environment(
    make_config: Callable[..., Config],
) -> None:
    drafting = (
        '\n[drafting]\nbackend = "openai"\nmodel = "m"\napi_key_env = "DESK_OPENAI_KEY"\n'
        'base_url = "https://proxy.example/v1?api_key=s3cr3t&team=desk"\n'
    )
    config = make_config([], drafting, database_url=SECRET_DB)
    env = {"AGGREGATOR_LISTEN": "0.0.0.0:9000", "DESK_OPENAI_KEY": "sk-never-shown"}

    result = invoke(config, "config", "--show", env=env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    for secret in ("hunter2", "s3cr3t", "sk-never-shown"):
        assert secret not in out
    lines = out.splitlines()
    assert 'database_url = "postgresql://editor:***@db.example/aggregator"' in lines
    assert 'listen = "0.0.0.0:9000"   # from $AGGREGATOR_LISTEN' in lines
    assert "tick_seconds = 30   # default" in lines
    assert 'contact_url = "https://example.org/contact"' in lines, "from the file: no note"
    assert 'base_url = "https://proxy.example/v1?api_key=***&team=desk"' in lines
    assert 'api_key_env = "DESK_OPENAI_KEY"   # set' in lines
    assert "drain_seconds = 30.0   # default" in lines
    assert [line for line in lines if line.startswith("[")] == [
        "[settings]",
        "[drafting]",
        "[digest]",
        "[workers]",
        "[web]",
    ]

    shown = json.loads(invoke(config, "config", "--show", "--format", "json").stdout)
    assert shown["settings"]["listen"] == {"value": "127.0.0.1:0", "source": "file"}
    assert shown["settings"]["max_backoff"] == {"value": 1440, "source": "default"}
    assert shown["settings"]["database_url"]["value"].endswith(":***@db.example/aggregator")


def test_healthcheck_exits_0_against_a_running_service_on_the_environment_listen(
    make_config: Callable[..., Config],
) -> None:
    config = make_config([], listen="127.0.0.1:1")  # the file's address is not where it runs
    port = free_port()
    env = {"AGGREGATOR_LISTEN": f"127.0.0.1:{port}"}
    with running_service(config, env) as url:
        assert url == f"http://127.0.0.1:{port}/", "run listened where the environment said"
        result = invoke(config, "healthcheck", env=env)
        assert result.exit_code == 0, result.output
        assert result.stdout == f"ok: http://127.0.0.1:{port}/healthz answered 200\n"
        assert invoke(config, "healthcheck", "--url", url).exit_code == 0
    gone = invoke(config, "healthcheck", "--timeout", "2", env=env)
    assert gone.exit_code == 1, "the service has stopped"
    assert gone.stderr.startswith(f"unhealthy: http://127.0.0.1:{port}/healthz did not answer")


def test_healthcheck_exits_1_on_503_with_the_reason(site: Loopback) -> None:
    site.route("/healthz", Reply(503, body=b"database: disk I/O error\nmore\n"))
    result = CliRunner().invoke(cli, ["healthcheck", "--url", site.url("/")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"unhealthy: {site.url('/healthz')} answered 503: database: disk I/O error\n"
    )


def test_run_listen_option_wins_and_a_taken_port_names_it(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = f"127.0.0.1:{held.getsockname()[1]}"
        config = make_config([], listen="127.0.0.1:0")
        by_option = command(config, "run", "--listen", taken, env={})
        by_env = command(config, "run", env={"AGGREGATOR_LISTEN": taken})
    assert by_option.returncode == 1
    assert by_option.stderr.startswith(f"error: --listen: cannot listen on {taken}")
    assert by_env.returncode == 1
    assert by_env.stderr.startswith(f"error: $AGGREGATOR_LISTEN: cannot listen on {taken}")
    assert not (tmp_path / "aggregator.db").exists()


def test_cleanup_by_hand_says_what_it_removed_and_keeps_approved_stubs(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    site.route("/old", Reply(body=rss([("urn:o:1", "Old one"), ("urn:o:2", "Old two")])))
    site.route("/new", Reply(body=rss([("urn:n:1", "New one")])))
    config = make_config(
        [{"name": "old", "url": site.url("/old")}, {"name": "new", "url": site.url("/new")}]
    )
    assert invoke(config, "fetch").exit_code == 0
    long_ago = (datetime.now(UTC) - timedelta(days=120)).strftime("%Y-%m-%d %H:%M:%S.000000")
    with sqlite3.connect(tmp_path / "aggregator.db") as db:
        db.execute(
            "UPDATE items SET first_seen_at = ? WHERE feed_id = "
            "(SELECT id FROM feeds WHERE name = 'old')",
            (long_ago,),
        )
        db.execute(
            "UPDATE stubs SET state = 'approved' WHERE item_id = "
            "(SELECT id FROM items WHERE guid = 'urn:o:1')"
        )
    db.close()
    assert len(list((tmp_path / "stubs").rglob("*.md"))) == 3

    result = invoke(config, "cleanup")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("removed what is older than 90 days (before ")
    assert "1 article texts, 1 stubs (1 files; approved stubs are kept)" in result.stdout
    stubs = [
        json.loads(s) for s in invoke(config, "stubs", "--format", "jsonl").stdout.splitlines()
    ]
    assert sorted(s["state"] for s in stubs) == ["approved", "draft"]
    assert len(list((tmp_path / "stubs").rglob("*.md"))) == 2
    again = invoke(config, "cleanup", "--format", "json")
    counts = json.loads(again.stdout)
    assert (counts["articles"], counts["stubs"], counts["older_than_days"]) == (0, 0, 90)


def test_check_config_accepts_a_good_file(two_feeds: Config) -> None:
    result = aggregator("--config", str(two_feeds.path), "check-config")
    assert result.returncode == 0, result.stderr
    assert "ok (2 feeds, 2 enabled)" in result.stdout


def test_check_config_names_the_file_feed_and_key(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[feeds]]\nname = "intranet"\nurl = "http://192.168.0.10/rss"\n')
    result = aggregator("check-config", config=path)
    assert result.returncode == 1
    assert f'{path}: feeds[1] "intranet".url: 192.168.0.10 is a private' in result.stderr
    assert "Traceback" not in result.stderr
