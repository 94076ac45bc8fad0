"""The Atom document: RFC 4287's rules, what feedparser reads back, and hostile text kept as
text."""

from __future__ import annotations

import feedparser
import lxml.html
import pytest

from aggregator.digest.atom import write_atom
from aggregator.digest.views import DigestView
from aggregator.drafting.render import render_html
from aggregator.stub_records import PREPARED, Part, Stub
from tests.digest.checks import ATOM, check_atom, entries, link, text_of
from tests.digest.helpers import BASE, maker, page, stubs, titled
from tests.drafting.examples import with_part

HOSTILE = '<img src=x onerror=alert(1)>]]> & "q" \x00\x07\x1b<script>alert(2)</script>'


def atom(found: tuple[Stub, ...] = (), count: int | None = None) -> bytes:
    return maker().render(page(found, count), DigestView("atom")).body


def test_a_digest_keeps_rfc_4287() -> None:
    found = stubs(3)
    feed = check_atom(atom(found))
    assert text_of(feed, "title") == "aggregator digest"
    assert text_of(feed, "updated") == "2025-02-11T09:30:00Z"
    assert link(feed, "self") == f"{BASE}/digest.atom"
    assert link(feed, "alternate") == f"{BASE}/stubs"
    assert text_of(feed, "generator") == "aggregator"
    for entry, stub in zip(entries(feed), found, strict=True):
        content = entry.find(ATOM + "content")
        assert content.text == render_html(stub)
        assert entry.find(ATOM + "author").findtext(ATOM + "name") == "Example Author"


def test_an_empty_digest_is_valid_with_a_fixed_date() -> None:
    feed = check_atom(atom())
    assert entries(feed) == []
    assert text_of(feed, "updated") == "1970-01-01T00:00:00Z"
    assert feed.find(ATOM + "author") is not None


def test_feedparser_reads_it_back() -> None:
    found = stubs(3, author=None, category="Digital & AI")
    parsed = feedparser.parse(atom(found))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries] == [s.url for s in found]
    assert [e.title for e in parsed.entries] == [s.title for s in found]
    assert [e.tags[0].term for e in parsed.entries] == ["Digital & AI"] * 3
    assert [e.author for e in parsed.entries] == ["Global Voices"] * 3
    assert parsed.entries[1].updated == "2025-02-11T08:30:00Z"
    assert parsed.entries[0].published_parsed[:3] == (2025, 2, 10)
    assert parsed.entries[0].content[0].type == "text/html"
    assert len({e.id for e in parsed.entries}) == 3


def test_a_hostile_title_stays_text() -> None:
    stub = titled(stubs(1)[0], HOSTILE)
    stub = with_part(stub, Part("news_summary", PREPARED, "<script>alert(3)</script>\x0c"))
    body = atom((stub,))
    feed = check_atom(body)  # well-formed despite ]]> and control characters
    assert b"<img" not in body
    assert b"<script" not in body
    (entry,) = entries(feed)
    expected = '<img src=x onerror=alert(1)>]]> & "q" <script>alert(2)</script>'
    assert text_of(entry, "title") == expected
    assert entry.find(ATOM + "title").get("type") == "text"
    assert text_of(entry, "summary") == "<script>alert(3)</script>"
    fragment = lxml.html.fragment_fromstring(text_of(entry, "content"), create_parent="div")
    assert fragment.xpath("//script|//img|//iframe|//object") == []
    assert all(not name.lower().startswith("on") for el in fragment.iter() for name in el.attrib)
    assert expected in fragment.text_content()
    assert feedparser.parse(body).entries[0].title == expected


@pytest.mark.parametrize(
    ("page_number", "rels"),
    [
        (1, {"first": 1, "next": 2, "last": 3}),
        (2, {"first": 1, "previous": 1, "next": 3, "last": 3}),
        (3, {"first": 1, "previous": 2, "last": 3}),
    ],
)
def test_pages_link_to_each_other(page_number: int, rels: dict[str, int]) -> None:
    view = DigestView("atom", "world", ("World",), page_number)
    body = maker(limit=2).render(page(stubs(2), count=6), view).body
    feed = check_atom(body)
    found = {
        k.get("rel"): k.get("href")
        for k in feed.findall(ATOM + "link")
        if k.get("rel") not in ("self", "alternate")
    }

    def url(n: int) -> str:
        return f"{BASE}/digest/world.atom" + ("" if n == 1 else f"?page={n}")

    assert found == {rel: url(n) for rel, n in rels.items()}
    assert link(feed, "self") == url(page_number)
    assert text_of(feed, "title") == "aggregator digest: World"


def test_write_atom_is_deterministic() -> None:
    digest = maker().digest(page(stubs(2)), DigestView("atom"))
    assert write_atom(digest) == write_atom(digest)
