from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import config_path, load_config
from aggregator.errors import ConfigError
from tests.conftest import write_config

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_config_is_valid() -> None:
    config = load_config(ROOT / "config" / "feeds.toml")
    assert any("globalvoices.org" in f.url for f in config.feeds)
    assert config.settings.database_url == f"sqlite:///{ROOT / 'var' / 'aggregator.db'}"


def test_config_path_precedence() -> None:
    assert config_path("a.toml", {"AGGREGATOR_CONFIG": "b.toml"}) == Path("a.toml")
    assert config_path(None, {"AGGREGATOR_CONFIG": "b.toml"}) == Path("b.toml")
    assert config_path(None, {}) == Path("config/feeds.toml")


def test_defaults(tmp_path: Path) -> None:
    config = load_config(
        write_config(tmp_path / "f.toml", [{"name": "a", "url": "https://e.org/f"}])
    )
    s = config.settings
    assert s.allow_private_networks is False
    assert s.default_interval == 60
    assert config.feeds[0].enabled is True


@pytest.mark.parametrize(
    ("feeds", "settings", "where", "says"),
    [
        ([{"name": "a"}], {}, 'feeds[1] "a".url', "required"),
        ([{"url": "https://e.org/"}], {}, "feeds[1].name", "required"),
        ([{"name": "a", "url": "ftp://e.org/"}], {}, 'feeds[1] "a".url', "http:// or https://"),
        (
            [{"name": "a", "url": "https://e.org/"}, {"name": "a", "url": "https://f.org/"}],
            {},
            'feeds[2] "a".name',
            "duplicate",
        ),
        (
            [{"name": "a", "url": "https://e.org/", "interval": "hourly"}],
            {},
            ".interval",
            "integer",
        ),
        ([{"name": "a", "url": "https://e.org/", "colour": "red"}], {}, ".colour", "unknown key"),
        (
            [{"name": "a", "url": "https://e.org/", "enabled": "yes"}],
            {},
            ".enabled",
            "true or false",
        ),
        ([], {"per_host_gap": -1}, "[settings].per_host_gap", "between 0 and 3600"),
        ([], {"max_redirects": True}, "[settings].max_redirects", "integer"),
        ([], {"contact_url": "me"}, "[settings].contact_url", "mailto:"),
        ([], {"allow_private_networks": ["10.0.0.1/8"]}, "allow_private_networks", "CIDR"),
        ([], {"database_url": "mysql://x"}, "[settings].database_url", "postgresql://"),
    ],
)
def test_errors_name_the_file_the_place_and_what_is_expected(
    tmp_path: Path,
    feeds: list[dict[str, object]],
    settings: dict[str, object],
    where: str,
    says: str,
) -> None:
    path = write_config(tmp_path / "bad.toml", feeds, settings)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert where in message
    assert says in message


def test_unreadable_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found; pass --config"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[settings\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_extraction_rules_per_feed_and_per_site(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        "[[feeds]]\n"
        'name = "paper"\n'
        'url = "https://news.example/rss"\n'
        'rule = { body = "div.story", drop = [".share", "aside"] }\n'
        "\n[[rules]]\n"
        'hosts = ["blog.example"]\n'
        'body = ["article .content", "main"]\n'
    )
    config = load_config(path)
    feed_rule = config.feeds[0].rule
    assert feed_rule is not None
    assert (feed_rule.name, feed_rule.hosts, feed_rule.body) == (
        "feed paper",
        ("news.example",),
        ("div.story",),
    )
    assert config.rules[0] is feed_rule
    assert config.rules[1].hosts == ("blog.example",)
    assert any("globalvoices.org" in r.hosts for r in config.rules)


def test_a_broken_selector_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nhosts = ["a.example"]\nbody = "div[class="\n')
    with pytest.raises(ConfigError, match=r"rules\[1\]: body"):
        load_config(path)


@pytest.mark.parametrize(
    ("url", "settings"),
    [
        ("http://10.0.0.1/feed", {}),
        ("http://2130706433/feed", {"allow_private_networks": ["10.0.0.0/8"]}),
        ("http://[::ffff:10.0.0.1]/feed", {}),
    ],
)
def test_a_feed_naming_a_refused_address_is_a_problem_not_a_stop(
    tmp_path: Path, url: str, settings: dict[str, object]
) -> None:
    path = write_config(
        tmp_path / "feeds.toml",
        [{"name": "good", "url": "https://e.org/feed"}, {"name": "intranet", "url": url}],
        settings,
    )
    config = load_config(path)
    assert [f.name for f in config.feeds] == ["good", "intranet"]
    (problem,) = config.problems
    message = str(problem)
    assert message.startswith(str(path))
    assert 'feeds[2] "intranet".url' in message
    assert "allow_private_networks" in message
