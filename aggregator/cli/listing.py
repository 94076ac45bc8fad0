"""What the listing commands share: `--format table|json|jsonl`, `--limit`, `--since`, and
unknown names refused in one line with the valid ones."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

if TYPE_CHECKING:
    from aggregator.storage.store import FeedRow

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "jsonl")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(\d+)\s*([smhdw])")
MAX_NAMES_SHOWN = 20


def parse_since(text: str, now: datetime) -> datetime:
    """A date (`2026-12-01`, midnight UTC), a date and time (ISO 8601, UTC unless it says
    otherwise) or a duration back from `now` (`90s`, `30m`, `12h`, `7d`, `2w`, `1d12h`)."""
    value = text.strip().lower()
    if value and _DURATION.sub("", value).strip() == "" and _DURATION.search(value):
        seconds = sum(int(n) * _UNITS[unit] for n, unit in _DURATION.findall(value))
        return now - timedelta(seconds=seconds)
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a date (2026-12-01), a date and time (2026-12-01T08:00) "
            "nor a duration (30m, 12h, 7d, 2w)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


class Since(click.ParamType[datetime]):
    name = "DATE|DURATION"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_since(str(value), datetime.now(UTC))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def format_option(fn: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="A table for people, one JSON array (json) or one JSON object a line (jsonl).",
    )(fn)


def limit_option(fn: F) -> F:
    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="At most N rows (the newest, for items and stubs).",
    )(fn)


def since_option(what: str) -> Callable[[F], F]:
    def decorate(fn: F) -> F:
        return click.option(
            "--since",
            type=Since(),
            default=None,
            help=f"Only {what} since a date (2026-12-01), a date and time (ISO 8601, UTC) "
            "or a duration back from now (30m, 12h, 7d, 2w).",
        )(fn)

    return decorate


class UnknownName(click.ClickException):
    """A name a filter cannot match: usage error (exit 2), said in one line."""

    exit_code = 2


def check_names(
    option: str, given: Iterable[str], valid: Iterable[str], noun: str | None = None
) -> None:
    """Refuse names that match nothing, naming the valid ones (the first 20 of them)."""
    known = sorted(set(valid))
    unknown = [name for name in dict.fromkeys(given) if name not in known]
    if not unknown:
        return
    shown = ", ".join(known[:MAX_NAMES_SHOWN]) or "none"
    if len(known) > MAX_NAMES_SHOWN:
        shown += f" (+{len(known) - MAX_NAMES_SHOWN} more)"
    names = ", ".join(repr(name) for name in unknown)
    raise UnknownName(f"{option}: no {noun or option.lstrip('-')} {names}; valid: {shown}")


def refuse_retired(rows: Iterable[FeedRow], names: Sequence[str]) -> None:
    """A feed named to be fetched that a 410 retired is an error saying how to enable it, not a
    silent "none due"."""
    for row in rows:
        if row.name in names and row.retired_at is not None:
            raise click.ClickException(
                f"feed {row.name!r} is retired ({row.last_error or 'HTTP 410 Gone'}); "
                f"run `aggregator enable {row.name}` to fetch it again"
            )


def newest(rows: Sequence[Any], limit: int | None) -> Sequence[Any]:
    """The last `limit` rows of a list in ascending order (all of them without a limit)."""
    return rows if limit is None else rows[-limit:]


def write_json(records: Iterable[Mapping[str, Any]], fmt: str, out: TextIO | None = None) -> None:
    """`json`: one array; `jsonl`: one object a line. Dates as ISO 8601."""
    stream = out or sys.stdout
    if fmt == "jsonl":
        for record in records:
            stream.write(json.dumps(record, default=json_default, ensure_ascii=False) + "\n")
        return
    json.dump(list(records), stream, default=json_default, ensure_ascii=False, indent=2)
    stream.write("\n")


def json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
