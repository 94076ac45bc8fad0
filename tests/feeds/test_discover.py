from __future__ import annotations

import asyncio
import re

import pytest

from aggregator.feeds.discover import (
    COMMON_PATHS,
    MAX_LINK_CANDIDATES,
    DiscoveryError,
    FoundFeed,
    common_path_candidates,
    discover_feed,
    feed_links,
)
from aggregator.feeds.sandbox import ParserPool
from aggregator.net.addresses import parse_allowlist
from aggregator.net.client import ClientSettings, HttpClient
from tests.loopback import Loopback, Reply
from tests.shared_data import require_shared

RSS = "application/rss+xml"


def rss_feed(title: str = "Site News", language: str = "en") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link><language>{language}</language>"
        "<item><guid>urn:a</guid><title>A</title><link>/a</link></item></channel></rss>"
    ).encode()


ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>Atom News</title><id>urn:f</id><updated>2024-01-01T00:00:00Z</updated></feed>"
)


def page(head: str = "", body: str = "<p>Welcome</p>") -> Reply:
    html = f"<!doctype html><html><head><title>Home</title>{head}</head><body>{body}</body></html>"
    return Reply(headers={"Content-Type": "text/html; charset=utf-8"}, body=html.encode())


def feed_reply(body: bytes, content_type: str = RSS) -> Reply:
    return Reply(headers={"Content-Type": content_type}, body=body)


def discover(url: str, allow: tuple[str, ...] = ("127.0.0.1/32",)) -> FoundFeed:
    async def go() -> FoundFeed:
        settings = ClientSettings(
            contact_url="https://example.org/contact",
            allow_private_networks=parse_allowlist(allow),
            per_host_connections=4,
            per_host_gap=0.0,
            deadline=5.0,
        )
        parser = ParserPool(workers=0, time_budget=5.0, memory_budget_bytes=256 << 20)
        async with HttpClient(settings) as http:
            return await discover_feed(http, parser, url)

    return asyncio.run(go())


def test_a_feed_address_is_used_as_it_is(site: Loopback) -> None:
    site.route("/feed.xml", feed_reply(rss_feed()))
    found = discover(site.url("/feed.xml"))
    assert found.url == site.url("/feed.xml")
    assert found.found_by == "the address itself"
    assert (found.feed.title, found.feed.language, len(found.feed.items)) == ("Site News", "en", 1)
    assert len(site.requests) == 1


def test_a_feed_served_as_html_is_still_a_feed(site: Loopback) -> None:
    site.route("/feed", feed_reply(ATOM, "text/html"))
    assert discover(site.url("/feed")).feed.title == "Atom News"


def test_a_relative_link_on_the_page(site: Loopback) -> None:
    site.route("/blog/", page(f'<link rel="alternate" type="{RSS}" href="posts.rss">'))
    site.route("/blog/posts.rss", feed_reply(rss_feed()))
    found = discover(site.url("/blog/"))
    assert found.url == site.url("/blog/posts.rss")
    assert found.found_by == "a link on the page"
    assert not any(site.hits(path) for path in COMMON_PATHS)


def test_a_link_relative_to_the_base_element(site: Loopback) -> None:
    head = (
        '<base href="/static/"><link rel="Alternate feed" '
        'type="application/atom+xml; charset=utf-8" href="atom/all.xml">'
    )
    site.route("/", page(head))
    site.route("/static/atom/all.xml", feed_reply(ATOM, "application/atom+xml"))
    found = discover(site.url("/"))
    assert found.url == site.url("/static/atom/all.xml")
    assert found.feed.title == "Atom News"


def test_links_that_fail_are_skipped_in_page_order(site: Loopback) -> None:
    head = (
        f'<link rel="alternate" type="{RSS}" href="/missing.xml">'
        f'<link rel="alternate" type="{RSS}" href="/not-a-feed">'
        '<link rel="alternate" type="application/feed+json" href="/feed.json">'
    )
    site.route("/", page(head))
    site.route("/not-a-feed", page())
    site.route(
        "/feed.json",
        feed_reply(
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "JSON News", "items": []}',
            "application/feed+json",
        ),
    )
    found = discover(site.url("/"))
    assert found.url == site.url("/feed.json")
    assert found.feed.title == "JSON News"
    assert [r.path for r in site.requests] == ["/", "/missing.xml", "/not-a-feed", "/feed.json"]


