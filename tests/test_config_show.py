"""`aggregator config --show` (`config_show.py`): every setting with where it came from, and no
secret shown: URL passwords, secret query parameters and keys named as secrets are masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.config import load_config
from aggregator.config_env import overrides
from aggregator.config_show import MASK, effective, mask, mask_url
from tests.conftest import write_config


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p%40ss@db:5432/a", "postgresql://u:***@db:5432/a"),
        ("postgresql://u@db/a", "postgresql://u@db/a"),
        ("https://h/v1?token=abc&q=1", "https://h/v1?token=***&q=1"),
        ("sqlite:////var/a.db", "sqlite:////var/a.db"),
        ("not a url", "not a url"),
    ],
)
def test_mask_url_case(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_mask_hides_keys_named_as_secrets_but_not_names_of_variables() -> None:
    assert mask("api_key", "sk-123") == MASK
    assert mask("password", "") == ""
    assert mask("api_key_env", "OPENAI_KEY") == "OPENAI_KEY"
    assert mask("backend", {"api_key": "k", "model": "m"}) == {"api_key": MASK, "model": "m"}
    assert mask("urls", ["postgresql://u:pw@db/a", "x"]) == ["postgresql://u:***@db/a", "x"]
    assert mask("workers", 3) == 3


SECRET = st.text(st.sampled_from("QZXJW"), min_size=1, max_size=12)
PLAIN = st.text(st.sampled_from("abcdefghik"), min_size=1, max_size=10)


@given(PLAIN, SECRET, PLAIN, PLAIN, SECRET, st.sampled_from(["token", "api_key", "Password"]))
def test_no_password_or_secret_parameter_survives_mask_url(
    user: str, password: str, host: str, path: str, secret: str, name: str
) -> None:
    url = f"postgresql://{user}:{password}@{host}:5432/{path}?{name}={secret}&sslmode=require"
    shown = mask_url(url)
    assert password not in shown
    assert secret not in shown
    assert shown == f"postgresql://{user}:***@{host}:5432/{path}?{name}=***&sslmode=require"


@given(st.text(max_size=80))
def test_mask_url_of_any_text_leaves_text_without_an_address_alone(text: str) -> None:
    shown = mask_url(text)
    if "://" not in text:
        assert shown == text


DRAFTING = """[drafting]
backend = "openai"
base_url = "https://u:pw@api.example.org/v1"
model = "m"
api_key_env = "TEST_SHOW_KEY"
"""


def test_effective_shows_each_setting_with_its_source(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    database = f"sqlite:///{tmp_path / 'aggregator.db'}"
    write_config(
        path,
        [{"name": "city", "url": "https://example.org/feed"}],
        {
            "contact_url": "https://example.org/contact",
            "database_url": database,
            "retention_days": 30,
        },
        extra=DRAFTING,
    )
    config = load_config(path, overrides({"AGGREGATOR_LISTEN": "127.0.0.1:9124"}))
    shown = {(s.section, s.key): s for s in effective(config, {"TEST_SHOW_KEY": "sk-1"})}
    assert shown["settings", "retention_days"].value == 30
    assert shown["settings", "retention_days"].source == "file"
    assert shown["settings", "listen"].source == "$AGGREGATOR_LISTEN"
    assert shown["settings", "listen"].value == "127.0.0.1:9124"
    assert shown["drafting", "api_key_env"].note == "set"
    assert shown["drafting", "categories"].value == 0
    assert shown["drafting", "base_url"].value == "https://u:***@api.example.org/v1"
    assert {"settings", "drafting", "digest", "workers"} <= {section for section, _ in shown}
    unset = {(s.section, s.key): s for s in effective(config, {})}
    assert unset["drafting", "api_key_env"].note == "not set in this environment"
    defaults = [s for s in effective(config, {}) if s.source == "default"]
    assert defaults
