"""`[web]`: how the desk tells who is asking, read with errors naming the file, key and fix."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aggregator.auth.model import AuthMode
from aggregator.auth.settings import WebSettings, effective_mode, parse_web, proxy_networks
from aggregator.config import Config
from aggregator.errors import ConfigError

PATH = Path("config/feeds.toml")


def test_defaults() -> None:
    settings = parse_web({}, PATH)
    assert settings == WebSettings()
    assert settings.auth == "auto"
    assert effective_mode(settings, accounts_exist=False) is AuthMode.NONE
    assert effective_mode(settings, accounts_exist=True) is AuthMode.BUILTIN


def test_every_key() -> None:
    settings = parse_web(
        {
            "auth": "Proxy",
            "session_hours": 8,
            "proxy_header": "X-Forwarded-User",
            "proxy_addresses": ["127.0.0.1", " 10.0.0.0/8", "fd00::/8"],
            "allow_anonymous": True,
            "failures_before_delay": 5,
            "max_delay_seconds": 60,
        },
        PATH,
    )
    assert settings == WebSettings(
        auth="proxy",
        session_hours=8.0,
        proxy_header="X-Forwarded-User",
        proxy_addresses=("127.0.0.1/32", "10.0.0.0/8", "fd00::/8"),
        allow_anonymous=True,
        failures_before_delay=5,
        max_delay_seconds=60.0,
    )
    assert effective_mode(settings, accounts_exist=False) is AuthMode.PROXY
    assert ipaddress.ip_address("10.1.2.3") in proxy_networks(settings)[1]


@pytest.mark.parametrize(
    ("table", "key", "says"),
    [
        ({"auth": "ldap"}, "auth", "expected one of 'auto', 'builtin', 'proxy', 'none'"),
        ({"auth": True}, "auth", "expected one of"),
        ({"auth": "proxy"}, "proxy_addresses", 'proxy_addresses = ["127.0.0.1"]'),
        ({"proxy_addresses": ["10.0.0.300"]}, "proxy_addresses", "is not an address or CIDR"),
        ({"proxy_addresses": ["10.0.0.1/8"]}, "proxy_addresses", "has host bits set"),
        ({"proxy_addresses": [10]}, "proxy_addresses", "as strings"),
        ({"proxy_addresses": "10.0.0.1"}, "proxy_addresses", "a list such as"),
        ({"proxy_header": "Remote User"}, "proxy_header", "a header name"),
        ({"session_hours": 0}, "session_hours", "between 0.05 and"),
        ({"failures_before_delay": 0.5}, "failures_before_delay", "an integer"),
        ({"allow_anonymous": "yes"}, "allow_anonymous", "true or false"),
        ({"secret": "x"}, "secret", "unknown key; expected one of"),
    ],
)
def test_mistakes_name_the_key_and_the_fix(table: dict[str, Any], key: str, says: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_web(table, PATH)
    assert error.value.where == f"[web].{key}"
    assert says in error.value.problem


def test_the_config_reads_its_web_table(make_config: Callable[..., Config]) -> None:
    config = make_config([], '\n[web]\nauth = "builtin"\nsession_hours = 2\n')
    assert (config.web.auth, config.web.session_hours) == ("builtin", 2.0)
    with pytest.raises(ConfigError) as error:
        make_config([], '\n[web]\nauth = "proxy"\n')
    assert str(error.value).startswith(f"{config.path}: [web].proxy_addresses: ")
