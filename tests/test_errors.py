"""The one exception tree (`errors.py`): every error raised on purpose is an AggregatorError, and
a config error is one line naming the file, the place and the problem."""

from __future__ import annotations

import inspect

from aggregator import errors
from aggregator.errors import AggregatorError, ConfigError, FetchError


def test_every_error_class_is_an_aggregator_error() -> None:
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    assert len(classes) > 5
    assert all(issubclass(c, AggregatorError) for c in classes)


def test_fetch_errors_share_a_base() -> None:
    for name in (
        "BlockedAddress",
        "BlockedScheme",
        "TooLarge",
        "DeadlineExceeded",
        "TooManyRedirects",
        "BadEncoding",
    ):
        assert issubclass(getattr(errors, name), FetchError), name


def test_a_config_error_names_the_file_the_place_and_the_problem() -> None:
    error = ConfigError("/etc/a.toml", "feeds[2].url", "expected an http(s) URL")
    assert str(error) == "/etc/a.toml: feeds[2].url: expected an http(s) URL"
    assert (error.path, error.where, error.problem) == (
        "/etc/a.toml",
        "feeds[2].url",
        "expected an http(s) URL",
    )
    assert str(ConfigError("/etc/a.toml", "", "not found")) == "/etc/a.toml: not found"
    assert "\n" not in str(error)
