"""One definition per setting (`config_fields.py`): every key of every table is a field holding
its default, its range and its help; the reader checks ranges and booleans from those fields."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aggregator.auth.settings import WebSettings
from aggregator.config import Settings
from aggregator.config_fields import (
    choices_of,
    is_integer,
    key_names,
    read_plain,
    setting,
    table_keys,
)
from aggregator.config_reader import TableReader
from aggregator.digest.settings import DigestSettings
from aggregator.drafting.settings import DraftingSettings
from aggregator.errors import ConfigError
from aggregator.workers.settings import WorkerSettings

PATH = Path("/etc/aggregator/feeds.toml")
TABLES: tuple[type[Any], ...] = (
    Settings,
    DraftingSettings,
    DigestSettings,
    WorkerSettings,
    WebSettings,
)
NOT_KEYS = {(DraftingSettings, "categories")}
"""Fields filled from elsewhere than their own table: `[[categories]]`."""


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True, slots=True)
class Example:
    days: int = setting(7, 1, 30, help="days kept")
    share: float = setting(0.5, 0, 1, help="a fraction")
    limit: int | None = setting(None, 0, 99, help="a cap, unset by default")
    on: bool = setting(False, help="a switch")
    name: str = setting("x", help="a name")
    colour: Colour = setting(Colour.RED, help="a colour")
    cores: int = setting(factory=lambda: 4, low=1, high=8, help="cores", shown="the cores")
    derived: tuple[str, ...] = ()


def read(**table: object) -> dict[str, Any]:
    return read_plain(Example, TableReader(table, PATH, "[example]"))


def test_the_keys_are_the_fields_made_by_setting_in_their_order() -> None:
    keys = table_keys(Example)
    assert [k.name for k in keys] == ["days", "share", "limit", "on", "name", "colour", "cores"]
    assert key_names(Example) == {k.name for k in keys}
    by_name = {k.name: k for k in keys}
    assert by_name["cores"].default == 4
    assert by_name["cores"].info.shown == "the cores"
    assert by_name["limit"].kind == "int"
    assert is_integer(by_name["limit"])
    assert not is_integer(by_name["share"])
    assert Example().cores == 4


def test_choices_come_from_the_definition_or_the_enum_default() -> None:
    by_name = {k.name: k for k in table_keys(Example)}
    assert choices_of(by_name["colour"]) == ("red", "blue")
    assert choices_of(by_name["name"]) == ()
    web = {k.name: k for k in table_keys(WebSettings)}
    assert choices_of(web["auth"]) == ("auto", "builtin", "proxy", "none")


def test_a_range_needs_both_ends() -> None:
    with pytest.raises(ValueError, match="both its ends"):
        setting(1, 0, help="half a range")


def test_read_plain_returns_only_what_the_table_sets() -> None:
    assert read() == {}
    values = read(days=30, share=1, limit=0, on=True, name="ignored here")
    assert values == {"days": 30, "share": 1.0, "limit": 0, "on": True}
    assert isinstance(values["share"], float)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"days": 31}, "[example].days: expected an integer between 1 and 30, got 31"),
        ({"days": 1.5}, "[example].days: expected an integer between 1 and 30, got 1.5"),
        ({"days": True}, "[example].days: expected an integer between 1 and 30, got True"),
        ({"share": 2}, "[example].share: expected a number between 0 and 1, got 2"),
        ({"limit": "9"}, "[example].limit: expected an integer between 0 and 99, got '9'"),
        ({"on": "yes"}, "[example].on: expected true or false, got 'yes'"),
    ],
)
def test_a_bad_value_names_the_file_the_key_and_the_fix(
    table: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        read(**table)
    assert str(raised.value) == f"{PATH}: {message}"


@pytest.mark.parametrize("cls", TABLES, ids=lambda cls: cls.__name__)
def test_every_field_of_every_table_is_defined_once_with_its_help(cls: type[Any]) -> None:
    keys = {k.name for k in table_keys(cls)}
    for field in dataclasses.fields(cls):
        if (cls, field.name) in NOT_KEYS:
            assert field.name not in keys
        else:
            assert field.name in keys, f"{cls.__name__}.{field.name} is not made by setting()"
    for key in table_keys(cls):
        assert key.info.help.strip(), f"{cls.__name__}.{key.name} has no help"


@pytest.mark.parametrize("cls", TABLES, ids=lambda cls: cls.__name__)
def test_every_range_holds_its_default_and_bounds_a_number(cls: type[Any]) -> None:
    for key in table_keys(cls):
        if key.info.low is None or key.info.high is None:
            continue
        assert key.kind in ("int", "float"), f"{cls.__name__}.{key.name} is a {key.kind}"
        assert key.info.low < key.info.high
        if key.default is not None:
            assert key.info.low <= key.default <= key.info.high, key.name


@pytest.mark.parametrize("cls", TABLES, ids=lambda cls: cls.__name__)
def test_every_default_is_read_back_as_itself(cls: type[Any]) -> None:
    """A table that spells out every ranged or true/false default reads as the defaults."""
    table = {
        k.name: k.default
        for k in table_keys(cls)
        if k.default is not None
        and (k.kind == "bool" or k.info.low is not None)
        and k.default is not dataclasses.MISSING
    }
    assert table, cls.__name__
    assert read_plain(cls, TableReader(table, PATH, "[t]")) == table


def test_the_kind_is_read_from_evaluated_annotations_too() -> None:
    @dataclass(frozen=True)
    class Evaluated:
        days: int = setting(7, 1, 30, help="days kept")
        share: float = setting(0.5, 0, 1, help="a fraction")

    Evaluated.__dataclass_fields__["days"].type = int
    Evaluated.__dataclass_fields__["share"].type = float | None
    kinds = {key.name: key.kind for key in table_keys(Evaluated)}
    assert kinds == {"days": "int", "share": "float"}
