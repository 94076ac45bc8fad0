"""The extraction chain: site rule, then generic extractor, then the feed's own text.

Pure (the page is already fetched). Each step is tried only when the one before found
nothing usable, and `Article.reason` says why a fallback happened, so that a site redesign
that breaks a rule shows up as "rule ... found no body" instead of as quietly worse text.
Whatever produced the article, it is cleaned last (aggregator.articles.clean): stored HTML and
text have one shape, and the language, quality and hash are computed on exactly what is stored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from aggregator.articles.clean import article_text, clean_article_html, content_hash, strip_code
from aggregator.articles.language import detect_language
from aggregator.articles.leadimage import lead_image, with_lead_image
from aggregator.articles.quality import assess
from aggregator.articles.rules import SiteRule, apply_rule, match_rule
from aggregator.records import Article, ExtractedPage, ExtractionMethod, ParsedItem
from aggregator.sanitize import plain_text, strip_control_chars, text_to_html

__all__ = ["MAX_PAGE_CHARS", "MAX_PAGE_TAGS", "extract_article", "feed_article"]

MAX_PAGE_CHARS = 5_000_000
# Comments and code are removed before that cap applies, from at most this much input.
MAX_SCAN_CHARS = 4 * MAX_PAGE_CHARS
# Parsing and extraction cost ~40 us per element: 25,000 elements (over ten times a typical
# article page, and the article comes early in the markup) keep a hostile page near a second.
MAX_PAGE_TAGS = 25_000
# Below this probability the detected language is not trusted (short or mixed-language text).
MIN_LANGUAGE_PROBABILITY = 0.5


_TAG_START = re.compile(r"<[A-Za-z]")


def _bounded_page(html: str) -> tuple[str, list[str]]:
    """The page as the extractors get it, and what was cut (for `reason`).

    Code goes first (a linear scan, over at most MAX_SCAN_CHARS), so that megabytes of inline
    script before the article do not push the article past the parser's cap.
    """
    cuts = []
    if len(html) > MAX_SCAN_CHARS:
        html = html[:MAX_SCAN_CHARS]
        cuts.append(f"page truncated to {MAX_SCAN_CHARS:,} characters")
    html = strip_code(strip_control_chars(html))
    if len(html) > MAX_PAGE_CHARS:
        html = html[:MAX_PAGE_CHARS]
        cuts[:] = [f"page truncated to {MAX_PAGE_CHARS:,} characters"]
    for count, tag in enumerate(_TAG_START.finditer(html), start=1):
        if count > MAX_PAGE_TAGS:
            html = html[: tag.start()]
            cuts.append(f"page cut after {MAX_PAGE_TAGS:,} elements")
            break
    return html, cuts


# Errors no page causes: a module that does not import, or code calling what does not exist.
# They go up to the worker, which logs them as errors and gives the article back; they are
# never recorded as that article's extraction failure.
PROGRAM_ERRORS = (ImportError, NameError, AttributeError, TypeError)


@dataclasses.dataclass(frozen=True, slots=True)
class _Candidate:
    """An extractor's page after cleaning: what would be stored if it is accepted."""

    method: ExtractionMethod
    html: str
    text: str
    page: ExtractedPage


def _clean(page: ExtractedPage, url: str) -> tuple[str, str]:
    markup = page.html if page.html.strip() else text_to_html(page.text)
    html = clean_article_html(markup, url)
    return html, article_text(html)


def _feed_markup(item: ParsedItem | None) -> str:
    if item is None:
        return ""
    markup = item.content or item.summary or ""
    return markup if "<" in markup else text_to_html(markup)


def _run(
    label: str, method: ExtractionMethod, extractor: Callable[[], ExtractedPage | None], url: str
) -> tuple[_Candidate | None, str | None]:
    """Run one extractor; (candidate, None) or (None, why it gave nothing)."""
    try:
        page = extractor()
    except PROGRAM_ERRORS:  # the installation or the code, not the page: an error of the run
        raise
    except Exception as exc:  # a third-party parser must not take the whole chain down
        return None, f"{label} failed ({type(exc).__name__})"
    if page is None:
        found = "body" if method is ExtractionMethod.RULE else "article"
        return None, f"{label} found no {found}"
    html, text = _clean(page, url)
    if not text:
        return None, f"{label} gave no text after cleaning"
    return _Candidate(method, html, text, page), None


