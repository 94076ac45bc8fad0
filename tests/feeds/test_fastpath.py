"""The lxml fast path: what it takes, what it declines, and that what it takes reads exactly as
feedparser reads it, also for generated well-formed feeds."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from feedparser.datetimes import _parse_date as feedparser_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.feeds.fast_compat import parse_date
from aggregator.feeds.fastpath import parse_well_formed
from aggregator.feeds.parse import MAX_ITEMS, parse_feed, parse_with_feedparser
from aggregator.records import ParsedFeed

FEED_URL = "https://feeds.example/news/rss.xml"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RSS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:media="http://search.yahoo.com/mrss/"'
    ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
    ' xmlns:x="urn:example:unknown"><channel>{channel}{items}</channel></rss>'
)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"'
    ' xmlns:x="urn:example:unknown"{attrs}>{channel}{items}</feed>'
)
RDF = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<channel>{channel}</channel>{items}</rdf:RDF>"
)


def fast(body: bytes, content_type: str | None = None) -> ParsedFeed | None:
    return parse_well_formed(body, url=FEED_URL, content_type=content_type, max_items=MAX_ITEMS)


def slow(body: bytes, content_type: str | None = None) -> ParsedFeed:
    return parse_with_feedparser(body, url=FEED_URL, content_type=content_type)


def rss(channel: str = "<title>News</title>", items: str = "") -> bytes:
    return RSS.format(channel=channel, items=items).encode()


def test_a_plain_rss_feed_takes_the_fast_path_and_reads_as_feedparser_reads_it() -> None:
    body = rss(
        "<title>News &amp; more</title><link>https://news.example/</link>"
        "<language>en-GB</language><ttl>30</ttl>",
        "<item><title>One &lt;b&gt;bold&lt;/b&gt;</title><link>/one?a=1&amp;b=2</link>"
        "<guid isPermaLink='false'>id-1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0100</pubDate>"
        "<description><![CDATA[<p>Hi <script>x()</script><a href='/a'>a</a></p>]]></description>"
        "<content:encoded><![CDATA[<p>Full</p>]]></content:encoded>"
        "<dc:creator>Ann</dc:creator><category>World</category><category>world</category>"
        "<media:content url='https://img.example/a.jpg'><media:title>Pic</media:title>"
        "</media:content><x:extra>ignored</x:extra></item>",
    )
    ours = fast(body)
    assert ours is not None
    assert ours == slow(body) == parse_feed(body, url=FEED_URL)
    item = ours.items[0]
    assert (ours.title, ours.language, ours.ttl_minutes) == ("News & more", "en-GB", 30)
    assert item.link == "https://feeds.example/one?a=1&b=2"
    assert item.title == "One bold"
    assert item.summary is not None
    assert "script" not in item.summary
    assert item.categories == ("World",)
    assert item.published is not None
    assert item.published.hour == 9


def test_atom_and_rdf_take_the_fast_path() -> None:
    atom = ATOM.format(
        attrs=' xml:lang="fr" xml:base="https://site.example/blog/"',
        channel="<title type='html'>A &lt;i&gt;log&lt;/i&gt;</title><link href='/'/><id>tag:a</id>",
        items="<entry><title>E</title><id>tag:e</id><link rel='alternate' href='e1'/>"
        "<updated>2024-01-02T03:04:05Z</updated><author><name>Bo</name><email>b@x.example</email>"
        "</author><summary type='html'>&lt;p&gt;s&lt;/p&gt;</summary>"
        "<content type='html'>&lt;img src='i.png'&gt;</content><category term='t' label='L'/>"
        "</entry>",
    ).encode()
    rdf = RDF.format(
        channel="<title>R</title><link>https://r.example/</link><dc:language>de</dc:language>",
        items="<item rdf:about='https://r.example/1'><title>I</title>"
        "<link>https://r.example/1</link><dc:date>2024-01-02</dc:date></item>",
    ).encode()
    for body, version in ((atom, "atom10"), (rdf, "rss10")):
        ours = fast(body)
        assert ours is not None
        assert ours.format == version
        assert ours == slow(body)
    atom_feed = fast(atom)
    assert atom_feed is not None
    assert atom_feed.items[0].link == "https://site.example/blog/e1"
    assert atom_feed.items[0].author == "Bo (b@x.example)"


def test_what_the_fast_path_declines() -> None:
    declined = {
        "malformed": rss(items="<item><title>x</item>"),
        "DOCTYPE": rss()[:38]
        + b'<!DOCTYPE rss [<!ENTITY a "b">]>'
        + rss(items="<item><title>&a;</title></item>")[38:],
        "undefined entity": rss(items="<item><title>&nbsp;</title></item>"),
        "windows-1252 with an undefined byte": rss("<title>\x81</title>")
        .replace(b"UTF-8", b"windows-1252")
        .replace(b"\xc2\x81", b"\x81"),
        "GB2312": rss().replace(b"UTF-8", b"GB2312"),
        "XML 1.1": rss().replace(b'version="1.0"', b'version="1.1"'),
        "UTF-16": rss().decode().replace("UTF-8", "UTF-16").encode("utf-16"),
        "RSS 0.91": rss().replace(b'version="2.0"', b'version="0.91"'),
        "Atom 0.3": b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title></feed>',
        "xhtml content": ATOM.format(
            attrs="",
            channel="",
            items="<entry><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
            "<p>x</p></div></content></entry>",
        ).encode(),
        "base64 content": ATOM.format(
            attrs="", channel="", items="<entry><content type='image/png'>AAAA</content></entry>"
        ).encode(),
        "markup in a title": rss(items="<item><title>a <b>b</b></title></item>"),
        "GeoRSS": rss(
            items="<item><georss:point xmlns:georss='http://www.georss.org/georss'>"
            "1 2</georss:point></item>"
        ),
    }
    assert [name for name, body in declined.items() if fast(body) is not None] == []
    # feedparser reads a <title> in an unknown default namespace as the title; so does the walk
    body = rss(items="<item><title xmlns='urn:other'>a</title><title>b</title></item>")
    ours = fast(body)
    assert ours is not None
    assert ours == slow(body)
    assert ours.items[0].title == "a"
    assert fast(rss(), "text/xml; charset=iso-8859-1") is None
    assert fast(rss(), "application/rss+xml; charset=UTF-8") is not None


@SETTINGS
@given(
    st.text(st.characters(codec="latin-1", exclude_categories=["Cs", "Cc"]), max_size=40),
    st.sampled_from(["ISO-8859-1", "iso-8859-1", "windows-1252"]),
)
def test_single_byte_documents_read_as_feedparser_reads_them(title: str, encoding: str) -> None:
    text = rss(f"<title>{escape(title)}</title>", f"<item><title>{escape(title)}</title></item>")
    try:
        body = text.decode().replace("UTF-8", encoding).encode(encoding)
    except UnicodeEncodeError:
        return
    ours = fast(body)
    assert ours is not None
    assert ours == slow(body)


def test_a_cyrillic_feed_in_windows_1251() -> None:
    body = rss("<title>Новости</title>").decode().replace("UTF-8", "windows-1251")
    ours = fast(body.encode("windows-1251"))
    assert ours is not None
    assert ours.title == "Новости"
    assert ours == slow(body.encode("windows-1251"))


TWO_DIGITS = st.integers(0, 99).map(lambda n: f"{n:02d}")


@SETTINGS
@given(
    st.sampled_from(["Mon, ", "Sun, ", "", "Monday, ", "mon, "]),
    st.integers(0, 40).map(str),
    st.sampled_from(["Jan", "Feb", "Oct", "Dec", "January", "jan", "Foo"]),
    st.integers(0, 2200).map(lambda n: f"{n:04d}"),
    TWO_DIGITS,
    TWO_DIGITS,
    TWO_DIGITS,
    st.sampled_from(["GMT", "UT", "Z", "EST", "CEST", "+0000", "-0530", "+1400", "+05:30", ""]),
)
def test_rfc822_dates_read_as_feedparser_reads_them(
    weekday: str, day: str, month: str, year: str, hour: str, minute: str, second: str, zone: str
) -> None:
    text = f"{weekday}{day} {month} {year} {hour}:{minute}:{second} {zone}".strip()
    assert parse_date(text) == feedparser_date(text)


@SETTINGS
@given(
    st.integers(0, 2200).map(lambda n: f"{n:04d}"),
    TWO_DIGITS,
    TWO_DIGITS,
    TWO_DIGITS,
    TWO_DIGITS,
    TWO_DIGITS,
    st.sampled_from(["", ".5", ".999999", ".1234567891"]),
    st.sampled_from(["Z", "z", "+00:00", "-05:30", "+14:00", "+0530", ""]),
    st.sampled_from(["T", "t", " "]),
)
def test_rfc3339_dates_read_as_feedparser_reads_them(
    year: str,
    month: str,
    day: str,
    hour: str,
    minute: str,
    second: str,
    fraction: str,
    zone: str,
    separator: str,
) -> None:
    text = f"{year}-{month}-{day}{separator}{hour}:{minute}:{second}{fraction}{zone}"
    assert parse_date(text) == feedparser_date(text)


def test_no_entity_is_expanded_and_nothing_is_fetched() -> None:
    assert rss().startswith(b'<?xml version="1.0" encoding="UTF-8"?><rss')
    assert rss()[38:].startswith(b"<rss")
    external = (
        b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd">'
        + rss(items="<item><title>t</title></item>")[38:]
    )
    assert fast(external) is None
    bomb = b"<rss version='2.0'><channel><title>" + b"&amp;" * 100_000 + b"</title></channel></rss>"
    ours = fast(bomb)
    assert ours is not None
    assert ours.title == "&" * 100_000


TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]) | st.sampled_from("<>&\"' \n"),
    max_size=30,
)
MARKUP = st.sampled_from(
    ["<p>para</p>", "a &amp; b", "&lt;b&gt;x&lt;/b&gt;", "x</b>", "&eacute;", "Ã©t\u00e9",
     "\u0080\u0093quote\u0094", "<script>x</script>", "plain", "  spaced  ", ""]
)  # fmt: skip
URLS = st.sampled_from(
    ["https://a.example/x", "/rel", "rel/x?a=1&b=2", "http:///three", "javascript:x", " ",
     "https://a.example/é", "mailto:a@b.example", "tag:a,2024:1", "//cdn.example/p"]
)  # fmt: skip
DATES = st.sampled_from(
    ["Mon, 01 Jan 2024 10:00:00 GMT", "Tue, 2 Jan 2024 10:00 +0530", "2024-01-02T03:04:05Z",
     "2024-01-02T03:04:05.5+02:00", "2024-01-02", "Wed, 03 Jan 24 10:00:00 EST", "31 Feb 2024",
     "yesterday", "", "Thu, 04 Jan 2024 25:00:00 GMT", "2024-13-01T00:00:00Z",
     "Sun, 07 Jan 2024 10:00:00 CEST", "1900-01-01T00:00:00Z"]
)  # fmt: skip


def _text(value: str) -> str:
    return escape(value)


def _cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>" if "]]>" not in value else escape(value)


ITEM_PARTS = st.one_of(
    st.builds(lambda t: f"<title>{_text(t)}</title>", TEXT | MARKUP),
    st.builds(lambda t: f"<title>{_cdata(t)}</title>", MARKUP),
    st.builds(lambda u: f"<link>{_text(u)}</link>", URLS),
    st.builds(
        lambda u, p: f"<guid isPermaLink={quoteattr(p)}>{_text(u)}</guid>",
        URLS,
        st.sampled_from(["true", "false", "True"]),
    ),
    st.builds(lambda u: f"<guid>{_text(u)}</guid>", URLS),
    st.builds(lambda t: f"<description>{_cdata(t)}</description>", MARKUP | TEXT),
    st.builds(lambda t: f"<content:encoded>{_cdata(t)}</content:encoded>", MARKUP),
    st.builds(lambda t: f"<itunes:summary>{_text(t)}</itunes:summary>", MARKUP),
    st.builds(lambda d: f"<pubDate>{_text(d)}</pubDate>", DATES),
    st.builds(lambda d: f"<dc:date>{_text(d)}</dc:date>", DATES),
    st.builds(lambda t: f"<dc:creator>{_text(t)}</dc:creator>", TEXT),
    st.builds(lambda t: f"<author>{_text(t)}</author>", st.just("a@b.example (Ann)") | TEXT),
    st.builds(lambda t: f"<category>{_text(t)}</category>", TEXT),
    st.builds(lambda t: f"<category domain='d'>{_text(t)}</category>", TEXT),
    st.builds(
        lambda t: (
            f"<media:group><media:title>{_text(t)}</media:title>"
            f"<media:description>{_text(t)}</media:description></media:group>"
        ),
        MARKUP,
    ),
    st.builds(lambda t: f"<media:keywords>{_text(t)}</media:keywords>", st.just("a, b,,c") | TEXT),
    st.builds(lambda u: f"<atom:link rel='alternate' href={quoteattr(u)}/>", URLS),
    st.builds(lambda u: f"<link xml:base='https://b.example/d/'>{_text(u)}</link>", URLS),
    st.just("<x:thing a='1'>text</x:thing><comments>/c</comments><enclosure url='/e'/>"),
    st.just("<source url='https://s.example/'>S</source>"),
)


RDF_NAMESPACES = (
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:media="http://search.yahoo.com/mrss/"'
    ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:x="urn:example:unknown"'
)
# Declared on the root, the Atom namespace would make feedparser call the document Atom.
ATOM_HERE = ' xmlns:atom="http://www.w3.org/2005/Atom"'


@SETTINGS
@given(
    st.lists(st.lists(ITEM_PARTS, max_size=8), max_size=4),
    st.lists(ITEM_PARTS, max_size=3),
    st.booleans(),
)
def test_generated_rss_agrees_with_feedparser_or_declines(
    items: list[list[str]], channel: list[str], as_rdf: bool
) -> None:
    if as_rdf:  # RSS 1.0: the items beside the channel, each named by rdf:about
        body = (
            RDF.replace('xmlns:dc="', RDF_NAMESPACES + ' xmlns:dc="')
            .replace("<channel>", f"<channel{ATOM_HERE}>")
            .format(
                channel="<title>Feed</title>" + "".join(channel),
                items="".join(
                    f"<item{ATOM_HERE} rdf:about='https://r.example/{index}'>"
                    f"{''.join(parts)}</item>"
                    for index, parts in enumerate(items)
                ),
            )
            .encode()
        )
    else:
        body = rss(
            "<title>Feed</title>" + "".join(channel),
            "".join(f"<item>{''.join(parts)}</item>" for parts in items),
        )
    ours = fast(body)
    if ours is not None:
        assert ours == slow(body)


ATOM_PARTS = st.one_of(
    st.builds(
        lambda t, k: f"<title type={quoteattr(k)}>{_text(t)}</title>",
        TEXT | MARKUP,
        st.sampled_from(["text", "html", "TEXT"]),
    ),
    st.builds(
        lambda u, r, k: f"<link rel={quoteattr(r)} type={quoteattr(k)} href={quoteattr(u)}/>",
        URLS,
        st.sampled_from(["alternate", "self", "related", ""]),
        st.sampled_from(["text/html", "application/pdf", "html"]),
    ),
    st.builds(lambda u: f"<link href={quoteattr(u)}/>", URLS),
    st.builds(lambda u: f"<id>{_text(u)}</id>", URLS),
    st.builds(lambda d: f"<updated>{_text(d)}</updated>", DATES),
    st.builds(lambda d: f"<published>{_text(d)}</published>", DATES),
    st.builds(
        lambda n, e: f"<author><name>{_text(n)}</name><email>{_text(e)}</email></author>",
        TEXT,
        TEXT,
    ),
    st.builds(
        lambda t, k: f"<summary type={quoteattr(k)}>{_text(t)}</summary>",
        MARKUP,
        st.sampled_from(["text", "html"]),
    ),
    st.builds(
        lambda t, k: f"<content type={quoteattr(k)}>{_text(t)}</content>",
        MARKUP,
        st.sampled_from(["text", "html", "text/plain"]),
    ),
    st.builds(lambda t, lab: f"<category term={quoteattr(t)} label={quoteattr(lab)}/>", TEXT, TEXT),
    st.builds(lambda t: f"<media:title>{_text(t)}</media:title>", MARKUP),
)


@SETTINGS
@given(
    st.lists(st.lists(ATOM_PARTS, max_size=8), max_size=4),
    st.lists(ATOM_PARTS, max_size=3),
    st.sampled_from(["", " xml:lang='pt_BR'", " xml:base='https://base.example/a/'"]),
)
def test_generated_atom_agrees_with_feedparser_or_declines(
    entries: list[list[str]], feed: list[str], attrs: str
) -> None:
    body = ATOM.format(
        attrs=attrs,
        channel="".join(feed),
        items="".join(f"<entry>{''.join(parts)}</entry>" for parts in entries),
    ).encode()
    ours = fast(body)
    if ours is not None:
        assert ours == slow(body)
