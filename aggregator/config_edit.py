"""Add `[[feeds]]` tables to the config file without disturbing anything already in it.

The config is written by people: its comments, order and blank lines are theirs. So it is never
re-serialised: new tables are spliced in as text right after the last `[[feeds]]` table (and its
sub-tables such as `[feeds.rule]`), before whatever follows, or at the end when there is none.
Finding where a table ends needs a little lexing, because a line that starts with `[` inside a
multi-line array or string is not a table header.

The edited text is written to a temporary file beside the config, loaded as a config, and only
then moved over the original in one `os.replace`: on any error the file is left as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator.config import Config, load_config
from aggregator.errors import ConfigError

MAX_NAME_CHARS = 60

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f]')
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_BARE_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")
_ONE_LINE_VALUE = re.compile(
    r"""(\s*[A-Za-z0-9_-]+\s*=\s*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|true|false)"""
)
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
_MAX_LANGUAGE = 35


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """A `[[feeds]]` table to add: only the keys a new feed needs."""

    name: str
    url: str
    language: str | None = None
    tags: tuple[str, ...] = ()


# -- writing TOML ---------------------------------------------------------------------------


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as is."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _ESCAPES.get(char) or f"\\u{ord(char):04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, value) + '"'


def feed_table(entry: FeedEntry, newline: str = "\n") -> str:
    """The `[[feeds]]` table of one entry, ending with a newline."""
    lines = ["[[feeds]]", f"name = {toml_string(entry.name)}", f"url = {toml_string(entry.url)}"]
    if entry.language:
        lines.append(f"language = {toml_string(entry.language)}")
    if entry.tags:
        lines.append("tags = [" + ", ".join(toml_string(t) for t in entry.tags) + "]")
    return newline.join(lines) + newline


# -- finding where the feeds end ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    end: int
    """Offset just after the line (and its line break) in the text."""
    kind: str
    """"header", "content" (a key, or a continuation of a value), "comment" or "blank"."""
    table: Any = None
    """For a header: what the header line alone parses to, e.g. {"feeds": [{}]}."""
    key: str | None = None
    """For the first line of a `key = value` pair: the bare key."""
    start: int = 0
    """Offset of the line's first character."""


def _scan_value(line: str, quote: str | None, depth: int) -> tuple[str | None, int]:
    """Carry the lexer state (open multi-line string, bracket depth) across one line."""
    i, n = 0, len(line)
    while i < n:
        if quote is not None:
            if quote == '"""' and line[i] == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += 3
                while i < n and line[i] == quote[0]:
                    i += 1  # up to two quotes may end the string's content
                quote = None
                continue
            i += 1
            continue
        char = line[i]
        if char == "#":
            break
        if char in "\"'":
            if line.startswith(char * 3, i):
                quote, i = char * 3, i + 3
                continue
            i += 1
            while i < n and line[i] != char:
                i += 2 if char == '"' and line[i] == "\\" else 1
            i += 1
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return quote, depth


def _lines(text: str) -> list[_Line]:
    result: list[_Line] = []
    quote: str | None = None
    depth = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        stripped = line.strip()
        if quote is not None or depth > 0:
            quote, depth = _scan_value(line, quote, depth)
            result.append(_Line(offset, "content", start=start))
        elif not stripped:
            result.append(_Line(offset, "blank", start=start))
        elif stripped.startswith("#"):
            result.append(_Line(offset, "comment", start=start))
        elif stripped.startswith("["):
            try:
                table = tomllib.loads(stripped)
            except tomllib.TOMLDecodeError:
                raise ValueError(f"not a table header: {stripped[:80]!r}") from None
            result.append(_Line(offset, "header", table, start=start))
        else:
            quote, depth = _scan_value(line, quote, depth)
            match = _BARE_KEY.match(line)
            key = match.group(1) if match else None
            result.append(_Line(offset, "content", key=key, start=start))
    return result


def insertion_offset(text: str) -> int | None:
    """Where new `[[feeds]]` tables go: the end of the last line that belongs to the last
    `[[feeds]]` table or its sub-tables; None when the text has no `[[feeds]]` table."""
    lines = _lines(text)
    last = None
    for index, line in enumerate(lines):
        if line.kind == "header" and line.table == {"feeds": [{}]}:
            last = index
    if last is None:
        return None
    end = lines[last].end
    for line in lines[last + 1 :]:
        if line.kind == "header" and "feeds" not in line.table:
            break
        if line.kind in ("header", "content"):
            end = line.end
    return end


def append_feeds(text: str, entries: Sequence[FeedEntry]) -> str:
    """`text` with one `[[feeds]]` table per entry spliced in; every other byte is kept.

    The new tables follow the last `[[feeds]]` table, each after a blank line, in the file's own
    line breaks. Raises ValueError when the text cannot be lexed as TOML.
    """
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    block = "".join(newline + feed_table(entry, newline) for entry in entries)
    offset = insertion_offset(text)
    if offset is None:
        offset = len(text)
    head, tail = text[:offset], text[offset:]
    if head and not head.endswith(("\n", "\r")):
        head += newline
    if not head:
        block = block.removeprefix(newline)
    return head + block + tail


# -- names and addresses --------------------------------------------------------------------


def slugify(text: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """`Le Monde — International` → `le-monde-international`; "" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_NAME.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_chars].rstrip("-")


def unique_name(base: str, taken: Collection[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken yet."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def language_code(value: str | None) -> str | None:
    """A language tag as the config keeps it (`en`, `pt-br`), or None for anything else."""
    code = (value or "").strip().replace("_", "-").lower()
    if len(code) > _MAX_LANGUAGE or not _LANGUAGE.fullmatch(code):
        return None
    return code


# -- replacing the file ---------------------------------------------------------------------


def add_feeds(path: Path, entries: Sequence[FeedEntry]) -> Config:
    """Append `entries` to the config file at `path` and return the config as now loaded.

    Raises ConfigError, with the file unchanged, when the result would not be a valid config.
    """
    return edit_config(path, lambda text: append_feeds(text, entries), failure="is not valid TOML")


def edit_config(
    path: Path, edit: Callable[[str], str], *, failure: str = "cannot be edited"
) -> Config:
    """Apply `edit` to the config file's text and write it back if it still loads; returns the
    config as now loaded. Raises ConfigError, the file unchanged, otherwise."""
    target = path.resolve()
    try:
        original = target.read_bytes()
        text = original.decode("utf-8")
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "", "is not UTF-8 text") from None
    try:
        edited = edit(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), "", f"{failure}: {exc}") from None
    if edited != text:
        replace_config(path, original, edited.encode("utf-8"))
    return load_config(path)


def replace_config(path: Path, original: bytes, new: bytes) -> None:
    """Write `new` beside the config, load it as a config, then move it over `path`, provided
    the file still holds `original`. On any failure the file is unchanged."""
    target = path.resolve()
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, target.stat().st_mode & 0o7777)
        try:
            edited = load_config(Path(temporary))
            known = {problem.where for problem in load_config(target).problems}
            added = [problem for problem in edited.problems if problem.where not in known]
            if added:  # a feed we would refuse to fetch is not added in the first place
                raise added[0]
        except ConfigError as exc:
            raise ConfigError(
                str(path), exc.where, f"{exc.problem} (after the edit; the file is unchanged)"
            ) from None
        if target.read_bytes() != original:
            raise ConfigError(str(path), "", "changed while it was being edited; try again")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable; some systems do not allow opening a directory, which is fine."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
