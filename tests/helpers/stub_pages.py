"""A stub's Markdown and HTML pages as a reader sees them, and the text under each heading."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt

from aggregator.drafting.render import render_html, render_markdown
from aggregator.stub_records import Stub

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def markdown_page(stub: Stub) -> BeautifulSoup:
    """The Markdown rendering as a CommonMark viewer shows it."""
    return _soup(MarkdownIt("commonmark").enable("table").render(render_markdown(stub)))


def html_page(stub: Stub) -> BeautifulSoup:
    return _soup(render_html(stub))


PAGES = pytest.mark.parametrize("page", [markdown_page, html_page], ids=["markdown", "html"])


Page = Callable[[Stub], BeautifulSoup]


def _soup(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def _text(node: Tag | BeautifulSoup) -> str:
    return " ".join(node.get_text(" ").split())


def headings(soup: BeautifulSoup) -> list[tuple[int, str]]:
    return [(int(h.name[1]), _text(h)) for h in soup.find_all(HEADING_TAGS)]


def sections(soup: BeautifulSoup) -> dict[str, str]:
    """Text under each heading up to the next heading, keyed by the heading's text."""
    found: dict[str, list[str]] = {}
    current = None
    for node in soup.children:
        if not isinstance(node, Tag):
            continue
        if node.name in HEADING_TAGS:
            current = _text(node)
            found[current] = []
        elif current is not None:
            found[current].append(_text(node))
    return {name: " ".join(texts) for name, texts in found.items()}
