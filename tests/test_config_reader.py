"""Typed reading of one TOML table (`config_reader.py`): values of the wrong type or out of range
are one error naming the file, the key and what was expected; URLs compared as the same address."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.config_reader import TableReader, table_of, url_key
from aggregator.errors import ConfigError

PATH = Path("/etc/aggregator/config.toml")


def reader(**table: object) -> TableReader:
    return TableReader(table, PATH, "settings")


def test_get_returns_the_value_or_none_when_unset() -> None:
    assert reader(name="city").get("name", str, "a string") == "city"
    assert reader().get("name", str, "a string") is None


def test_a_value_of_the_wrong_type_names_the_file_key_and_what_was_expected() -> None:
    with pytest.raises(ConfigError) as raised:
        reader(name=3).get("name", str, "a string")
    message = str(raised.value)
    assert str(PATH) in message
    assert "settings.name" in message
    assert "expected a string, got 3" in message


def test_a_boolean_is_not_a_number_unless_booleans_are_asked_for() -> None:
    with pytest.raises(ConfigError, match="expected an integer between 1 and 10, got True"):
        reader(workers=True).number("workers", 1, 10)
    assert reader(on=True).get("on", bool, "true or false") is True
    assert reader(on=True).get("on", (bool, int), "a flag") is True


def test_number_checks_its_range_and_integers() -> None:
    assert reader(days=30).number("days", 1, 3650) == 30
    with pytest.raises(ConfigError, match="between 1 and 3650, got 0"):
        reader(days=0).number("days", 1, 3650)
    with pytest.raises(ConfigError, match="expected an integer"):
        reader(days=1.5).number("days", 1, 3650)
    assert reader(share=0.5).number("share", 0, 1, integer=False) == 0.5


def test_check_keys_names_the_unknown_key_and_the_known_ones() -> None:
    reader(days=1).check_keys({"days", "listen"})
    with pytest.raises(
        ConfigError, match=r"settings\.dayz.*unknown key; expected one of: days, listen"
    ):
        reader(dayz=1).check_keys({"days", "listen"})


def test_table_of_refuses_what_is_not_a_table() -> None:
    assert table_of({"a": 1}, PATH, "digest") == {"a": 1}
    with pytest.raises(ConfigError, match=r"digest.*expected a table"):
        table_of([1, 2], PATH, "digest")


@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(0, 100), st.integers(0, 100))
def test_number_accepts_exactly_the_range(value: int, low: int, span: int) -> None:
    high = low + span
    if low <= value <= high:
        assert reader(n=value).number("n", low, high) == value
    else:
        with pytest.raises(ConfigError):
            reader(n=value).number("n", low, high)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("HTTPS://Example.ORG:443/feed#top", "https://example.org/feed"),
        ("http://example.org", "http://example.org/"),
        (" http://example.org/a?x=1 ", "http://example.org/a?x=1"),
        ("http://[::1]:80/feed", "http://[::1]/feed"),
    ],
)
def test_url_key_spots_the_same_address(one: str, other: str) -> None:
    assert url_key(one) == url_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("http://example.org:8080/", "http://example.org/"),
        ("http://example.org/a", "https://example.org/a"),
        ("http://example.org/a?x=1", "http://example.org/a?x=2"),
        ("http://example.org/A", "http://example.org/a"),
    ],
)
def test_url_key_keeps_different_addresses_apart(one: str, other: str) -> None:
    assert url_key(one) != url_key(other)


@given(st.text(max_size=100))
def test_url_key_of_any_text_is_stable(text: str) -> None:
    key = url_key(text)
    assert url_key(key) == key
