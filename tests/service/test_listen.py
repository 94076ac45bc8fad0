"""A desk nobody signs in to is served on loopback only: `aggregator run` on another address
refuses to start with one line naming the key and the fixes, unless `[web].allow_anonymous`,
which is logged as a warning; with an account, or on loopback, it starts as before."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aggregator.auth.model import AuthMode, Role
from aggregator.auth.settings import WebSettings
from aggregator.config import Config
from aggregator.errors import ConfigError
from aggregator.service.listen import anonymous_exposure, is_loopback
from aggregator.storage.store import Store
from tests.helpers.accounts import add_account
from tests.helpers.logged_service import LoggedService
from tests.helpers.service import free_port


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.2.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.10", False),
        ("desk.example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def with_web(config: Config, **web: Any) -> Config:
    return dataclasses.replace(config, web=WebSettings(**web))


def test_anonymous_exposure(make_config: Callable[..., Config]) -> None:
    config = make_config([])
    assert not anonymous_exposure(config, AuthMode.NONE, "127.0.0.1")
    assert not anonymous_exposure(config, AuthMode.BUILTIN, "0.0.0.0")
    assert not anonymous_exposure(with_web(config, auth="proxy"), AuthMode.PROXY, "0.0.0.0")
    with pytest.raises(ConfigError) as refused:
        anonymous_exposure(config, AuthMode.NONE, "0.0.0.0")
    assert refused.value.where == "[web].auth"
    assert "no account exists yet" in refused.value.problem
    with pytest.raises(ConfigError) as configured:
        anonymous_exposure(with_web(config, auth="none"), AuthMode.NONE, "192.168.1.10")
    assert 'auth = "none"' in configured.value.problem
    assert anonymous_exposure(with_web(config, allow_anonymous=True), AuthMode.NONE, "0.0.0.0")


def run(config_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aggregator", "--config", str(config_path), "run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_refuses_an_open_desk_on_an_address_other_than_loopback(
    make_config: Callable[..., Config],
) -> None:
    config = make_config([], listen=f"0.0.0.0:{free_port()}")
    finished = run(config.path)
    assert finished.returncode == 1
    lines = finished.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: {config.path}: [web].auth: nobody signs in")
    assert "aggregator users add NAME --role admin" in lines[-1]
    assert 'auth = "proxy"' in lines[-1]
    assert "allow_anonymous = true" in lines[-1]
    assert "service.started" not in finished.stderr


def test_run_on_any_address_once_an_account_exists(make_config: Callable[..., Config]) -> None:
    config = make_config([], listen=f"0.0.0.0:{free_port()}")
    store = Store.open(config.settings.database_url)
    try:
        add_account(store, "ada", Role.ADMIN)
    finally:
        store.close()
    service = LoggedService(config)
    try:
        service.wait(lambda: bool(service.named("service.started")), 60, "service.started")
        assert service.named("service.started")[0]["auth"] == "builtin"
        assert service.stop()[0] == 0
    finally:
        service.kill()


def test_allow_anonymous_starts_with_a_warning(make_config: Callable[..., Config]) -> None:
    config = make_config([], "\n[web]\nallow_anonymous = true\n", listen=f"0.0.0.0:{free_port()}")
    service = LoggedService(config)
    try:
        service.wait(lambda: bool(service.named("service.anonymous_desk")), 60, "the warning")
        (warning,) = service.named("service.anonymous_desk")
        assert warning["level"] == "warning"
        assert "allow_anonymous" in warning["reason"]
        assert service.named("service.started")[0]["auth"] == "none"
        assert service.stop()[0] == 0
    finally:
        service.kill()
