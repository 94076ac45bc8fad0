"""`[drafting]` and `[[categories]]`: defaults, and errors that name the key and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator.config import Config, load_config
from aggregator.drafting.settings import Backend, StructuredOutput
from aggregator.errors import ConfigError

FEEDS = [{"name": "a", "url": "https://example.org/feed"}]


def test_defaults_work_offline_with_no_backend(make_config: Callable[..., Config]) -> None:
    drafting = make_config(FEEDS).drafting
    assert drafting.backend == "none"
    assert drafting.categories == ()
    assert drafting.disclaimer("ja").startswith("【免責事項】")
    assert drafting.disclaimer("xx") == drafting.disclaimer("en")


def test_the_closed_choices_are_read_as_their_enums(make_config: Callable[..., Config]) -> None:
    extra = (
        '[drafting]\nbackend = "openai"\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n'
        'structured_output = "json_schema"\n'
    )
    drafting = make_config(FEEDS, extra).drafting
    assert drafting.backend is Backend.OPENAI
    assert drafting.structured_output is StructuredOutput.JSON_SCHEMA
    assert make_config(FEEDS).drafting.structured_output is StructuredOutput.JSON_OBJECT


def test_the_shipped_config_has_categories_and_credits_global_voices() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "config" / "feeds.toml")
    assert config.drafting.categories
    assert config.settings.target_language == "ja"
    feed = config.feed("globalvoices")
    assert feed is not None
    assert feed.source is not None
    assert feed.source.licence == "CC BY 3.0"
    assert feed.source.attribution == "Global Voices"


@pytest.mark.parametrize(
    ("extra", "where", "fix"),
    [
        ('[drafting]\nbackend = "gpt"\n', "[drafting].backend", "'openai'"),
        ('[drafting]\nbackend = "openai"\nmodel = "m"\n', "[drafting].base_url", "Ollama"),
        ('[drafting]\nbackend = "deepl"\n', "[drafting].api_key_env", "environment variable"),
        ("[drafting]\ndaily_budget = 2.0\n", "[drafting].daily_budget", "price"),
        ("[drafting]\nsummary_sentences = 9\n", "[drafting].summary_sentences", "between 3"),
        ("[drafting]\ncolour = 1\n", "[drafting].colour", "unknown key"),
        ('[[categories]]\nname = "X"\n', "categories[1].name", "at least one"),
        ('[[categories]]\nname = "X"\nkeywords = [""]\n', "categories[1].keywords", "non-empty"),
    ],
)
def test_mistakes_name_the_file_the_key_and_the_fix(
    tmp_path: Path, make_config: Callable[..., Config], extra: str, where: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config(FEEDS, extra)
    message = str(caught.value)
    assert str(tmp_path / "feeds.toml") in message
    assert where in message
    assert fix in message


def test_a_feed_carries_its_target_language_and_credits(make_config: Callable[..., Config]) -> None:
    feed = {**FEEDS[0], "target_language": "ja", "licence": "CC BY 4.0", "source_name": "Ex"}
    (parsed,) = make_config([feed]).feeds
    assert parsed.target_language == "ja"
    assert parsed.source is not None
    assert parsed.source.name == "Ex"
    with pytest.raises(ConfigError, match="licence_url"):
        make_config([{**FEEDS[0], "licence_url": "ftp://x"}])
