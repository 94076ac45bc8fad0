"""HTML, text, URL and XML-prolog hygiene for everything that comes out of a feed.

Feed content is attacker-controlled markup that we store and later show to people, so it goes
through nh3 (ammonia) with a short allow-list: feedparser's own sanitiser let known XSS vectors
through and is slower. Links must end up absolute http(s); anything else (javascript:, data:,
relative with no base to resolve against) is dropped rather than repaired. XML documents lose
their DTD internal subset before any parser sees them, since entity declarations are how
expansion bombs and external-entity reads get in.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable
from contextvars import ContextVar
from urllib.parse import urljoin, urlsplit

import nh3

__all__ = [
    "categories",
    "clean_html",
    "html_to_text",
    "plain_text",
    "safe_http_url",
    "strip_control_chars",
    "strip_internal_subset",
    "text_to_html",
]

MAX_HTML_CHARS = 1_000_000
# html5ever checks element scope on every block start tag, so deeply nested markup costs
# O(depth^2): 10,000 nested divs take ~0.2 s, 100,000 over 30 s. Real articles stay far below.
MAX_HTML_TAGS = 10_000
MAX_URL_CHARS = 8_192

_ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    # `lang` marks text in another language than the page's (an original beside its translation)
    **{tag: {"lang"} for tag in ("blockquote", "h2", "h3", "h4", "li", "p", "small", "ul")},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# Elements whose content is code or UI, never article text: dropped with everything inside.
_DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "iframe", "object", "embed", "applet", "svg", "math",
        "form", "select", "textarea", "button", "noembed", "noframes", "title",
    }
)  # fmt: skip
_LINK_REL = "noopener noreferrer nofollow"

_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_URL_NOISE = re.compile("[\x00-\x1f\x7f]")
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|li|dt|dd|h[1-6]|tr|td|th|blockquote|pre|section|article|figcaption|hr)\b)",
    re.IGNORECASE,
)
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")

_XML_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_DOCTYPE = re.compile(rb"\s*<!DOCTYPE\b", re.IGNORECASE)
_DOCTYPE_TOKEN = re.compile(rb"[\"'\[>]")
_SUBSET_TOKEN = re.compile(rb"[\"'\]]|<!--|<\?")
_SUBSET_END = {b'"': b'"', b"'": b"'", b"<!--": b"-->", b"<?": b"?>"}

_base_url: ContextVar[str | None] = ContextVar("aggregator_sanitize_base_url", default=None)


def strip_control_chars(text: str) -> str:
    """Remove C0/C1 controls (except tab and newlines), lone surrogates and non-characters.

    They break XML, JSON and database drivers downstream, and a lone surrogate cannot even be
    encoded to UTF-8 (nor handed to nh3).
    """
    if _CONTROL_CHARS.search(text) is None:
        return text
    return _CONTROL_CHARS.sub("", text)


def plain_text(value: object) -> str | None:
    """A text field as stored: controls stripped, whitespace collapsed; None if empty or no str."""
    if not isinstance(value, str):
        return None
    return " ".join(strip_control_chars(value).split()) or None


MAX_CATEGORIES = 50
MAX_CATEGORY_CHARS = 200


def categories(values: Iterable[object]) -> tuple[str, ...]:
    """Category names as stored: plain text, in order, without repeats (case-insensitively),
    at most MAX_CATEGORIES of at most MAX_CATEGORY_CHARS characters; non-strings are dropped."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        name = plain_text(value)
        if name is None or len(name) > MAX_CATEGORY_CHARS or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        kept.append(name)
        if len(kept) == MAX_CATEGORIES:
            break
    return tuple(kept)


def safe_http_url(url: str | None, base: str | None = None) -> str | None:
    """Return `url` as an absolute http(s) URL (resolved against `base`), or None.

    Tabs and newlines inside a URL are removed and control characters stripped, as browsers do,
    so that `java\\tscript:` cannot sneak past the scheme check.
    """
    if not url:
        return None
    url = _URL_NOISE.sub("", strip_control_chars(url)).strip()
    if not url or len(url) > MAX_URL_CHARS:
        return None
    url = url.replace(" ", "%20")
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.geturl()


def _resolve_relative(url: str) -> str | None:
    return safe_http_url(url, _base_url.get())


