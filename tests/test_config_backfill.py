"""The settings of a feed's first fetch and of the drafting text cap: defaults and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.app import backfill_of
from aggregator.config import load_config
from aggregator.errors import ConfigError
from tests.conftest import write_config

FEED = {"name": "a", "url": "https://e.org/f"}


def test_defaults_and_per_feed_overrides(tmp_path: Path) -> None:
    config = load_config(
        write_config(
            tmp_path / "f.toml",
            [FEED, {"name": "b", "url": "https://e.org/b", "backfill_items": 0}],
        )
    )
    assert config.settings.backfill_items == 20
    assert config.settings.max_items_per_feed == 50_000
    assert config.drafting.max_text_chars == 50_000
    assert (config.feeds[0].backfill_items, config.feeds[1].backfill_items) == (None, 0)
    backfill = backfill_of(config)
    assert (backfill("a"), backfill("b"), backfill("not in the config")) == (20, 0, 20)

    config = load_config(
        write_config(
            tmp_path / "g.toml",
            [FEED],
            {"backfill_items": 100, "max_items_per_feed": 200_000},
            "[drafting]\nmax_text_chars = 20000\n",
        )
    )
    assert backfill_of(config)("a") == 100
    assert config.settings.max_items_per_feed == 200_000
    assert config.drafting.max_text_chars == 20_000


@pytest.mark.parametrize(
    ("feed", "settings", "extra", "where", "says"),
    [
        ({}, {"backfill_items": -1}, "", "[settings].backfill_items", "between 0 and 1e+06"),
        ({}, {"backfill_items": "all"}, "", "[settings].backfill_items", "an integer"),
        ({}, {"backfill_items": True}, "", "[settings].backfill_items", "an integer"),
        ({"backfill_items": 2.5}, {}, "", 'feeds[1] "a".backfill_items', "an integer"),
        ({"backfill_items": -3}, {}, "", 'feeds[1] "a".backfill_items', "between 0"),
        (
            {},
            {},
            "[drafting]\nmax_text_chars = 10\n",
            "[drafting].max_text_chars",
            "between 1000 and 1e+07",
        ),
        ({}, {"max_items_per_feed": 0}, "", "[settings].max_items_per_feed", "between 1"),
    ],
)
def test_errors_name_the_file_the_key_and_what_is_expected(
    tmp_path: Path,
    feed: dict[str, object],
    settings: dict[str, object],
    extra: str,
    where: str,
    says: str,
) -> None:
    path = write_config(tmp_path / "bad.toml", [{**FEED, **feed}], settings, extra)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {where}: ")
    assert says in message
