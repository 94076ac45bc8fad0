"""The digest feeds served by uvicorn over a real store: what feed readers parse, RFC 4287,
conditional requests answered without a build, approved-only, paging and categories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import feedparser
import httpx
import lxml.html
import pytest

from aggregator.app import utc_now
from aggregator.config import Config
from aggregator.digest.model import category_slug
from aggregator.drafting.render import render_html
from aggregator.storage import digest as storage_digest
from aggregator.web.digest import routes as digest_routes
from tests.digest.checks import ATOM, check_atom, check_json_feed, entries, link, text_of
from tests.loopback import Loopback
from tests.web.conftest import Web, open_web

ATOM_TYPE = "application/atom+xml; charset=utf-8"
HOSTILE = "<img src=x onerror=alert(1)>]]> \x00\x08<script>alert(2)</script>"


def stubs_newest_first(web: Web) -> list[Any]:
    found = [web.ctx.desk.get(s.item_id) for s in web.ctx.app.stubs.list()]
    return sorted(found, key=lambda s: (s.updated_at, s.item_id), reverse=True)


def with_digest(site: Loopback, make_config: Callable[..., Config], table: str) -> Config:
    """The `drafted` config again (same database) with a `[digest]` table."""
    feeds = [{"name": "city", "url": site.url("/feed")}]
    return make_config(feeds, f"[digest]\n{table}\n", target_language="ja")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the pages read to build a document (the real read, counted)."""
    counted: list[int] = []

    def counting(*args: Any) -> Any:
        counted.append(1)
        return storage_digest.digest_page(*args)

    monkeypatch.setattr(digest_routes, "digest_page", counting)
    return counted


