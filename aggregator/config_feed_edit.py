"""Change or remove one `[[feeds]]` table in the config file, keeping everything else as written.

`config_edit` adds tables; this finds an existing one by its place in the file (the n-th
`[[feeds]]` header is `feeds[n]`, as tomllib reads it), then edits only the lines it must:
one value replaced in place (its comment after it kept), one `key = value` line added after the
table's last key, or the table's lines (with its sub-tables such as `[feeds.rule]`) taken out.
The result goes through `replace_config`, so the file changes only if it still loads.
"""

from __future__ import annotations

import tomllib

from aggregator.config_edit import _ONE_LINE_VALUE, _lines, toml_string


def feed_span(text: str, name: str) -> tuple[int, int]:
    """Offsets of the `[[feeds]]` table named `name`: from its header line to the end of its
    last key line (sub-tables included); comments and blank lines after it are not its own."""
    feeds = tomllib.loads(text).get("feeds", [])
    names = [f.get("name", "").strip() if isinstance(f, dict) else "" for f in feeds]
    if name not in names:
        raise ValueError(f"no [[feeds]] table named {name!r}")
    lines = _lines(text)
    headers = [
        i for i, line in enumerate(lines) if line.kind == "header" and line.table == {"feeds": [{}]}
    ]
    if len(headers) != len(names):
        raise ValueError("the feeds are not all written as [[feeds]] tables")
    first = headers[names.index(name)]
    end = lines[first].end
    for line in lines[first + 1 :]:
        if line.kind == "header" and ("feeds" not in line.table or line.table == {"feeds": [{}]}):
            break
        if line.kind in ("header", "content"):
            end = line.end
    return lines[first].start, end


def set_feed_value(text: str, name: str, key: str, value: str | bool) -> str:
    """`text` with `key = value` in the feed's table: the old value replaced where it stands,
    else a new line after the table's last line of its own keys."""
    start, end = feed_span(text, name)
    literal = ("true" if value else "false") if isinstance(value, bool) else toml_string(value)
    own = []  # the table's own lines: up to its first sub-table
    for line in _lines(text):
        if line.start < start or line.start >= end:
            continue
        if line.kind == "header" and line.start != start:
            break
        own.append(line)
    for line in own:
        if line.key == key:
            match = _ONE_LINE_VALUE.match(text, line.start, line.end)
            if match is None:
                raise ValueError(f"{key} of feed {name!r} is not a one-line value")
            return text[: match.start(2)] + literal + text[match.end(2) :]
    last = next(line for line in reversed(own) if line.kind in ("header", "content"))
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"  # the file's
    head = text[: last.end]
    if not head.endswith(("\n", "\r")):
        head += newline
    return head + f"{key} = {literal}{newline}" + text[last.end :]


def remove_feed_table(text: str, name: str) -> str:
    """`text` without the feed's table; one blank line before it goes too."""
    start, end = feed_span(text, name)
    before = text[:start]
    if before.endswith("\n\n"):
        before = before[:-1]
    elif before.endswith("\r\n\r\n"):
        before = before[:-2]
    return before + text[end:]
