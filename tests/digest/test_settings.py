"""`[digest]`: defaults from `[settings].listen`, the states shorthands, errors naming the key."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aggregator.config import Config
from aggregator.digest.settings import DigestSettings, base_url_of
from aggregator.errors import ConfigError

FEEDS = [{"name": "a", "url": "https://example.org/feed"}]


def test_defaults(make_config: Callable[..., Config]) -> None:
    digest = make_config(FEEDS, listen="127.0.0.1:8080").digest
    assert digest == DigestSettings()
    assert digest.states == ("draft", "reviewed", "approved")
    assert digest.base_url == "http://127.0.0.1:8080"


def test_base_url_follows_listen_unless_set(make_config: Callable[..., Config]) -> None:
    assert make_config(FEEDS, listen="0.0.0.0:9000").digest.base_url == "http://0.0.0.0:9000"
    set_url = '[digest]\nbase_url = "https://news.example.org/desk/"\n'
    assert make_config(FEEDS, set_url).digest.base_url == "https://news.example.org/desk"
    assert base_url_of("[::1]:8080") == "http://[::1]:8080"


@pytest.mark.parametrize(
    ("value", "states"),
    [
        ('"all"', ("draft", "reviewed", "approved")),
        ('"approved"', ("approved",)),
        ('["approved", "reviewed"]', ("reviewed", "approved")),
        ('["rejected"]', ("rejected",)),
    ],
)
def test_states(make_config: Callable[..., Config], value: str, states: tuple[str, ...]) -> None:
    assert make_config(FEEDS, f"[digest]\nstates = {value}\n").digest.states == states


def test_every_key(make_config: Callable[..., Config]) -> None:
    extra = '[digest]\ntitle = "  Desk   digest "\nwindow_days = 3\nlimit = 20\ncache_seconds = 0\n'
    digest = make_config(FEEDS, extra).digest
    assert (digest.title, digest.window_days, digest.limit, digest.cache_seconds) == (
        "Desk digest",
        3,
        20,
        0,
    )


@pytest.mark.parametrize(
    ("extra", "key", "fix"),
    [
        ('states = "some"', "[digest].states", '"approved"'),
        ("states = []", "[digest].states", "list of states"),
        ('states = ["draft", "gone"]', "[digest].states", "list of states"),
        ("limit = 0", "[digest].limit", "between 1 and 1000"),
        ("window_days = 1.5", "[digest].window_days", "an integer"),
        ("cache_seconds = true", "[digest].cache_seconds", "an integer"),
        ('base_url = "ftp://x.org"', "[digest].base_url", "http(s) URL"),
        ('base_url = "https://x.org/?a=1"', "[digest].base_url", "without query"),
        ('title = "  "', "[digest].title", "non-empty"),
        ("colour = 1", "[digest].colour", "unknown key"),
    ],
)
def test_errors_name_the_file_and_key(
    make_config: Callable[..., Config], extra: str, key: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config(FEEDS, f"[digest]\n{extra}\n")
    assert caught.value.where == key
    assert caught.value.path.endswith("feeds.toml")
    assert fix in caught.value.problem