def test_feed_readers_parse_the_digest(web: Web) -> None:
    response = web.client.get("/digest.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == ATOM_TYPE
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["x-content-type-options"] == "nosniff"
    expected = stubs_newest_first(web)
    assert len(expected) == 2
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == [s.title for s in expected]
    assert [e.link for e in parsed.entries] == [s.url for s in expected]
    assert [e.tags[0].term for e in parsed.entries] == [s.category for s in expected]
    assert [e.updated_parsed[:6] for e in parsed.entries] == [
        s.updated_at.timetuple()[:6] for s in expected
    ]
    assert parsed.entries[0].published_parsed[:3] == (2026, 11, 2)  # the article's pubDate
    feed = check_atom(response.content)
    base = web.config.digest.base_url
    assert link(feed, "self") == f"{base}/digest.atom"
    assert link(feed, "alternate") == f"{base}/stubs"
    for entry, stub in zip(entries(feed), expected, strict=True):
        assert text_of(entry, "content") == render_html(stub)
        assert entry.find(ATOM + "author").findtext(ATOM + "name") == "city"


def test_conditional_requests_are_answered_without_a_build(web: Web, builds: list[int]) -> None:
    first = web.client.get("/digest.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert builds == [1]
    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", W/{etag}'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
    ):
        again = web.client.get("/digest.atom", headers=headers)
        assert again.status_code == 304, headers
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "public, max-age=300"
    assert builds == [1]
    stale = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert web.client.get("/digest.atom", headers=stale).status_code == 200
    early = {"If-Modified-Since": "Mon, 02 Nov 2026 10:00:00 GMT"}
    assert web.client.get("/digest.atom", headers=early).status_code == 200
    assert builds == [1]  # the same selection: served from the recent builds

    newest = stubs_newest_first(web)[-1]
    web.ctx.desk.move(newest.item_id, "reviewed", "Ana", utc_now())
    changed = web.client.get("/digest.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert builds == [1, 1]
    assert feedparser.parse(changed.content).entries[0].title == newest.title
    assert (
        web.client.get(
            "/digest.atom", headers={"If-None-Match": changed.headers["etag"]}
        ).status_code
        == 304
    )


def test_head_has_the_headers_and_no_body(web: Web) -> None:
    get = web.client.get("/digest.atom")
    head = web.client.head("/digest.atom")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "last-modified", "content-type", "content-length", "cache-control"):
        assert head.headers[name] == get.headers[name]
    conditional = web.client.head("/digest.atom", headers={"If-None-Match": get.headers["etag"]})
    assert conditional.status_code == 304


def test_the_json_feed_has_the_same_entries(web: Web) -> None:
    response = web.client.get("/digest.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/feed+json"
    document = response.json()
    check_json_feed(document)
    atom = check_atom(web.client.get("/digest.atom").content)
    assert [i["id"] for i in document["items"]] == [text_of(e, "id") for e in entries(atom)]
    assert [i["title"] for i in document["items"]] == [text_of(e, "title") for e in entries(atom)]
    assert document["feed_url"] == f"{web.config.digest.base_url}/digest.json"
    assert response.headers["etag"] != web.client.get("/digest.atom").headers["etag"]


def test_a_hostile_title_stays_text(web: Web) -> None:
    stub = stubs_newest_first(web)[0]
    web.ctx.desk.edit(stub.item_id, "title", HOSTILE, "Mallory", utc_now())
    response = web.client.get("/digest.atom")
    feed = check_atom(response.content)
    assert b"<img" not in response.content
    assert b"<script" not in response.content
    title = text_of(entries(feed)[0], "title")
    assert title == "<img src=x onerror=alert(1)>]]> <script>alert(2)</script>"
    content = lxml.html.fragment_fromstring(text_of(entries(feed)[0], "content"), "div")
    assert content.xpath("//script|//img") == []
    assert not any(name.startswith("on") for el in content.iter() for name in el.attrib)
    assert feedparser.parse(response.content).entries[0].title == title
    assert web.client.get("/digest.json").json()["items"][0]["title"] == title


@pytest.fixture
def approved_only(
    drafted: Config, site: Loopback, make_config: Callable[..., Config]
) -> Iterator[Web]:
    yield from open_web(with_digest(site, make_config, 'states = "approved"'))


def test_approved_only(approved_only: Web) -> None:
    web = approved_only
    assert entries(check_atom(web.client.get("/digest.atom").content)) == []
    chosen = stubs_newest_first(web)[1]
    for state in ("reviewed", "approved"):
        web.ctx.desk.move(chosen.item_id, state, "Ana", utc_now())
    parsed = feedparser.parse(web.client.get("/digest.atom").content)
    assert [e.title for e in parsed.entries] == [chosen.title]


@pytest.fixture
def paged(drafted: Config, site: Loopback, make_config: Callable[..., Config]) -> Iterator[Web]:
    yield from open_web(with_digest(site, make_config, "limit = 1"))


def test_pages_link_first_next_previous_last(paged: Web) -> None:
    base = paged.config.digest.base_url
    first = check_atom(paged.client.get("/digest.atom").content)
    assert link(first, "first") == f"{base}/digest.atom"
    assert link(first, "next") == f"{base}/digest.atom?page=2"
    assert link(first, "last") == f"{base}/digest.atom?page=2"
    assert link(first, "previous") is None
    second_url = httpx.URL(link(first, "next") or "")
    second = check_atom(paged.client.get(second_url.path, params=second_url.params).content)
    assert link(second, "self") == f"{base}/digest.atom?page=2"
    assert link(second, "previous") == f"{base}/digest.atom"
    assert link(second, "next") is None
    ids = [text_of(e, "id") for feed in (first, second) for e in entries(feed)]
    assert len(ids) == len(set(ids)) == 2
    assert paged.client.get("/digest.atom?page=3").status_code == 404
    for bad in ("0", "-1", "two", "1.5", "99999999"):
        assert paged.client.get(f"/digest.atom?page={bad}").status_code == 400
    document = paged.client.get("/digest.json").json()
    assert document["next_url"] == f"{base}/digest.json?page=2"


def test_a_category_has_its_own_feed(web: Web) -> None:
    category = stubs_newest_first(web)[0].category
    assert category is not None
    slug = category_slug(category)
    response = web.client.get(f"/digest/{slug}.atom")
    assert response.status_code == 200
    feed = check_atom(response.content)
    assert len(entries(feed)) == 2
    assert text_of(feed, "title").endswith(category)
    assert link(feed, "self") == f"{web.config.digest.base_url}/digest/{slug}.atom"
    assert text_of(feed, "id") != text_of(check_atom(web.client.get("/digest.atom").content), "id")
    check_json_feed(web.client.get(f"/digest/{slug}.json").json())
    missing = web.client.get("/digest/no-such-category.atom")
    assert missing.status_code == 404
    assert web.client.get("/digest/no-such-category.json").status_code == 404