def test_the_usual_paths_when_the_page_has_no_link(site: Loopback) -> None:
    site.route("/about", page('<link rel="stylesheet" href="/style.css">'))
    site.route("/feed/", Reply(200, headers={"Content-Type": RSS}, body=b""))
    site.route("/rss", feed_reply(rss_feed("Via the usual path")))
    found = discover(site.url("/about"))
    assert found.url == site.url("/rss")
    assert found.found_by == "a usual feed path"
    assert [r.path for r in site.requests] == ["/about", "/feed", "/feed/", "/rss"]


def test_a_page_without_any_feed_says_what_was_tried(site: Loopback) -> None:
    site.route("/", page(f'<link rel="alternate" type="{RSS}" href="/gone.xml">'))
    site.route("/feed", page())
    with pytest.raises(DiscoveryError) as caught:
        discover(site.url("/"))
    message = str(caught.value)
    assert message.startswith(f"no feed found for {site.url('/')}; tried:\n")
    assert f"{site.url('/gone.xml')}: HTTP 404" in message
    assert f"{site.url('/feed')}: not a feed: looks like HTML" in message
    for path in COMMON_PATHS:
        assert site.url(path) in message
    assert len(site.requests) == 1 + 1 + len(COMMON_PATHS)


def test_neither_a_feed_nor_a_page(site: Loopback) -> None:
    site.route("/logo.png", Reply(headers={"Content-Type": "image/png"}, body=b"\x89PNG\r\n"))
    with pytest.raises(DiscoveryError, match="neither a feed nor an HTML page"):
        discover(site.url("/logo.png"))
    assert len(site.requests) == 1


def test_an_address_that_fails(site: Loopback) -> None:
    with pytest.raises(DiscoveryError, match=r"/nothing: HTTP 404$"):
        discover(site.url("/nothing"))


def test_a_permanent_redirect_gives_the_new_address(site: Loopback) -> None:
    site.route("/old.xml", Reply(301, headers={"Location": "/new.xml"}))
    site.route("/new.xml", feed_reply(rss_feed()))
    assert discover(site.url("/old.xml")).url == site.url("/new.xml")


def test_a_temporary_redirect_keeps_the_address(site: Loopback) -> None:
    site.route("/current.xml", Reply(302, headers={"Location": "/2024/06.xml"}))
    site.route("/2024/06.xml", feed_reply(rss_feed()))
    assert discover(site.url("/current.xml")).url == site.url("/current.xml")


def test_links_resolve_against_the_page_a_redirect_led_to(site: Loopback) -> None:
    site.route("/", Reply(301, headers={"Location": "/en/"}))
    site.route("/en/", page(f'<link rel="alternate" type="{RSS}" href="feed.xml">'))
    site.route("/en/feed.xml", feed_reply(rss_feed()))
    assert discover(site.url("/")).url == site.url("/en/feed.xml")


def test_a_link_to_a_private_address_is_not_fetched(site: Loopback) -> None:
    site.route("/", page(f'<link rel="alternate" type="{RSS}" href="http://10.0.0.1/feed.xml">'))
    with pytest.raises(DiscoveryError) as caught:
        discover(site.url("/"))
    assert "http://10.0.0.1/feed.xml: 10.0.0.1 is a private, loopback or reserved address" in str(
        caught.value
    )


def test_a_redirect_to_a_private_address_is_refused_by_the_client(site: Loopback) -> None:
    other = site.url("/real.xml", host="127.0.0.2")
    site.route("/", page(f'<link rel="alternate" type="{RSS}" href="/moved.xml">'))
    site.route("/moved.xml", Reply(302, headers={"Location": other}))
    site.route("/real.xml", feed_reply(rss_feed()))
    with pytest.raises(DiscoveryError) as caught:
        discover(site.url("/"))
    assert re.search(
        r"/moved\.xml: 127\.0\.0\.2 resolves to 127\.0\.0\.2: a private", str(caught.value)
    )
    assert site.hits("/real.xml") == []