_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes=_ALLOWED_ATTRIBUTES,
    link_rel=_LINK_REL,
    url_schemes={"http", "https"},
    url_relative=_resolve_relative,
)
_TEXT_CLEANER = nh3.Cleaner(
    tags=set(),
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes={},
    link_rel=None,
)


def _bounded(markup: str, max_chars: int) -> str:
    """Cut markup that would make the HTML parser slow: by size, then by number of tags."""
    if len(markup) > max_chars:
        markup = markup[:max_chars]
    if markup.count("<") > MAX_HTML_TAGS:
        end = -1
        for _ in range(MAX_HTML_TAGS + 1):
            end = markup.find("<", end + 1)
        markup = markup[:end]
    return markup


def clean_html(html: str, base_url: str | None, *, max_chars: int = MAX_HTML_CHARS) -> str:
    """Sanitise an HTML fragment for storage and display.

    Keeps a conservative set of article tags; drops scripts, styles, forms, frames and every
    event handler or style attribute; makes `href`/`src` absolute against `base_url` and removes
    any that are not http(s); adds `rel="noopener noreferrer nofollow"` to links. Input beyond
    `max_chars` (or beyond MAX_HTML_TAGS tags) is truncated first, because sanitising time grows
    faster than linearly on hostile nesting.
    """
    markup = _bounded(strip_control_chars(html), max_chars)
    if not markup:
        return ""
    token = _base_url.set(base_url)
    try:
        return _CLEANER.clean(markup).strip()
    finally:
        _base_url.reset(token)


def html_to_text(html: str, *, max_chars: int = MAX_HTML_CHARS) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed.

    Block boundaries become spaces so that `<p>a</p><p>b</p>` reads "a b", not "ab".
    """
    text = strip_control_chars(html)
    if "<" in text:
        text = _TEXT_CLEANER.clean(_BLOCK_TAG.sub(" <", _bounded(text, max_chars)))
    elif len(text) > max_chars:
        text = text[:max_chars]
    if "&" in text:
        text = strip_control_chars(htmllib.unescape(text))
    return " ".join(text.split())


def text_to_html(text: str, *, max_chars: int = MAX_HTML_CHARS) -> str:
    """Escape plain text into HTML paragraphs: blank lines separate paragraphs, newlines <br>."""
    text = strip_control_chars(text[:max_chars]).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [" ".join(line.split()) for line in block.strip().split("\n")]
        body = "<br>".join(htmllib.escape(line, quote=False) for line in lines if line)
        if body:
            paragraphs.append(f"<p>{body}</p>")
    return "".join(paragraphs)


def _subset_spans(data: bytes) -> list[tuple[int, int]]:
    """Where the prolog DOCTYPE's internal subsets (`[...]`) are, in one pass over the bytes.

    Quoted literals, comments and processing instructions are skipped so that a `]` or `>` inside
    them ends nothing. Scanning stops at anything unterminated: expat rejects such a document,
    and the loose parser gets no entities at all.
    """
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while (item := _XML_PROLOG_ITEM.match(data, pos)) is not None:
        pos = item.end()
    doctype = _DOCTYPE.match(data, pos)
    spans: list[tuple[int, int]] = []
    if doctype is None:
        return spans
    pos = doctype.end()
    while (token := _DOCTYPE_TOKEN.search(data, pos)) is not None:
        mark = token.group()
        if mark == b">":
            break
        if mark == b"[":
            end = _subset_end(data, token.end())
            if end < 0:
                break
            spans.append((token.start(), end))
            pos = end
            continue
        pos = data.find(mark, token.end()) + 1
        if pos == 0:
            break
    return spans


def _subset_end(data: bytes, pos: int) -> int:
    """Index just past the `]` closing an internal subset that starts at `pos`, or -1."""
    while (token := _SUBSET_TOKEN.search(data, pos)) is not None:
        mark = token.group()
        if mark == b"]":
            return token.end()
        closing = _SUBSET_END[mark]
        pos = data.find(closing, token.end())
        if pos < 0:
            return -1
        pos += len(closing)
    return -1


def strip_internal_subset(data: bytes) -> bytes:
    """Remove every DTD internal subset from an XML document's prolog.

    No ENTITY declaration survives, so no parser can be made to expand or fetch one; a UTF-16
    document must be converted first (its bytes hide `<!ENTITY` from any byte scan).
    """
    spans = _subset_spans(data)
    if not spans:
        return data
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(data[last:start])
        last = end
    pieces.append(data[last:])
    return b"".join(pieces)
