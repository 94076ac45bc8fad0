"""Property tests: whatever the bytes, parse_feed gives a clean ParsedFeed or raises ParseError."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.errors import ParseError
from aggregator.feeds.parse import parse_feed
from aggregator.records import ParsedFeed

FEED_URL = "https://feeds.example/news/rss.xml"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Titles avoid U+0080..U+00FF: feedparser deliberately re-decodes text whose Latin-1 bytes form
# valid UTF-8 ("Ã©" becomes "é"), a mojibake repair that is not a round trip.
TITLE_CHARS = st.characters(
    codec="utf-8",
    categories=["L", "N", "Zs", "Pd", "Ps", "Pe", "Po", "Sm", "Sc"],
    exclude_characters="<>&" + "".join(chr(c) for c in range(0x80, 0x100)),
)
URL_TRICKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:x",
    "java&#x09;script:x",
    "&#106;avascript:x",
    "vbscript:x",
    "data:text/html;base64,PHNjcmlwdD4=",
    "file:///etc/passwd",
    "ftp://files.example/x",
    "//cdn.example/x",
    "/abs",
    "rel/path",
    "?q=1",
    "#frag",
    "http://ok.example/",
    "https://ok.example/a b",
    "http://[::1",
    "mailto:a@b.example",
    "\x01javascript:x",
    "",
    " ",
]
HTML_TRICKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "<a href='javascript:alert(1)'>x</a>",
    "<!-- --!><img src=x onerror=alert(1)>-->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<details open ontoggle=alert(1)>",
    "<p style='background:url(javascript:alert(1))'>x</p>",
    "<object data='javascript:alert(1)'>",
    "<form action='javascript:alert(1)'><button>x</button></form>",
    '<a href="&#106;avascript:x">x</a>',
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    '<img src="x" ONERROR = "alert(1)">',
    "<p>text onload=fine</p>",
    "<b>bold</b>",
    "</p>",
]


class _Markup(HTMLParser):
    """Collects the tags and attributes a browser would see in a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs


def links_and_markup(feed: ParsedFeed) -> tuple[list[str | None], _Markup]:
    links = [feed.link] + [item.link for item in feed.items]
    markup = _Markup()
    for item in feed.items:
        for fragment in (item.summary, item.content):
            if fragment:
                assert "<script" not in fragment.lower()
                markup.feed(fragment)
    markup.close()
    return links, markup


def assert_safe(feed: ParsedFeed) -> None:
    links, markup = links_and_markup(feed)
    for link in links:
        assert link is None or link.startswith(("http://", "https://")), link
    assert not {"script", "style", "iframe", "object", "form", "svg", "math"} & set(markup.tags)
    for name, value in markup.attributes:
        assert not name.startswith("on"), name
        assert name != "style"
        if name in {"href", "src"}:
            assert value is not None
            assert value.startswith(("http://", "https://")), value


def parse_or_refuse(body: bytes, content_type: str | None = None) -> ParsedFeed | None:
    try:
        return parse_feed(body, url=FEED_URL, content_type=content_type)
    except ParseError:
        return None


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(body: bytes) -> None:
    feed = parse_or_refuse(body)
    if feed is not None:
        assert_safe(feed)


@SETTINGS
@given(
    st.sampled_from(
        [
            b'<rss version="2.0"><channel>',
            b"<feed xmlns='http://www.w3.org/2005/Atom'>",
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            b"<?xml ",
            b"<!DOCTYPE rss [<!ENTITY a '",
        ]
    ),
    st.binary(max_size=1000),
    st.sampled_from(
        [
            None,
            "text/xml",
            "application/json",
            "text/html; charset=utf-16",
            "application/xml; charset=bogus",
        ]
    ),
)
def test_arbitrary_bytes_after_a_feed_start(
    head: bytes, tail: bytes, content_type: str | None
) -> None:
    feed = parse_or_refuse(head + tail, content_type)
    if feed is not None:
        assert_safe(feed)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [
                "<item>",
                "</item>",
                "<title>",
                "</title>",
                "<link>",
                "</link>",
                "<description>",
                "</description>",
                "<![CDATA[",
                "]]>",
                "&amp;",
                "&lt;",
                "&bogus;",
                "x",
                " ",
                "<entry>",
                "<content type='html'>",
                "</content>",
                "<!--",
                "-->",
                "<guid>",
                "</guid>",
                "\x00",
                "é",
            ]
        ),
        max_size=60,
    )
)
def test_token_soup(tokens: list[str]) -> None:
    body = ('<rss version="2.0"><channel><title>s</title>' + "".join(tokens)).encode()
    feed = parse_or_refuse(body)
    if feed is not None:
        assert_safe(feed)


rss_items = st.lists(
    st.tuples(
        st.text(TITLE_CHARS, max_size=40),
        st.sampled_from(URL_TRICKS) | st.text(max_size=30),
    ),
    max_size=8,
)


@SETTINGS
@given(rss_items)
def test_generated_rss_round_trips(items: list[tuple[str, str]]) -> None:
    body = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
    for index, (title, link) in enumerate(items):
        body += (
            f"<item><title>{escape(title)}</title><guid isPermaLink='false'>id-{index}</guid>"
            f"<link>{escape(link)}</link></item>"
        )
    feed = parse_feed((body + "</channel></rss>").encode(), url=FEED_URL)
    assert feed.format == "rss20"
    assert len(feed.items) == len(items)
    assert [item.guid for item in feed.items] == [f"id-{i}" for i in range(len(items))]
    assert [item.title for item in feed.items] == [" ".join(t.split()) or None for t, _ in items]
    assert_safe(feed)


@SETTINGS
@given(
    st.lists(st.sampled_from(HTML_TRICKS) | st.text(max_size=20), min_size=1, max_size=6),
    st.sampled_from(URL_TRICKS),
    st.sampled_from(URL_TRICKS),
)
def test_no_script_handler_or_unsafe_url_survives(parts: list[str], href: str, src: str) -> None:
    fragment = "".join(parts) + f"<a href={quoteattr(href)}>a</a><img src={quoteattr(src)}>"
    body = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>t</title><item><link>{escape(href)}</link>"
        f"<description>{escape(fragment)}</description>"
        f"<content:encoded>{escape(fragment)}</content:encoded></item>"
        "</channel></rss>"
    )
    atom = (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title><entry>"
        f"<link href={quoteattr(href)}/><summary type='html'>{escape(fragment)}</summary>"
        f"<content type='html'>{html.escape(fragment)}</content></entry></feed>"
    )
    for document in (body, atom):
        feed = parse_feed(document.encode("utf-8", "replace"), url=FEED_URL)
        assert_safe(feed)
