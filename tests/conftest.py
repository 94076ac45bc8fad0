from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from aggregator.config import Config, load_config
from tests.loopback import Loopback

# Property tests look for wrong answers, not slow ones: on a busy machine hypothesis's 200 ms
# deadline per example fails tests that are right. Time bounds on pathological input are
# pytest-timeout's (`timeout` markers), with room for a loaded machine.
settings.register_profile("aggregator", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("aggregator")

if TYPE_CHECKING:
    from tests.helpers.feeds import Harness

_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def no_network_beyond_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.1 only: any other name lookup fails loudly instead of leaving."""
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in _LOOPBACK_NAMES and not name.startswith("127."):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {name!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


TEST_DATABASE_ENV = "AGGREGATOR_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on an SQLite file and on PostgreSQL (an empty schema for each test)."""
    if request.param == "sqlite":
        (tmp_path / "var").mkdir(exist_ok=True)  # only the default var/ is ever made for us
        return f"sqlite:///{tmp_path / 'var' / 'a.db'}"
    return empty_postgresql()


@pytest.fixture
def postgresql_url() -> str:
    """An empty PostgreSQL database, for tests of what only PostgreSQL does (workers)."""
    return empty_postgresql()


def empty_postgresql() -> str:
    url = os.environ.get(TEST_DATABASE_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {TEST_DATABASE_ENV}=postgresql+psycopg://... (.ci/run sets it)"
        )
    from aggregator.storage.engine import create_engine

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def site() -> Iterator[Loopback]:
    server = Loopback().start()
    try:
        yield server
    finally:
        server.stop()


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


def write_config(
    path: Path,
    feeds: list[dict[str, Any]],
    settings: dict[str, Any] | None = None,
    extra: str = "",
) -> Path:
    lines = ["[settings]"]
    for key, value in (settings or {}).items():
        lines.append(f"{key} = {toml_value(value)}")
    for feed in feeds:
        lines.append("\n[[feeds]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in feed.items()]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


TEST_SETTINGS: dict[str, Any] = {
    "contact_url": "https://example.org/contact",
    "allow_private_networks": ["127.0.0.1/32"],
    "per_host_connections": 4,
    "per_host_gap": 0.0,
    "parse_workers": 0,
    "request_deadline": 5,
    "jitter": 0.0,
    "listen": "127.0.0.1:0",
}


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """A real config file in tmp_path with a SQLite database beside it."""

    def make(feeds: list[dict[str, Any]], extra: str = "", **settings: Any) -> Config:
        """`extra` is TOML appended as it is: [drafting], [[categories]], [[rules]]."""
        merged = {
            "database_url": f"sqlite:///{tmp_path / 'aggregator.db'}",
            **TEST_SETTINGS,
            **settings,
        }
        return load_config(write_config(tmp_path / "feeds.toml", feeds, merged, extra))

    return make


@pytest.fixture
def harness(site: Loopback, make_config: Callable[..., Config]) -> Callable[..., Harness]:
    """Feeds at these paths of the loopback site, fetched through the whole app."""
    from tests.helpers.feeds import Harness

    def make(*paths: str, **settings: Any) -> Harness:
        feeds = [{"name": p.strip("/"), "url": site.url(p)} for p in paths]
        return Harness(make_config(feeds, **settings))

    return make
