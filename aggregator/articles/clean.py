"""The last step before an article is stored: sanitised HTML, uniform plain text, a hash.

Rule, generic and feed articles all pass through here, so that whatever found them, the stored
HTML obeys the same allow-list (aggregator.sanitize) and the stored text has the same shape:
one paragraph per block, blank lines between blocks, single spaces inside. Change detection
and near-duplicate checks compare that text, so its shape must not depend on the extractor.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import unicodedata

import nh3

from aggregator.sanitize import MAX_HTML_TAGS, clean_html, strip_control_chars

__all__ = [
    "MAX_ARTICLE_CHARS",
    "article_text",
    "clean_article_html",
    "content_hash",
    "normalised_text",
]

# Longer than any article; clean_html's own tag cap (10,000 tags) applies as well.
MAX_ARTICLE_CHARS = 1_000_000

_PARAGRAPH = "\ue000"  # private-use marks: cannot come from the page, removed beforehand
_LINE = "\ue001"
_MARKS = re.compile("[\ue000\ue001]")
_BLOCK_START = re.compile(
    r"<(?=/?(?:p|div|h[1-6]|li|dt|dd|dl|ul|ol|blockquote|pre|figure|figcaption|caption|table"
    r"|thead|tbody|tfoot|tr|section|article|header|footer|aside|main|nav|address|details"
    r"|summary|hr)\b)",
    re.IGNORECASE,
)
_BREAK = re.compile(r"<(?=br\b)", re.IGNORECASE)
_TEXT_ONLY = nh3.Cleaner(
    tags=set(),
    clean_content_tags={"script", "style", "template", "noscript", "title", "textarea"},
    attributes={},
    link_rel=None,
)


def clean_article_html(html: str, base_url: str) -> str:
    """Sanitised article HTML: links and images absolute against `base_url`, http(s) only.

    No scripts, styles, forms, frames, event handlers or inline styles survive (nh3 with the
    feed allow-list of aggregator.sanitize); input past MAX_ARTICLE_CHARS is cut first.
    """
    return clean_html(html, base_url, max_chars=MAX_ARTICLE_CHARS)


def article_text(html: str) -> str:
    """Plain text of an article fragment, one block per paragraph.

    Paragraphs, headings, list items, blockquotes (and the other block elements) are separated
    by a blank line; `<br>` becomes a newline; other whitespace collapses to single spaces.
    Markup past MAX_HTML_TAGS tags is cut first, as in clean_html: the HTML parser behind nh3
    slows down quadratically on deep nesting (cleaned HTML never reaches the limit).
    """
    markup = _MARKS.sub("", strip_control_chars(html[:MAX_ARTICLE_CHARS]))
    if markup.count("<") > MAX_HTML_TAGS:
        end = -1
        for _ in range(MAX_HTML_TAGS + 1):
            end = markup.find("<", end + 1)
        markup = markup[:end]
    if "<" in markup:
        markup = _BREAK.sub(_LINE + "<", _BLOCK_START.sub(_PARAGRAPH + "<", markup))
        markup = _TEXT_ONLY.clean(markup)
    text = htmllib.unescape(markup) if "&" in markup else markup
    paragraphs = []
    for block in text.split(_PARAGRAPH):
        lines = (" ".join(line.split()) for line in block.split(_LINE))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return strip_control_chars("\n\n".join(paragraphs))


def normalised_text(text: str) -> str:
    """The text that `content_hash` hashes: NFC, whitespace runs collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str) -> str:
    """SHA-256 hex of the normalised text: re-wrapping or re-spacing does not change it."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()


# Code, not text: dropped before parsing, so a page of megabytes of script parses in no time.
# JSON-LD stays, the generic extractor reads its metadata.
_CODE_START = re.compile(r"<!--|<(script|style|template|svg)\b([^<>]*)>?", re.IGNORECASE)
_CODE_END = {
    tag: re.compile(rf"</{tag}\b[^<>]*>?" if tag else "-->", re.IGNORECASE)
    for tag in ("", "script", "style", "template", "svg")
}


def strip_code(html: str) -> str:
    """Remove comments, scripts, styles, templates and inline SVG, in one linear pass.

    An unclosed one swallows the rest of the page, as it would in a browser.
    """
    pieces, pos = [], 0
    while (found := _CODE_START.search(html, pos)) is not None:
        tag = (found.group(1) or "").lower()
        closing = _CODE_END[tag].search(html, found.end())
        if tag == "script" and "ld+json" in (found.group(2) or "").lower():
            keep_to = closing.start() if closing else len(html)
            pieces.append(html[pos:keep_to])
            pos = keep_to
            continue
        pieces.append(html[pos : found.start()])
        if closing is None:
            return "".join(pieces)
        pos = closing.end()
    pieces.append(html[pos:])
    return "".join(pieces)
