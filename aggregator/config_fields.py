"""One definition per setting: its default, its range and its help, on the dataclass field.

A table of `config/feeds.toml` is a frozen dataclass whose keys are fields made by `setting()`:

    timeout: float = setting(60.0, 1, 3600, help="seconds for one request to the backend")

`read_plain` reads and checks every number (its range) and every true/false key of such a
table, `table_keys` names the keys `check_keys` allows, and `aggregator.config_docs` writes the
README's settings tables from the same fields. Keys whose values need more than a type and a
range (URLs, lists, choices) are still read by their table's own code, with their own messages.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from aggregator.config_reader import TableReader

T = TypeVar("T")
_META = "aggregator.setting"


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """What `setting()` says of one key."""

    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    shown: str | None = None
    """The default as the README says it, when it is not a plain value ("number of cores")."""
    allowed: str | None = None
    """What a key checked by its table's own code accepts, as the README says it."""


@overload
def setting(
    default: T,
    low: float | None = None,
    high: float | None = None,
    *,
    help: str,
    choices: tuple[str, ...] = (),
    shown: str | None = None,
    allowed: str | None = None,
) -> T: ...


@overload
def setting(
    *,
    factory: Callable[[], T],
    low: float | None = None,
    high: float | None = None,
    help: str,
    choices: tuple[str, ...] = (),
    shown: str | None = None,
    allowed: str | None = None,
) -> T: ...


@overload
def setting(
    *,
    help: str,
    choices: tuple[str, ...] = (),
    shown: str,
    allowed: str | None = None,
) -> Any: ...


def setting(
    default: Any = dataclasses.MISSING,
    low: float | None = None,
    high: float | None = None,
    *,
    factory: Callable[[], Any] | None = None,
    help: str,
    choices: tuple[str, ...] = (),
    shown: str | None = None,
    allowed: str | None = None,
) -> Any:
    """A dataclass field that is a key of its table: `low`..`high` bound a number (both or
    neither), `help` is the README's meaning, `shown` the default when it is computed and
    `allowed` what a key its table's code checks accepts. With neither `default` nor `factory`
    the key is required (its `shown` says what stands in)."""
    if (low is None) != (high is None):
        raise ValueError("a range needs both its ends")
    info = SettingInfo(help, low, high, choices, shown, allowed)
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={_META: info})
    return dataclasses.field(default=default, metadata={_META: info})


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a table, as its dataclass defines it."""

    name: str
    info: SettingInfo
    kind: str
    """The annotation without `| None`: "int", "float", "bool", "str", ..."""
    default: Any
    """The default value (a `factory`'s result), or MISSING for a required key."""


def table_keys(cls: type[Any]) -> tuple[Key, ...]:
    """The keys of the table `cls` stands for, in field order (fields not made by `setting()`
    are not keys)."""
    keys = []
    for field in dataclasses.fields(cls):
        info = field.metadata.get(_META)
        if not isinstance(info, SettingInfo):
            continue
        default = field.default
        if field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        written = field.type if isinstance(field.type, str) else _written(field.type)
        kind = written.replace(" | None", "").strip()
        keys.append(Key(field.name, info, kind, default))
    return tuple(keys)


def _written(annotation: Any) -> str:
    """An annotation as source spells it, for a module without postponed annotations."""
    return getattr(annotation, "__name__", None) or str(annotation)


def is_integer(key: Key) -> bool:
    return key.kind == "int"


def read_plain(cls: type[Any], r: TableReader) -> dict[str, Any]:
    """The ranged numbers and the true/false keys of `cls` that the table sets, checked: a
    number with a fraction comes back as a float, an integer key refuses one."""
    values: dict[str, Any] = {}
    for key in table_keys(cls):
        if key.info.low is not None and key.info.high is not None:
            integer = is_integer(key)
            value = r.number(key.name, key.info.low, key.info.high, integer=integer)
            if value is not None:
                values[key.name] = value if integer else float(value)
        elif key.kind == "bool":
            value = r.get(key.name, bool, "true or false")
            if value is not None:
                values[key.name] = value
    return values


def choices_of(key: Key) -> tuple[str, ...]:
    """The values a key may take: its `choices`, or those of its enum default."""
    if key.info.choices:
        return key.info.choices
    if isinstance(key.default, enum.Enum):
        return tuple(str(member.value) for member in type(key.default))
    return ()


def key_names(cls: type[Any]) -> set[str]:
    """The keys `TableReader.check_keys` allows in the table of `cls`."""
    return {key.name for key in table_keys(cls)}
