from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as etree

import pytest

from aggregator.articles.chain import MAX_PAGE_CHARS, extract_article, feed_article
from aggregator.articles.rules import SiteRule, builtin_rules
from aggregator.records import Article, ParsedItem
from tests.shared_data import require_shared

DATA = Path(__file__).resolve().parents[1] / "data" / "articles"
URL = "https://courier.example/local/2024/03/14/repair-cafe/"
SENTENCE = "has started lending something unusual"
FEED_TEXT = (
    "The municipal library has started a repair café. Volunteers fix toasters, lamps, "
    "bicycles and clothes every Saturday morning, and visitors are asked to help."
)
ITEM = ParsedItem(
    guid="urn:1",
    link=URL,
    title="Feed title: repair café",
    author="Feed Author",
    summary=f"<p>{FEED_TEXT}</p>",
    published=datetime(2024, 3, 13, 8, 0, tzinfo=UTC),
)
COURIER = SiteRule(
    name="courier",
    hosts=("courier.example",),
    body=("#story",),
    drop=("h1", ".byline"),
    author=(".byline",),
)


def fixture(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def extract(
    html: str,
    *,
    rules: Sequence[SiteRule] = (COURIER,),
    feed_item: ParsedItem | None = ITEM,
    min_chars: int = 200,
) -> Article:
    return extract_article(
        html, URL, rules=rules, feed_item=feed_item, feed_language="en", min_chars=min_chars
    )


def assert_safe(article: Article) -> None:
    lowered = article.html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", article.html)
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered
    assert "<form" not in lowered
    article.text.encode("utf-8")  # no lone surrogates left
    assert re.fullmatch(r"[0-9a-f]{64}", article.content_hash)


def test_rule_wins_when_it_matches() -> None:
    article = extract(fixture("chain_article.html"))
    assert article.method == "rule"
    assert article.reason is None
    assert SENTENCE in article.text
    assert not article.text.startswith("Town library")  # the h1 was dropped by the rule
    assert "Most read" not in article.text
    assert article.author == "By Maria Lopes, 14 March 2024"  # from the rule
    assert article.title == ITEM.title  # the rule has no title selector: the feed's
    assert article.published == ITEM.published
    assert article.language == "en"
    assert article.quality.language_matches is True
    assert article.quality.score == 1.0
    assert article.text.count("\n\n") == 4  # five paragraphs
    assert_safe(article)


def test_generic_when_no_rule_matches() -> None:
    article = extract(fixture("chain_article.html"), rules=builtin_rules())
    assert article.method == "generic"
    assert article.reason is None
    assert SENTENCE in article.text
    assert "Council budget vote delayed" not in article.text
    assert article.title == "Town library opens a repair café"
    assert article.published == datetime(2024, 3, 14, 9, 0, tzinfo=UTC)
    assert_safe(article)


def test_generic_when_the_rule_finds_no_body() -> None:
    broken = SiteRule(name="courier-old", hosts=("courier.example",), body=("#old-layout",))
    article = extract(fixture("chain_article.html"), rules=[broken])
    assert article.method == "generic"
    assert article.reason == "rule 'courier-old' found no body"
    assert SENTENCE in article.text


def test_feed_fallback_when_the_page_has_no_article() -> None:
    article = extract(fixture("chain_no_article.html"))
    assert article.method == "feed"
    assert article.reason is not None
    assert article.reason.startswith("rule 'courier' found no body; generic extraction")
    assert article.text == FEED_TEXT
    assert article.html == f"<p>{FEED_TEXT}</p>"
    assert article.title == ITEM.title
    assert article.author == ITEM.author
    assert article.published == ITEM.published
    assert "article text taken from the feed" in article.quality.notes


def test_too_short_extraction_falls_back_to_the_feed() -> None:
    page = "<html><body><div id='story'><p>Just a teaser of the story.</p></div></body></html>"
    article = extract(page)
    assert article.method == "feed"
    assert article.reason is not None
    assert "rule 'courier' too short (27 chars)" in article.reason
    assert article.text == FEED_TEXT
    # without a longer feed text, a short article is still the best there is
    bare = ParsedItem(guid=None, link=URL, title="Bare")
    short = extract(page, feed_item=bare, rules=[COURIER])
    assert short.method == "rule"
    assert short.text == "Just a teaser of the story."
    assert short.reason is None
    assert "very short (27 chars)" in short.quality.notes
    # a lower threshold accepts it
    assert extract(page, min_chars=10).method == "rule"


def test_nothing_anywhere() -> None:
    article = extract("<html><body></body></html>", feed_item=None, rules=[])
    assert article.method == "feed"
    assert article.text == ""
    assert article.title is None
    assert article.quality.score < 0.7


def test_feed_article_for_an_unfetchable_page() -> None:
    article = feed_article(ITEM, URL, reason="disallowed by robots.txt", feed_language="en")
    assert article.method == "feed"
    assert article.reason == "disallowed by robots.txt"
    assert article.text == FEED_TEXT
    assert article.title == ITEM.title
    assert article.language == "en"
    plain = ParsedItem(guid=None, link=URL, title="t", content="Plain text\n\nin two parts")
    assert feed_article(plain, URL, reason="HTTP 404", feed_language=None).text == (
        "Plain text\n\nin two parts"
    )
    nothing = feed_article(None, URL, reason="HTTP 500", feed_language="fr")
    assert nothing.text == ""
    assert nothing.language == "fr"
    assert nothing.reason == "HTTP 500"


def test_feed_content_is_resanitised() -> None:
    item = ParsedItem(
        guid=None,
        link=URL,
        title="t",
        content="<p onclick='x()'>Text <a href='/rel'>link</a></p><script>alert(1)</script>",
    )
    article = feed_article(item, URL, reason="HTTP 403", feed_language=None)
    assert 'href="https://courier.example/rel"' in article.html
    assert_safe(article)


# --- hostile pages ------------------------------------------------------------------------

ARTICLE = "<article id='story'>" + "<p>A real paragraph of the story, told in full.</p>" * 30
HOSTILE = {
    "5 MB of markup": "<html><body>" + ARTICLE + "</article>"
    + "<div><p>filler text here and there</p></div>" * 140_000 + "</body></html>",
    "5 MB of script": "<html><head>" + ("<script>var x = '" + "a" * 5_000 + "';</script>") * 1_100
    + "</head><body>" + ARTICLE + "</article></body></html>",
    "unclosed comments": "<html><body>" + ARTICLE + "</article>" + "<!-- x" * 200_000,
    "unclosed script tags": "<html><body>" + ARTICLE + "</article>" + "<script " * 200_000,
    "100,000 nested divs": "<html><body>" + ARTICLE + "</article>" + "<div>" * 100_000
    + "deep" + "</div>" * 100_000 + "</body></html>",
    "100,000 nested divs first": "<html><body>" + "<div>" * 100_000 + ARTICLE + "</article>"
    + "</div>" * 100_000 + "</body></html>",
    "unbalanced tags": "<html><body>" + ARTICLE + "<p><b><i><table><tr><td>" * 20_000,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("rules", [[COURIER], []], ids=["rule", "generic"])
@pytest.mark.timeout(60)  # a hang fails here; the assertion inside bounds the time
def test_hostile_pages_are_handled_quickly(name: str, rules: Sequence[SiteRule]) -> None:
    started = time.perf_counter()
    article = extract(HOSTILE[name], rules=rules)
    assert time.perf_counter() - started < 5
    assert article.method in {"rule", "generic", "feed"}
    assert_safe(article)
    assert len(HOSTILE[name]) < 8_000_000
    if name == "5 MB of markup":
        assert len(HOSTILE[name]) > MAX_PAGE_CHARS
        assert article.reason is not None
        assert "truncated" in article.reason
    if name == "5 MB of script":  # code is stripped before the cap: the article survives
        assert len(HOSTILE[name]) > MAX_PAGE_CHARS
        assert article.reason is None
    if name != "100,000 nested divs first":
        assert "A real paragraph of the story" in article.text


@pytest.mark.timeout(60)  # a hang fails here; the assertion inside bounds the time
def test_script_laden_page() -> None:
    for rules in ([COURIER], []):
        started = time.perf_counter()
        article = extract(fixture("chain_script_laden.html"), rules=rules)
        assert time.perf_counter() - started < 5
        assert "sleeper train will again connect the valley" in article.text
        assert "alert" not in article.text
        assert "busy" not in article.text
        assert_safe(article)
        if rules:
            assert 'href="https://courier.example/timetable"' in article.html


def test_truncation_is_reported() -> None:
    article = extract(HOSTILE["5 MB of markup"])
    assert article.reason is not None
    assert "page truncated to 5,000,000 characters" in article.reason
    assert "page truncated to 5,000,000 characters" in article.quality.notes


@pytest.mark.parametrize(
    "decode",
    [
        lambda raw: raw.encode("utf-8").decode("latin-1"),  # UTF-8 read as Latin-1: C1 controls
        lambda raw: raw.encode("cp1252").decode("utf-8", errors="replace"),
        lambda raw: raw.encode("cp1252").decode("utf-8", errors="surrogateescape"),
        lambda raw: raw.encode("utf-16-le").decode("latin-1"),  # NULs between letters
    ],
    ids=["utf8-as-latin1", "cp1252-replaced", "cp1252-surrogates", "utf16-as-latin1"],
)
@pytest.mark.timeout(60)  # a hang fails here; the assertion inside bounds the time
def test_wrong_charset(decode: Callable[[str], str]) -> None:
    page = fixture("chain_article.html")
    started = time.perf_counter()
    article = extract(decode(page))
    assert time.perf_counter() - started < 5
    assert_safe(article)
    assert article.method in {"rule", "generic", "feed"}
    assert article.text


# --- the real Global Voices pages, end to end ------------------------------------------------


@pytest.mark.shared
def test_real_globalvoices_page_through_the_chain() -> None:
    pages = require_shared("articles/globalvoices-2009")
    feed = require_shared("feeds/real/globalvoices/gv-feature-2009-06.rss")
    namespace = {"content": "http://purl.org/rss/1.0/modules/content/"}
    first = next(etree.parse(str(feed)).iter("item"))
    item = ParsedItem(
        guid=first.findtext("guid"),
        link=first.findtext("link"),
        title=first.findtext("title"),
        content=first.findtext("content:encoded", namespaces=namespace),
    )
    url = "http://globalvoicesonline.org/2009/06/11/amplified-conversation-fighting-the-digital-crimes-bill-in-brazil/"
    html = (pages / "index_01.html").read_text(encoding="utf-8")
    article = extract_article(html, url, rules=builtin_rules(), feed_item=item, feed_language="en")
    assert article.method == "rule"
    assert article.reason is None
    assert article.title == "Brazil: Amplified conversations to fight the Digital Crimes Bill"
    assert article.author == "Diego Casaes"
    assert article.published == datetime(2009, 6, 11, 10, 57, tzinfo=UTC)
    assert article.language == "en"
    assert article.quality.score == 1.0
    assert article.quality.length_ratio == 1.0
    assert "Share this article" not in article.text
    assert_safe(article)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("<p>Fund of €4 million, naïve café</p>".encode(), "text/html", "€4 million, naïve café"),
        # Undeclared and not UTF-8: a guess, which may pick a neighbouring single-byte charset.
        ("<p>caf\xe9 na\xefve</p>".encode("latin-1"), None, "café na"),
        (
            '<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1"),
            "text/html",
            "café",
        ),
        ("<p>caf\xe9</p>".encode("cp1252"), "text/html; charset=windows-1252", "café"),
    ],
    ids=["undeclared-utf8", "undeclared-latin1", "meta-latin1", "header-cp1252"],
)
def test_page_charsets(body: bytes, content_type: str | None, expected: str) -> None:
    from aggregator.articles.pages import decode_html

    assert expected in decode_html(body, content_type)
