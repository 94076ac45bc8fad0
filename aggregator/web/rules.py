"""The rules every value an editor sends must pass, in one place for the pages and the API.

- A JSON body is at most `MAX_JSON_DEPTH` arrays and objects deep (looked at before it is
  parsed, so 1,000 nested `[` are refused, not a `RecursionError`), UTF-8, and has no lone
  surrogates (`"\\ud800"`), which no text can be stored as.
- A form body is UTF-8 after percent-decoding too: `%FF` is refused, never stored as U+FFFD.
- An editor's name is 1 to `MAX_NAME_CHARS` characters of printable text: no control
  characters (C0, DEL, C1), no bidirectional overrides or isolates, no other invisible format
  characters except the joiners some scripts need; runs of spaces become one.
- A category is one of the config's `[[categories]]` or its default category.

Each refusal is a `BadInput` whose message says what was wrong and what is expected.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

MAX_JSON_DEPTH = 32
MAX_NAME_CHARS = 80
MAX_FORM_FIELDS = 60
"""The stub page's one form: a text and a digest per part, the version, name and token; the
list's bulk form: a box for each of a page's 50 stubs, the state, name, token and list."""
JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: format characters that Persian, Indic scripts and emoji
need, and the only ones a name may hold."""
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


NAME_PATTERN = (
    "^[^\\u0000-\\u001f\\u007f-\\u009f"
    + "".join(f"\\u{ord(c):04x}" for c in sorted(BIDI_CONTROLS))
    + "\\u200b\\u2028\\u2029\\u2060-\\u2064\\ufeff]{1,80}$"
)
"""The name rule as a JSON Schema pattern, for the API's description: controls, bidirectional
controls and the common invisible characters. (The rule itself refuses every format character
but the joiners, which a pattern without Unicode classes cannot say.)"""
NAME_RULE = (
    "1 to 80 characters of printable text: no control characters (C0, DEL, C1), no "
    "bidirectional overrides or isolates, no invisible format characters except the "
    "zero-width joiner and non-joiner; runs of spaces become one."
)


class BadInput(ValueError):
    """A value that breaks a rule; the message says which and why."""


def json_document(raw: bytes) -> Any:
    """The JSON value of `raw`; BadInput when it is not UTF-8, not JSON, nested too deeply or
    holds a lone surrogate."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the body is not UTF-8: byte {exc.start} cannot be read") from None
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise BadInput(
            f"the body nests arrays and objects {depth} deep; at most {MAX_JSON_DEPTH} are read"
        )
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise BadInput(f"the body is not valid JSON: {exc}") from None
    for string in _strings(value):
        if _has_surrogate(string):
            raise BadInput("the body holds a lone surrogate (\\ud800-\\udfff): not text")
    return value


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in `text`, brackets inside strings not counted; read
    in one pass without parsing, so any depth is measured safely."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def form_fields(raw: bytes) -> list[tuple[str, str]]:
    """The fields of an urlencoded form; BadInput when it is not UTF-8, before or after
    percent-decoding, or has more than MAX_FORM_FIELDS fields."""
    try:
        text = raw.decode("utf-8")
        return parse_qsl(
            text,
            keep_blank_values=True,
            max_num_fields=MAX_FORM_FIELDS,
            encoding="utf-8",
            errors="strict",
        )
    except UnicodeDecodeError:
        raise BadInput("the form is not UTF-8: send this page's form as it is") from None
    except ValueError:
        raise BadInput(f"the form has more than {MAX_FORM_FIELDS} fields") from None


def editor_name(value: str) -> str:
    """`value` as an editor's name, its runs of spaces made one; BadInput naming the first
    character that is not allowed, or the length."""
    for position, char in enumerate(value, 1):
        problem = _name_problem(char)
        if problem is not None:
            raise BadInput(
                f"an editor's name cannot hold {problem} (U+{ord(char):04X}, character "
                f"{position}); use printable text"
            )
    name = " ".join(value.split())
    if len(name) > MAX_NAME_CHARS:
        raise BadInput(f"an editor's name has at most {MAX_NAME_CHARS} characters")
    return name


def category_name(value: str, allowed: Iterable[str]) -> str:
    """`value` when it is one of `allowed` (after trimming its spaces); BadInput listing them."""
    names = list(dict.fromkeys(allowed))
    chosen = value.strip()
    if chosen in names:
        return chosen
    shown = chosen if len(chosen) <= 40 and chosen.isprintable() else f"{chosen[:40]!r}..."
    raise BadInput(f"{shown} is not a category; categories are {', '.join(names)}")


def _name_problem(char: str) -> str | None:
    if char == " ":
        return None
    kind = unicodedata.category(char)
    if char in BIDI_CONTROLS:
        return "a bidirectional control"
    if kind == "Cc":
        return "a control character"
    if kind == "Cf" and char not in JOINERS:
        return "an invisible format character"
    if kind in ("Zl", "Zp"):
        return "a line or paragraph separator"
    if kind == "Cs":
        return "a lone surrogate"
    if kind in ("Cn", "Co"):
        return "an unassigned or private-use character"
    return None


def _strings(value: Any) -> Iterable[str]:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)
