"""The laid-out stub spelt as Markdown, for the file an editor opens anywhere.

Every text comes from a feed, an article or a backend, so it is escaped before it meets Markdown
syntax: a title must not become a link, an image, raw HTML, a heading or a list item in whatever
renderer the editor uses. Characters that make inline markup are backslash-escaped wherever they
are, characters that make blocks only where a line (or a list item) starts, and the colon after
a URL scheme and the dot after "www", so that extended-autolink renderers do not turn text into
links. Link targets are already absolute http(s) and go in angle brackets with the characters
that could end them percent-encoded.
"""

from __future__ import annotations

import re

from aggregator.drafting.render_illustration import Figure
from aggregator.drafting.render_layout import (
    EMPHASIS,
    MARK,
    SMALL,
    STRONG,
    Block,
    Bullets,
    Heading,
    Line,
    Paragraph,
    Quote,
    Rule,
    Span,
)
from aggregator.sanitize import strip_control_chars

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&#$@])")
_LINE_START_SYMBOL = re.compile(r"^(\s*)([-+=:])")
_LINE_START_NUMBER = re.compile(r"^(\s*\d+)([.)])")
_AUTOLINK_START = re.compile(
    r"(?i)\b(https?|ftp|mailto|javascript|vbscript|data|file)(:)|\b(www)(\.)"
)
_WHITESPACE = re.compile(r"\s+")
_URL_ESCAPES = {
    "<": "%3C",
    ">": "%3E",
    "\\": "%5C",
    " ": "%20",
    "`": "%60",
    '"': "%22",
}
_MARKERS = {STRONG: "**", MARK: "**", EMPHASIS: "*", SMALL: "*"}


def write_markdown(blocks: tuple[Block, ...]) -> str:
    """Markdown text of `blocks`, blocks separated by blank lines, ending with a newline."""
    chunks: list[str] = []
    previous: Block | None = None
    for block in blocks:
        chunks.append(_block(block, after_list=isinstance(previous, Bullets)))
        previous = block
    return "\n\n".join(chunk for chunk in chunks if chunk) + "\n"


def escape_markdown(text: str) -> str:
    """`text` as literal Markdown on one line: no markup, link, tag or block can come out of it."""
    text = _WHITESPACE.sub(" ", strip_control_chars(text))
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK_START.sub(_escape_autolink, text)
    text = _LINE_START_SYMBOL.sub(r"\1\\\2", text)
    return _LINE_START_NUMBER.sub(r"\1\\\2", text)


def markdown_destination(url: str) -> str:
    """A link target for `[text](<...>)`: nothing in it can close the brackets or escape."""
    return "".join(_URL_ESCAPES.get(char, char) for char in _WHITESPACE.sub("", url))


def _block(block: Block, *, after_list: bool) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {_line((Span(block.text),))}"
    if isinstance(block, Paragraph):
        return _line(block.line)
    if isinstance(block, Bullets):
        bullet = "*" if after_list else "-"
        return "\n".join(f"{bullet} {_line(item)}" for item in block.items)
    if isinstance(block, Quote):
        return "\n>\n".join(f"> {_line(paragraph.line)}" for paragraph in block.paragraphs)
    if isinstance(block, Rule):
        return "---"
    if isinstance(block, Figure):
        return _figure(block)
    raise TypeError(f"not a block: {block!r}")


def _figure(figure: Figure) -> str:
    """The image (or, without a credit, a link to it), then its caption, credit and licence."""
    licence = Span(figure.licence, SMALL, figure.licence_url)
    credit = _line((Span(figure.credit, SMALL), Span(" — "), licence))
    caption = _line((Span(figure.caption),)) if figure.caption else ""
    if figure.src is None:
        shown = _line((Span(figure.link_text, url=figure.link),))
        shown += f" — {caption}" if caption else ""
    else:
        image = f"![{escape_markdown(figure.alt)}](<{markdown_destination(figure.src)}>)"
        shown = f"{image}\\\n{caption}" if caption else image
    return f"{shown}\\\n{credit}"


def _line(line: Line) -> str:
    return "".join(_span(span) for span in line).strip()


def _span(span: Span) -> str:
    raw = _WHITESPACE.sub(" ", strip_control_chars(span.text))
    text = raw.strip()
    if not text:
        return raw
    body = escape_markdown(text)
    if span.url is not None:
        body = f"[{body}](<{markdown_destination(span.url)}>)"
    marker = _MARKERS.get(span.style, "")
    lead = " " if raw[0] == " " else ""
    tail = " " if raw[-1] == " " else ""
    return f"{lead}{marker}{body}{marker}{tail}"


def _escape_autolink(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return f"{match.group(1)}\\{match.group(2)}"
    return f"{match.group(3)}\\{match.group(4)}"
