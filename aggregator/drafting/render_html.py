"""The laid-out stub spelt as an HTML fragment, for the digest feed and the editors' page.

Every text is HTML-escaped as it is written and every link was already limited to absolute
http(s); the finished fragment then goes through the project's sanitiser all the same, so that a
mistake here cannot put markup from a feed on an editor's screen. The sanitiser's allow-list has
no h1, class or data attributes, so the fragment uses what it keeps: headings start at h2 (the
page or feed entry around the fragment has its own h1), the kind of each part is a visible
<mark> label, offsets are a <small> note and a translated part's original is a <blockquote>.
"""

from __future__ import annotations

import html
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
from aggregator.sanitize import clean_html, strip_control_chars

_TAGS = {STRONG: "strong", MARK: "mark", EMPHASIS: "em", SMALL: "small"}
_TOP_HEADING = 2
_WHITESPACE = re.compile(r"\s+")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def write_html(blocks: tuple[Block, ...]) -> str:
    """A sanitised HTML fragment of `blocks`."""
    return clean_html("\n".join(_block(block) for block in blocks), base_url=None)


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        tag = f"h{min(block.level + _TOP_HEADING - 1, 6)}"
        return f"<{tag}{_lang(block.lang)}>{_text(block.text)}</{tag}>"
    if isinstance(block, Paragraph):
        return f"<p{_lang(block.lang)}>{_line(block.line)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{_line(item)}</li>" for item in block.items)
        return f"<ul{_lang(block.lang)}>{items}</ul>"
    if isinstance(block, Quote):
        paragraphs = "".join(_block(paragraph) for paragraph in block.paragraphs)
        return f"<blockquote>{paragraphs}</blockquote>"
    if isinstance(block, Rule):
        return "<hr>"
    if isinstance(block, Figure):
        return _figure(block)
    raise TypeError(f"not a block: {block!r}")


def _figure(figure: Figure) -> str:
    """An image with its caption, credit and licence in one `<figure>`; a link (no `<img>`)
    when no credit is known or the address is unusable."""
    caption = _text(figure.caption) if figure.caption else ""
    licence = _text(figure.licence)
    if figure.licence_url is not None:
        licence = f'<a href="{html.escape(figure.licence_url, quote=True)}">{licence}</a>'
    credit = f"<small>{_text(figure.credit)} — {licence}</small>"
    if figure.src is None:
        name = _text(figure.link_text)
        if figure.link is not None:
            name = f'<a href="{html.escape(figure.link, quote=True)}">{name}</a>'
        return f"<p>{name}{' — ' + caption if caption else ''}<br>{credit}</p>"
    image = f'<img src="{html.escape(figure.src, quote=True)}" alt="{_text(figure.alt)}">'
    text = f"{caption}<br>{credit}" if caption else credit
    return f"<figure>{image}<figcaption>{text}</figcaption></figure>"


def _line(line: Line) -> str:
    return "".join(_span(span) for span in line).strip()


def _span(span: Span) -> str:
    body = _text(span.text)
    if span.url is not None:
        body = f'<a href="{html.escape(span.url, quote=True)}">{body}</a>'
    tag = _TAGS.get(span.style)
    return f"<{tag}{_lang(span.lang)}>{body}</{tag}>" if tag else body


def _lang(language: str | None) -> str:
    """A `lang` attribute for text in another language than the page's, when it is a tag."""
    if language is None or not _LANGUAGE_TAG.fullmatch(language):
        return ""
    return f' lang="{language}"'


def _text(text: str) -> str:
    return html.escape(_WHITESPACE.sub(" ", strip_control_chars(text)), quote=True)
