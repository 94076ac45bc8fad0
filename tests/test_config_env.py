"""Settings a deployment sets from outside the config file (`config_env.py`): the environment,
then the command's options, each named as where the value came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import load_config
from aggregator.config_env import ENVIRONMENT, overrides
from aggregator.errors import ConfigError
from tests.conftest import write_config


def test_overrides_environment_then_option_empty_is_unset() -> None:
    environ = {"AGGREGATOR_LISTEN": "0.0.0.0:80", "AGGREGATOR_DATABASE_URL": " "}
    assert overrides(environ) == {"listen": ("0.0.0.0:80", "$AGGREGATOR_LISTEN")}
    assert overrides(environ, {"listen": "127.0.0.1:9"}) == {"listen": ("127.0.0.1:9", "--listen")}
    assert overrides(environ, {"listen": None})["listen"][1] == "$AGGREGATOR_LISTEN"


def test_each_variable_overrides_its_key() -> None:
    environ = {variable: f" value of {key} " for key, variable in ENVIRONMENT.items()}
    assert overrides(environ) == {
        key: (f"value of {key}", f"${variable}") for key, variable in ENVIRONMENT.items()
    }
    assert overrides({}) == {}
    assert overrides({"AGGREGATOR_UNKNOWN": "x"}) == {}


def test_an_option_is_named_as_it_is_typed() -> None:
    found = overrides({}, {"database_url": "sqlite:///x.db"})
    assert found == {"database_url": ("sqlite:///x.db", "--database-url")}


def test_load_config_takes_the_override_and_an_error_names_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    write_config(path, [{"name": "city", "url": "https://example.org/feed"}])
    config = load_config(path, overrides({"AGGREGATOR_LISTEN": "127.0.0.1:9123"}))
    assert config.settings.listen == "127.0.0.1:9123"
    with pytest.raises(ConfigError, match=r"\$AGGREGATOR_LISTEN"):
        load_config(path, overrides({"AGGREGATOR_LISTEN": "no port here"}))
