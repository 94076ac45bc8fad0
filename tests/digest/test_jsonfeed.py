"""The JSON Feed document: version 1.1, the same entries as the Atom one, paging by next_url."""

from __future__ import annotations

import json

from aggregator.digest.views import DigestView
from tests.digest.checks import ATOM, check_atom, check_json_feed, entries, text_of
from tests.digest.helpers import BASE, maker, page, stubs, titled


def test_a_valid_json_feed_with_the_atom_entries() -> None:
    found = (titled(stubs(1)[0], "<b>bold</b> \x00claim"), *stubs(3)[1:])
    document = json.loads(maker().render(page(found), DigestView("json")).body)
    check_json_feed(document)
    assert document["feed_url"] == f"{BASE}/digest.json"
    assert document["home_page_url"] == f"{BASE}/stubs"
    assert "next_url" not in document
    feed = check_atom(maker().render(page(found), DigestView("atom")).body)
    for item, entry in zip(document["items"], entries(feed), strict=True):
        assert item["id"] == text_of(entry, "id")
        assert item["title"] == text_of(entry, "title")
        assert item["content_html"] == text_of(entry, "content")
        assert item["date_modified"] == text_of(entry, "updated")
        assert item["date_published"] == text_of(entry, "published")
        assert item["url"] == entry.find(ATOM + "link").get("href")
        assert item["tags"] == ["Digital and AI"]
        assert item["authors"] == [{"name": "Example Author"}]
    assert document["items"][0]["title"] == "<b>bold</b> claim"


def test_next_url_pages() -> None:
    view = DigestView("json", page=2)
    document = json.loads(maker(limit=2).render(page(stubs(2), count=5), view).body)
    check_json_feed(document)
    assert document["feed_url"] == f"{BASE}/digest.json?page=2"
    assert document["next_url"] == f"{BASE}/digest.json?page=3"
    last = json.loads(
        maker(limit=2).render(page(stubs(1), count=5), DigestView("json", page=3)).body
    )
    assert "next_url" not in last