def test_the_site_itself_is_refused_without_an_allowance(site: Loopback) -> None:
    site.route("/feed.xml", feed_reply(rss_feed()))
    with pytest.raises(DiscoveryError, match=r"127\.0\.0\.1 is a private"):
        discover(site.url("/feed.xml"), allow=())
    assert site.requests == []


def test_only_the_first_links_of_a_page_are_tried(site: Loopback) -> None:
    links = "".join(
        f'<link rel="alternate" type="{RSS}" href="/f{i}.xml">'
        for i in range(MAX_LINK_CANDIDATES * 3)
    )
    site.route("/", page(links))
    with pytest.raises(DiscoveryError):
        discover(site.url("/"))
    tried = [r.path for r in site.requests if r.path.startswith("/f")]
    assert tried == [f"/f{i}.xml" for i in range(MAX_LINK_CANDIDATES)] + [
        "/feed",
        "/feed/",
        "/feed.xml",
        "/feeds/posts/default",
    ]


def test_an_address_without_scheme_is_tried_as_https() -> None:
    with pytest.raises(DiscoveryError, match=r"^https://example\.invalid/feed: "):
        discover("example.invalid/feed")


def test_feed_links_keep_feed_types_only_in_order_without_repeats() -> None:
    html = (
        '<link rel="alternate" type="application/rss+xml" href="/a">'
        '<link rel="alternate" type="text/html" href="/page">'
        '<link rel="stylesheet" type="application/rss+xml" href="/style">'
        '<link rel="alternate" type="application/json+oembed" href="/oembed">'
        '<link rel="alternate" type="application/json" href="https://other.example/j">'
        '<LINK REL="ALTERNATE" TYPE="APPLICATION/ATOM+XML" HREF="/b">'
        '<link rel="alternate" type="application/rss+xml" href="/a#again">'
        '<link rel="alternate" type="application/rss+xml" href="/a">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/rss+xml" href="">'
        '<link rel="alternate" type="application/rss+xml" href="/x?a=1&amp;b=2">'
    )
    assert feed_links(html, "https://site.example/dir/page") == [
        "https://site.example/a",
        "https://other.example/j",
        "https://site.example/b",
        "https://site.example/a#again",
        "https://site.example/x?a=1&b=2",
    ]


def test_only_the_first_base_counts() -> None:
    html = (
        '<base target="_blank"><base href="https://cdn.example/x/"><base href="/ignored/">'
        '<link rel="alternate" type="application/rss+xml" href="f.xml">'
    )
    assert feed_links(html, "https://site.example/") == ["https://cdn.example/x/f.xml"]


def test_the_usual_paths_stay_on_the_site() -> None:
    candidates = common_path_candidates("https://site.example:8443/deep/page?q=1")
    assert candidates[0] == "https://site.example:8443/feed"
    assert candidates[-1] == "https://site.example:8443/?feed=rss2"
    assert all(c.startswith("https://site.example:8443/") for c in candidates)


@pytest.mark.shared
def test_a_real_wordpress_page_leads_to_its_main_feed(site: Loopback) -> None:
    html = require_shared("articles/globalvoices-2009/index_01.html").read_bytes()
    feed = require_shared("feeds/real/globalvoices/gv-feature-2009-06.rss").read_bytes()
    origin = site.url("").encode()
    site.route("/story", Reply(body=html.replace(b"http://globalvoicesonline.org", origin)))
    site.route("/feed/", feed_reply(feed))
    found = discover(site.url("/story"))
    assert found.url == site.url("/feed/")
    assert found.found_by == "a link on the page"
    assert found.feed.title == "Global Voices Online » Feature"
    assert site.hits("/comments/feed/") == []
