"""A stub as the page it drafts: Markdown for the file an editor opens, HTML for the digest feed.

Both come from one layout (`render_layout`), so the two renderings show the same parts in the
same order with the same marks of who made them; each writer escapes every text for its syntax.
"""

from __future__ import annotations

from aggregator.drafting.render_html import write_html
from aggregator.drafting.render_layout import layout
from aggregator.drafting.render_markdown import write_markdown
from aggregator.stub_records import Stub

__all__ = ["render_html", "render_markdown"]


def render_markdown(stub: Stub) -> str:
    """The stub as a Markdown document, ending with a newline."""
    return write_markdown(layout(stub))


def render_html(stub: Stub) -> str:
    """The stub as a sanitised HTML fragment (headings from h2; no h1 of its own)."""
    return write_html(layout(stub))