def _generic(html: str, url: str) -> ExtractedPage | None:
    from aggregator.articles.generic import extract_generic

    return extract_generic(html, url)


def extract_article(
    html: str,
    url: str,
    *,
    rules: Sequence[SiteRule],
    feed_item: ParsedItem | None,
    feed_language: str | None,
    min_chars: int = 200,
) -> Article:
    """The article of the page at `url`: by site rule, generically, or from the feed.

    An extraction is implausibly short when it has fewer than `min_chars` characters *and*
    fewer than the feed's own text; the next step is then tried. Before parsing, comments and
    code are removed and the rest is cut at MAX_PAGE_CHARS characters and MAX_PAGE_TAGS
    elements, which `reason` and the quality notes mention when it happens.
    """
    html, reasons = _bounded_page(html)
    notes = list(reasons)
    feed_html = clean_article_html(_feed_markup(feed_item), url or "")
    feed_text = article_text(feed_html)

    steps: list[tuple[str, ExtractionMethod, Callable[[], ExtractedPage | None]]] = []
    rule = match_rule(url, rules)
    if rule is not None:
        steps.append(
            (f"rule {rule.name!r}", ExtractionMethod.RULE, lambda: apply_rule(html, url, rule))
        )
    steps.append(("generic extraction", ExtractionMethod.GENERIC, lambda: _generic(html, url)))

    chosen: _Candidate | None = None
    for label, method, extractor in steps:
        candidate, why = _run(label, method, extractor, url)
        if candidate is None:
            reasons.append(str(why))
            continue
        if len(candidate.text) < min_chars and len(candidate.text) < len(feed_text):
            reasons.append(f"{label} too short ({len(candidate.text)} chars)")
            continue
        chosen = candidate
        break
    if chosen is None:
        chosen = _feed_candidate(feed_html, feed_text)
    lead = with_lead_image(chosen.html, lead_image(html, url), url)
    chosen = dataclasses.replace(chosen, html=lead)
    return _article(chosen, feed_item, feed_text, feed_language, reasons, notes)


def feed_article(
    feed_item: ParsedItem | None, url: str | None, *, reason: str, feed_language: str | None
) -> Article:
    """The article made of the feed's own content, for a page that could not be fetched.

    `reason` says why (robots.txt, an HTTP error...); it is stored with the article.
    """
    feed_html = clean_article_html(_feed_markup(feed_item), url or "")
    feed_text = article_text(feed_html)
    chosen = _feed_candidate(feed_html, feed_text)
    return _article(chosen, feed_item, feed_text, feed_language, [reason], [])


def _feed_candidate(html: str, text: str) -> _Candidate:
    return _Candidate(ExtractionMethod.FEED, html, text, ExtractedPage(text="", html=""))


def _article(
    chosen: _Candidate,
    item: ParsedItem | None,
    feed_text: str,
    feed_language: str | None,
    reasons: list[str],
    notes: list[str],
) -> Article:
    """The stored article: language, quality and hash of the cleaned text, metadata filled in."""
    detected, probability = detect_language(chosen.text)
    language = detected if probability >= MIN_LANGUAGE_PROBABILITY else None
    quality = assess(
        chosen.text,
        chosen.html,
        feed_text=feed_text or None,
        expected_language=feed_language,
        language=language,
    )
    if chosen.method is ExtractionMethod.FEED:
        notes.append("article text taken from the feed")
    if notes:
        quality = dataclasses.replace(quality, notes=quality.notes + tuple(notes))
    page = chosen.page
    return Article(
        method=chosen.method,
        text=chosen.text,
        html=chosen.html,
        quality=quality,
        content_hash=content_hash(chosen.text),
        title=plain_text(page.title) or (item.title if item else None),
        author=plain_text(page.author) or (item.author if item else None),
        published=page.published or (item.published if item else None),
        language=language or feed_language,
        reason="; ".join(reasons) or None,
    )
