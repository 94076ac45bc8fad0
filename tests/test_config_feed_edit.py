"""Editing one `[[feeds]]` table in place: every byte not edited is kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from aggregator.config_edit import edit_config
from aggregator.config_feed_edit import remove_feed_table, set_feed_value
from aggregator.errors import ConfigError

TEXT = """# top
[settings]
contact_url = "https://example.org/c"

[[feeds]]
name = "alpha"   # first
url = 'https://a.example/feed'  # literal, with a comment
tags = [
  "[not a header]",
]
[feeds.rule]
body = "div"

[[feeds]]
name="beta"
url="https://b.example/feed"
"""


def test_a_literal_url_is_replaced_in_place_keeping_its_comment() -> None:
    url = 'https://a.example/new?x="q"'
    edited = set_feed_value(TEXT, "alpha", "url", url)
    assert edited == TEXT.replace("'https://a.example/feed'", r'"https://a.example/new?x=\"q\""')
    assert tomllib.loads(edited)["feeds"][0]["url"] == url


def test_a_missing_key_goes_before_the_sub_table() -> None:
    edited = set_feed_value(TEXT, "alpha", "enabled", False)
    assert edited == TEXT.replace("]\n[feeds.rule]", "]\nenabled = false\n[feeds.rule]")
    assert tomllib.loads(edited)["feeds"][0]["rule"] == {"body": "div"}


def test_the_last_table_without_a_final_newline_and_crlf_files() -> None:
    text = TEXT.rstrip("\n").replace("\n", "\r\n")
    edited = set_feed_value(text, "beta", "enabled", False)
    assert edited == text + "\r\nenabled = false\r\n"
    removed = remove_feed_table(text, "beta")
    assert removed == text[: text.index('\r\n[[feeds]]\r\nname="beta"')]


def test_removing_a_table_takes_its_sub_tables_and_a_blank_line() -> None:
    removed = remove_feed_table(TEXT, "alpha")
    assert removed == TEXT[: TEXT.index("[[feeds]]")] + TEXT[TEXT.index('[[feeds]]\nname="beta"') :]
    assert [f["name"] for f in tomllib.loads(removed)["feeds"]] == ["beta"]


def test_an_unknown_feed_leaves_the_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(ConfigError, match="no \\[\\[feeds\\]\\] table named 'gamma'"):
        edit_config(path, lambda text: set_feed_value(text, "gamma", "enabled", False))
    assert path.read_text(encoding="utf-8") == TEXT
